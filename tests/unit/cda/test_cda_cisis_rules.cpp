#include "cda/cisis/header_rules.hpp"
#include "cda/header.hpp"
#include "formats/xml_document.hpp"
#include "tests/support/test_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace healthdoc;

namespace {

const cda::ValueSets& builtin_sets() {
    static const auto sets = cda::ValueSets::builtin();
    return sets;
}

formats::Diagnostics check_text(const std::string& text, const std::string& name = "doc.xml") {
    formats::Diagnostics parse;
    auto document = formats::parse_xml(formats::SourceText(name, text), parse);
    REQUIRE(document);
    formats::Diagnostics out;
    cda::check_cisis_header(*document, cda::find_clinical_document(document->root()), builtin_sets(), out);
    return out;
}

std::vector<formats::Diagnostic> at_least(const formats::Diagnostics& all, formats::Severity severity) {
    std::vector<formats::Diagnostic> found;
    for (const auto& d : all.items())
        if (d.severity >= severity) found.push_back(d);
    return found;
}

std::string base_document() { return test::read_file(test::source_path("tests/data/cda/cisis-n1-base.xml")); }

std::string replace(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "mutation anchor not found: " << from);
    return text.replace(at, from.size(), to);
}

std::size_t line_of(const std::string& text, const std::string& anchor) {
    auto at = text.find(anchor);
    REQUIRE(at != std::string::npos);
    return static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1;
}

// An XPath without positions or a final attribute step, as the kit's SVRL writes locations.
std::string kit_path(std::string path) {
    path = std::regex_replace(path, std::regex(R"(\[\d+\])"), "");
    auto attribute = path.find("/@");
    if (attribute != std::string::npos) path.resize(attribute);
    return path;
}

// The header-schematron failures of a verdict file: asserts whose message comes from the
// CI-SIS header templates (SMDS_ / CI-SIS prefixes), as location -> message.
std::vector<std::pair<std::string, std::string>> header_failures(const std::filesystem::path& tsv) {
    std::vector<std::pair<std::string, std::string>> failures;
    std::istringstream lines(test::read_file(tsv));
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string kind, location, message;
        std::getline(fields, kind, '\t');
        std::getline(fields, location, '\t');
        std::getline(fields, message);
        if (kind == "assert" && (message.rfind("(SMDS_", 0) == 0 || message.rfind("(CI-SIS", 0) == 0))
            failures.emplace_back(location, message);
    }
    return failures;
}

// Whether a finding's path points where the kit does: the same element, or one of its children
// (we point at the offending child where the kit's rule context is its parent).
bool points_at(const formats::Diagnostic& finding, const std::string& kit_location) {
    auto path = kit_path(finding.location.path);
    if (path == kit_location) return true;
    return path.rfind(kit_location + "/", 0) == 0 && path.find('/', kit_location.size() + 1) == std::string::npos;
}

std::string describe(const std::vector<formats::Diagnostic>& findings) {
    std::string text;
    for (const auto& d : findings)
        text += d.rule + " line " + std::to_string(d.location.line) + " " + d.location.path + ": " + d.message + "\n";
    return text;
}

} // namespace

TEST_CASE("cda::cisis_base_document_passes") {
    auto out = check_text(base_document());
    for (const auto& d : out.items()) INFO(d.rule << " " << d.message);
    CHECK(out.empty());
}

TEST_CASE("cda::cisis_mutations_yield_their_rule_and_location") {
    struct Mutation {
        const char* name;
        const char* from;
        const char* to;
        const char* rule;
        const char* line_anchor; // the mutated text whose line the finding must point at
        formats::Severity severity = formats::Severity::error;
    };
    const Mutation mutations[] = {
        {"realmCode removed", "<realmCode code=\"FR\"/>", "", "cisis.header.realm-code", "<ClinicalDocument "},
        {"INS-C OID", "root=\"1.2.250.1.213.1.4.10\"", "root=\"1.2.250.1.213.1.4.2\"", "cisis.header.ins-oid",
         "root=\"1.2.250.1.213.1.4.2\""},
        {"INS without birth place",
         "<birthplace>\n          <place>\n            <addr><county>75112</county></addr>\n"
         "          </place>\n        </birthplace>",
         "", "cisis.header.ins-traits", "<patient>"},
        {"bad NIR key", "extension=\"184127512345640\"", "extension=\"184127512345641\"", "cisis.header.nir-key",
         "extension=\"184127512345641\"", formats::Severity::warning},
        {"legalAuthenticator time missing", "<legalAuthenticator>\n    <time value=\"20240115103000+0100\"/>",
         "<legalAuthenticator>", "cisis.header.legal-authenticator", "<legalAuthenticator>"},
        {"two bodies", "</nonXMLBody>", "</nonXMLBody><structuredBody/>", "cisis.header.body", "<component>"},
        {"languageCode french", "<languageCode code=\"fr-FR\"/>", "<languageCode code=\"french\"/>",
         "cisis.header.language-code", "<languageCode"},
        {"type code outside the set", "code=\"11488-4\"", "code=\"99999-9\"", "cisis.header.type-code",
         "code=\"99999-9\""},
        {"confidentiality outside the set", "<confidentialityCode code=\"N\"", "<confidentialityCode code=\"Q\"",
         "cisis.header.confidentiality-code", "<confidentialityCode"},
        {"facility type removed",
         "<code code=\"SA07\" codeSystem=\"1.2.250.1.71.4.2.4\" displayName=\"Cabinet individuel\"/>", "",
         "cisis.header.component-of", "<healthCareFacility>"},
        {"practice setting outside the set", "code=\"AMBULATOIRE\"", "code=\"NOWHERE\"",
         "cisis.header.practice-setting", "code=\"NOWHERE\""},
        {"CI-SIS template removed", "<templateId root=\"1.2.250.1.213.1.1.1.1\"/>", "", "cisis.header.template-id",
         "<ClinicalDocument "},
        {"N1 with a fourth template", "<templateId root=\"1.3.6.1.4.1.19376.1.2.20\"/>",
         "<templateId root=\"1.3.6.1.4.1.19376.1.2.20\"/><templateId root=\"1.2.250.1.213.1.1.1.12\"/>",
         "cisis.header.template-id", "<ClinicalDocument "},
        {"signature code not S", "<signatureCode code=\"S\"/>", "<signatureCode code=\"X\"/>",
         "cisis.header.legal-authenticator", "<signatureCode"},
        {"second RPLC", "<componentOf>",
         "<relatedDocument typeCode=\"RPLC\"><parentDocument><id root=\"1.2.3\"/></parentDocument></relatedDocument>"
         "<relatedDocument typeCode=\"RPLC\"><parentDocument><id root=\"1.2.4\"/></parentDocument></relatedDocument>"
         "<componentOf>",
         "cisis.header.related-document", "<relatedDocument typeCode=\"RPLC\"><parentDocument><id root=\"1.2.3\""},
        {"telecom without scheme", "value=\"tel:0102030405\"", "value=\"0102030405\"", "cisis.header.record-target",
         "value=\"0102030405\""},
        {"family name qualifier SP", "<family qualifier=\"BR\">TESTPATIENT</family>",
         "<family qualifier=\"BR\">TESTPATIENT</family><family qualifier=\"SP\">TESTEPOUX</family>",
         "cisis.header.name-qualifier", "<family qualifier=\"SP\">"},
        {"RPPS key wrong", "<id root=\"1.2.250.1.71.4.2.1\" extension=\"810001234565\"/>\n      <code",
         "<id root=\"1.2.250.1.71.4.2.1\" extension=\"810001234566\"/>\n      <code", "cisis.header.national-id-key",
         "extension=\"810001234566\"", formats::Severity::warning},
        {"device author without software name", "<assignedPerson>\n        <name><prefix>",
         "<assignedAuthoringDevice><manufacturerModelName>M</manufacturerModelName></assignedAuthoringDevice>"
         "<assignedPerson>\n        <name><prefix>",
         "cisis.header.author-device", "<assignedAuthoringDevice>"},
        {"unknown header element", "<title>", "<bogus/><title>", "cisis.header.unknown-element", "<bogus/>"},
        {"id with nullFlavor", "<id root=\"1.2.250.1.999.1.1\" extension=\"DOC-0001\"/>", "<id nullFlavor=\"UNK\"/>",
         "cisis.header.id", "<id nullFlavor=\"UNK\"/>"},
    };
    for (const auto& m : mutations) {
        std::string name = m.name;
        CAPTURE(name);
        auto text = replace(base_document(), m.from, m.to);
        auto out = check_text(text);
        auto findings = at_least(out, formats::Severity::warning);
        auto found = describe(findings);
        CAPTURE(found);
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].rule == m.rule);
        CHECK(findings[0].severity == m.severity);
        CHECK(findings[0].location.file == "doc.xml");
        CHECK(findings[0].location.line == line_of(text, m.line_anchor));
        CHECK_FALSE(findings[0].location.path.empty());
    }
}

TEST_CASE("cda::cisis_messages_never_echo_patient_values") {
    auto text = replace(base_document(), "<birthTime value=\"19841215\"/>", "<birthTime value=\"1x\"/>");
    auto out = check_text(text);
    REQUIRE_FALSE(out.empty());
    for (const auto& d : out.items()) CHECK(d.message.find("1x") == std::string::npos);
    auto bad_key = check_text(replace(base_document(), "184127512345640", "184127512345641"));
    for (const auto& d : bad_key.items()) CHECK(d.message.find("184127512345641") == std::string::npos);
}

TEST_CASE("cda::cisis_kit_examples_agree_with_the_kit_verdicts") {
    auto examples = REQUIRE_SHARED("reference/cda/ans-testcontenucda/ExemplesCDA");
    auto verdicts = REQUIRE_SHARED("reference/cda/ans-reference-verdicts/verdicts");
    if (!examples || !verdicts) return;
    std::size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*examples)) {
        if (entry.path().extension() != ".xml") continue;
        auto verdict = *verdicts / (entry.path().stem().string() + ".tsv");
        if (!std::filesystem::exists(verdict)) continue;
        CAPTURE(entry.path().filename().string());
        auto out = check_text(test::read_file(entry.path()), entry.path().string());
        auto errors = at_least(out, formats::Severity::error);
        auto expected = header_failures(verdict);
        if (expected.empty()) {
            auto found = describe(errors);
            CAPTURE(found);
            CHECK(errors.empty());
        } else {
            for (const auto& [location, message] : expected) {
                CAPTURE(message);
                CHECK(std::any_of(errors.begin(), errors.end(), [&](const auto& e) { return points_at(e, location); }));
            }
        }
        ++checked;
    }
    CHECK(checked == 70);
}

TEST_CASE("cda::cisis_kit_mutations_are_caught_where_the_kit_says") {
    auto mutated = REQUIRE_SHARED("reference/cda/ans-reference-verdicts/mutated");
    auto verdicts = REQUIRE_SHARED("reference/cda/ans-reference-verdicts/verdicts");
    if (!mutated || !verdicts) return;
    std::size_t checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*mutated)) {
        auto stem = entry.path().stem().string();
        auto original = stem.substr(0, stem.find("__"));
        CAPTURE(stem);
        // The failures this mutation adds to its original's verdict, in the header templates.
        auto before = header_failures(*verdicts / (original + ".tsv"));
        std::set<std::pair<std::string, std::string>> known(before.begin(), before.end());
        auto out = check_text(test::read_file(entry.path()), entry.path().string());
        auto errors = at_least(out, formats::Severity::error);
        std::size_t added = 0;
        for (const auto& failure : header_failures(*verdicts / (stem + ".tsv"))) {
            if (known.count(failure)) continue;
            ++added;
            CAPTURE(failure.second);
            CHECK(
                std::any_of(errors.begin(), errors.end(), [&](const auto& e) { return points_at(e, failure.first); }));
        }
        CHECK(added >= 1);
        ++checked;
    }
    CHECK(checked == 70);
}

TEST_CASE("cda::value_sets_from_svs_files") {
    test::TempDir dir;
    test::write_file(dir / "JDV_Test.xml",
                     "<RetrieveValueSetResponse xmlns='urn:ihe:iti:svs:2008'><ValueSet id='1.2.250.1.213.1.1.5.471' "
                     "displayName='JDV_J07_XdsTypeCode_CISIS.tabs'><ConceptList>"
                     "<Concept code='ONLY-1' codeSystem='1.2.3' displayName='One'/></ConceptList></ValueSet>"
                     "</RetrieveValueSetResponse>");
    test::write_file(dir / "empty.xml", "");
    test::write_file(dir / "broken.xml", "<oops");
    auto sets = cda::ValueSets::builtin();
    REQUIRE(sets.find(cda::value_set_oid::type_code));
    CHECK(sets.find(cda::value_set_oid::type_code)->find("11488-4", "2.16.840.1.113883.6.1"));
    formats::Diagnostics out;
    CHECK(sets.load_folder(dir.path(), out) == 1);
    REQUIRE(out.size() == 1);
    CHECK(out.items()[0].rule == "cda.value-sets.unreadable");
    const auto* replaced = sets.find(cda::value_set_oid::type_code);
    REQUIRE(replaced);
    CHECK(replaced->name() == "JDV_J07_XdsTypeCode_CISIS");
    CHECK(replaced->size() == 1);
    CHECK(replaced->find("ONLY-1", "1.2.3"));
    CHECK_FALSE(replaced->find("11488-4", "2.16.840.1.113883.6.1"));
}
