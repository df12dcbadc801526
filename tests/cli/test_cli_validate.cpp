#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <regex>
#include <set>

using healthdoc::test::read_file;
using healthdoc::test::run_healthdoc;
using healthdoc::test::source_path;
using healthdoc::test::TempDir;
using healthdoc::test::write_file;

namespace {

const char* k_kit = "reference/cda/ans-testcontenucda";
const std::string k_no_rules = "HEALTHDOC_RULES_DIR=/nonexistent-healthdoc-rules";

std::string schema_option(const std::filesystem::path& kit) {
    return (kit / "infrastructure/cda/CDA_extended.xsd").string();
}

} // namespace

TEST_CASE("cli::validate_ans_examples") {
    auto kit = REQUIRE_SHARED(k_kit);
    if (!kit) return;
    SUBCASE("schema and header rules: the one error is the one the kit's own verdict reports") {
        auto r = run_healthdoc({"validate", "--rules", "builtin", "--schemas", schema_option(*kit), "--format", "json",
                                (*kit / "ExemplesCDA").string()});
        CHECK(r.exit_code == 1);
        auto report = nlohmann::json::parse(r.out);
        CHECK(report["summary"]["documents"].get<int>() >= 60);
        CHECK(report["summary"]["errors"] == 1);
        for (const auto& document : report["documents"])
            for (const auto& d : document["diagnostics"])
                if (d["severity"] == "error") {
                    CHECK(document["file"].get<std::string>().find("eDISP-MED_2024.01.xml") != std::string::npos);
                    CHECK(d["rule"] == "cisis.header.name-qualifier");
                }
    }
    SUBCASE("--rules none: the schema alone") {
        auto r = run_healthdoc(
            {"validate", "--rules", "none", "--schemas", schema_option(*kit), (*kit / "ExemplesCDA").string()});
        CHECK(r.exit_code == 0);
        CHECK(r.err.find(" documents, 0 errors, 0 warnings") != std::string::npos);
    }
}

TEST_CASE("cli::validate_header_rules_and_value_sets") {
    TempDir dir;
    auto note = read_file(source_path("examples/valid/consultation-note.xml"));
    write_file(dir / "note.xml", note);
    SUBCASE("built in by default, no pack needed") {
        auto r = run_healthdoc({"validate", "--format", "json", (dir / "note.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 0);
        auto other = std::regex_replace(note, std::regex("code=\"11488-4\""), "code=\"00000-0\"");
        write_file(dir / "other.xml", other);
        r = run_healthdoc({"validate", (dir / "other.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("[cisis.header.type-code]") != std::string::npos);
        CHECK(r.out.find("JDV_J07_XdsTypeCode_CISIS") != std::string::npos);
    }
    SUBCASE("--value-sets replaces a built-in set") {
        auto sets = dir / "jdv";
        std::filesystem::create_directories(sets);
        write_file(sets / "types.xml",
                   "<RetrieveValueSetResponse xmlns='urn:ihe:iti:svs:2008'><ValueSet id='1.2.250.1.213.1.1.5.471' "
                   "displayName='Local types'><ConceptList><Concept code='X-1' codeSystem='1.2.3'/></ConceptList>"
                   "</ValueSet></RetrieveValueSetResponse>");
        auto r =
            run_healthdoc({"validate", "--value-sets", sets.string(), (dir / "note.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("is not in the value set Local types") != std::string::npos);
        r = run_healthdoc({"validate", "--value-sets", (dir / "nowhere").string(), (dir / "note.xml").string()}, "",
                          {k_no_rules});
        CHECK(r.exit_code == 2);
    }
    SUBCASE("--rules none turns them off") {
        write_file(dir / "bare.xml", "<ClinicalDocument xmlns='urn:hl7-org:v3'/>");
        auto r = run_healthdoc({"validate", "--rules", "none", (dir / "bare.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 0);
        r = run_healthdoc({"validate", (dir / "bare.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("[cisis.header.realm-code]") != std::string::npos);
    }
}

TEST_CASE("cli::validate_mutated_document") {
    auto kit = REQUIRE_SHARED(k_kit);
    if (!kit) return;
    TempDir dir;
    auto original = read_file(*kit / "ExemplesCDA/VAC-NOTE_2023.01.xml");
    auto mutated =
        std::regex_replace(original, std::regex("(<title>NOTE DE VACCINATION</title>)"), "$1\n  <frobnicate/>");
    write_file(dir / "bad.xml", mutated);
    write_file(dir / "good.xml", original);

    SUBCASE("text: GNU style line with the rule, exit 1") {
        auto r = run_healthdoc(
            {"validate", "--rules", "builtin", "--schemas", schema_option(*kit), (dir / "bad.xml").string()});
        CHECK(r.exit_code == 1);
        std::regex line(
            R"(bad\.xml:44:3: error: element <frobnicate> is not allowed here.*\[cda\.schema\.unexpected-element\])");
        CHECK_MESSAGE(std::regex_search(r.out, line), r.out);
    }
    SUBCASE("every renderer's output parses") {
        for (const char* format : {"json", "operationoutcome", "sarif"}) {
            auto r = run_healthdoc({"validate", "-q", "--rules", "builtin", "--schemas", schema_option(*kit),
                                    "--format", format, (dir / "good.xml").string(), (dir / "bad.xml").string()});
            CHECK(r.exit_code == 1);
            CHECK(r.err.empty());
            nlohmann::json parsed;
            CHECK_NOTHROW(parsed = nlohmann::json::parse(r.out));
            if (std::string(format) == "sarif") {
                CHECK(parsed["version"] == "2.1.0");
                CHECK(parsed["runs"][0]["results"][0]["ruleId"] == "cda.schema.unexpected-element");
            }
            if (std::string(format) == "operationoutcome") CHECK(parsed["resourceType"] == "Bundle");
        }
        auto r = run_healthdoc({"validate", "-q", "--rules", "builtin", "--schemas", schema_option(*kit), "--format",
                                "junit", (dir / "good.xml").string(), (dir / "bad.xml").string()});
        pugi::xml_document junit;
        CHECK(junit.load_string(r.out.c_str()));
        CHECK(junit.select_nodes("//testcase").size() == 2);
        CHECK(junit.select_nodes("//testcase[failure]").size() == 1); // bad.xml: schema and header findings
    }
    SUBCASE("--jobs keeps the input order; -o writes the report") {
        auto out = dir / "report.json";
        auto r = run_healthdoc({"validate", "--jobs", "2", "--rules", "builtin", "--schemas", schema_option(*kit),
                                "--format", "json", "-o", out.string(), (dir / "bad.xml").string(),
                                (dir / "good.xml").string(), (dir / "bad.xml").string()});
        CHECK(r.exit_code == 1);
        CHECK(r.out.empty());
        auto report = nlohmann::json::parse(read_file(out));
        REQUIRE(report["documents"].size() == 3);
        CHECK(report["documents"][0]["valid"] == false);
        CHECK(report["documents"][1]["valid"] == true);
        CHECK(report["documents"][2]["valid"] == false);
    }
    SUBCASE("standard input") {
        auto r = run_healthdoc({"validate", "--rules", "builtin", "--schemas", schema_option(*kit), "-"}, mutated);
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("-:44:3: error:") != std::string::npos);
    }
    SUBCASE("--warnings-as-errors counts the skipped schema layer") {
        auto r = run_healthdoc({"validate", (dir / "good.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("[cda.schema.skipped]") != std::string::npos);
        r = run_healthdoc({"validate", "--warnings-as-errors", (dir / "good.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 1);
    }
    SUBCASE("--verbose says which schema is used") {
        auto r =
            run_healthdoc({"validate", "--verbose", "--schemas", schema_option(*kit), (dir / "good.xml").string()});
        CHECK(r.exit_code == 0);
        CHECK(r.err.find("healthdoc: CDA schema: " + schema_option(*kit)) != std::string::npos);
    }
    SUBCASE("HEALTHDOC_SCHEMAS names the schema") {
        auto r = run_healthdoc({"validate", (dir / "bad.xml").string()}, "",
                               {k_no_rules, "HEALTHDOC_SCHEMAS=" + schema_option(*kit)});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("[cda.schema.unexpected-element]") != std::string::npos);
    }
}

TEST_CASE("cli::validate_exit_codes") {
    TempDir dir;
    write_file(dir / "ok.xml", "<?xml version=\"1.0\"?>\n<note><to>x</to></note>\n");
    write_file(dir / "broken.xml", "<?xml version=\"1.0\"?>\n<note>\n  <to>x</to>\n");
    write_file(dir / "report.pdf", "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");
    write_file(dir / "evil.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE lol [<!ENTITY lol \"lol\">]>\n<lol>&lol;</lol>\n");

    SUBCASE("a well-formed document: 0") {
        CHECK(run_healthdoc({"validate", (dir / "ok.xml").string()}, "", {k_no_rules}).exit_code == 0);
    }
    SUBCASE("a truncated document: 1, with its line") {
        auto r = run_healthdoc({"validate", (dir / "broken.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("broken.xml:") != std::string::npos);
        CHECK(r.out.find("[xml.syntax.unclosed-tag]") != std::string::npos);
    }
    SUBCASE("a DOCTYPE is refused: 1") {
        auto r = run_healthdoc({"validate", (dir / "evil.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("evil.xml:2:1: fatal:") != std::string::npos);
        CHECK(r.out.find("[xml.security.doctype]") != std::string::npos);
    }
    SUBCASE("a PDF is not a document to validate: 2") {
        auto r = run_healthdoc({"validate", (dir / "report.pdf").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("[validate.input.not-validatable]") != std::string::npos);
    }
    SUBCASE("a missing file is reported and the run goes on: 2") {
        auto r = run_healthdoc({"validate", "--format", "json", (dir / "nope.xml").string(), (dir / "ok.xml").string()},
                               "", {k_no_rules});
        CHECK(r.exit_code == 2);
        auto report = nlohmann::json::parse(r.out);
        CHECK(report["documents"].size() == 2);
        CHECK(report["documents"][1]["valid"] == true);
    }
    SUBCASE("a directory is walked recursively for *.xml and *.json") {
        write_file(dir / "sub" / "deep.json", "{\"resourceType\":\"Patient\"}");
        auto r = run_healthdoc({"validate", "--format", "json", (dir / "sub").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 0);
        CHECK(nlohmann::json::parse(r.out)["documents"].size() == 1);
    }
}

TEST_CASE("cli::validate_schema_findings_in_json") {
    auto kit = REQUIRE_SHARED(k_kit);
    if (!kit) return;
    TempDir dir;
    auto original = read_file(*kit / "ExemplesCDA/VAC-NOTE_2023.01.xml");
    auto line_of = [](const std::string& text, const std::string& needle) {
        auto at = text.find(needle);
        REQUIRE(at != std::string::npos);
        return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) + 1;
    };
    struct Case {
        const char* name;
        std::string text;
        const char* rule;
        std::string marker;
    };
    auto missing = std::regex_replace(original, std::regex("<assignedCustodian>[^]*?</assignedCustodian>"),
                                      "<assignedCustodian></assignedCustodian>");
    auto bad_time = std::regex_replace(original, std::regex(R"(<effectiveTime value="20210409153500\+0100" />)"),
                                       R"(<effectiveTime value="le 9 avril SECRET" />)");
    auto bad_class =
        std::regex_replace(original, std::regex(R"(<ClinicalDocument )"), R"(<ClinicalDocument classCode="XXX" )");
    const std::vector<Case> cases = {
        {"missing.xml", missing, "cda.schema.missing-element", "<assignedCustodian></assignedCustodian>"},
        {"time.xml", bad_time, "cda.schema.bad-attribute-value", "SECRET"},
        {"class.xml", bad_class, "cda.schema.bad-attribute-value", "classCode=\"XXX\""},
    };
    std::vector<std::string> args{"validate", "--jobs", "2", "--format", "json", "--schemas", schema_option(*kit)};
    for (const auto& c : cases) {
        write_file(dir / c.name, c.text);
        args.push_back((dir / c.name).string());
    }
    auto r = run_healthdoc(args, "", {k_no_rules});
    CHECK(r.exit_code == 1);
    auto report = nlohmann::json::parse(r.out);
    REQUIRE(report["documents"].size() == cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& document = report["documents"][i];
        INFO(cases[i].name << ": " << document.dump());
        CHECK(document["file"] == (dir / cases[i].name).string());
        REQUIRE(document["diagnostics"].size() >= 1);
        CHECK(document["diagnostics"][0]["rule"] == cases[i].rule);
        CHECK(document["diagnostics"][0]["location"]["line"] == line_of(cases[i].text, cases[i].marker));
        CHECK(r.out.find("SECRET") == std::string::npos);
    }
}

TEST_CASE("cli::validate_ans_folder_keeps_order") {
    auto kit = REQUIRE_SHARED(k_kit);
    if (!kit) return;
    auto r = run_healthdoc({"validate", "-q", "--jobs", "2", "--rules", "none", "--format", "json", "--schemas",
                            schema_option(*kit), (*kit / "ExemplesCDA").string()});
    CHECK(r.exit_code == 0);
    auto report = nlohmann::json::parse(r.out);
    std::vector<std::string> files;
    for (const auto& document : report["documents"]) files.push_back(document["file"].get<std::string>());
    CHECK(files.size() >= 60);
    CHECK(std::is_sorted(files.begin(), files.end()));
}

TEST_CASE("cli::validate_schema_refusals") {
    TempDir dir;
    write_file(dir / "ok.xml", "<?xml version=\"1.0\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>\n");
    SUBCASE("a schema including a remote file is refused without network: 2") {
        write_file(dir / "CDA.xsd", "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
                                    "<xs:include schemaLocation='https://192.0.2.1/voc.xsd'/></xs:schema>");
        auto r =
            run_healthdoc({"validate", "--schemas", dir.path().string(), (dir / "ok.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("https://192.0.2.1/voc.xsd") != std::string::npos);
        CHECK(r.err.find("never fetches schemas over the network") != std::string::npos);
    }
    SUBCASE("a --schemas folder without a CDA schema: 2") {
        auto r =
            run_healthdoc({"validate", "--schemas", dir.path().string(), (dir / "ok.xml").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("no CDA schema") != std::string::npos);
    }
}

TEST_CASE("cli::validate_official_rules") {
    auto kit = REQUIRE_SHARED(k_kit);
    auto mutated = REQUIRE_SHARED("reference/cda/ans-reference-verdicts/mutated");
    if (!kit || !mutated) return;
    auto document = (*mutated / "LDL-EES_2022.01__no-realm.xml").string();
    SUBCASE("--rules official: the kit's header layer finds the missing realmCode, natively") {
        auto r = run_healthdoc({"validate", "--rules", "official", "--rules-pack", kit->string(), "--schemas",
                                schema_option(*kit), "--format", "json", document},
                               "", {k_no_rules});
        CHECK(r.exit_code == 1);
        auto report = nlohmann::json::parse(r.out);
        std::set<std::string> errors;
        for (const auto& d : report["documents"][0]["diagnostics"])
            if (d["severity"] == "error")
                errors.insert(d["rule"].get<std::string>() + " " + d["message"].get<std::string>());
        CHECK(errors.size() == 1);
        CHECK(errors.begin()->find("schematron.StructurationMinimale.") == 0);
        CHECK(errors.begin()->find("realmCode[@code = 'FR'] is required") != std::string::npos);
        // The kit lacks one value-set file its header layer reads: said once, the rest runs.
        CHECK(r.out.find("voc-1.2.250.1.213.1.1.5.471-DYNAMIC.xml") != std::string::npos);
    }
    SUBCASE("--rules all: the built-in finding stays, with the official id beside it") {
        auto r = run_healthdoc({"validate", "--rules-pack", kit->string(), "--schemas", schema_option(*kit), document},
                               "", {k_no_rules});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find(":34:1: error: ClinicalDocument must contain realmCode with @code 'FR' (also "
                         "schematron.StructurationMinimale.") != std::string::npos);
        CHECK(r.out.find("realmCode[@code = 'FR'] is required") == std::string::npos);
    }
    SUBCASE("--schematron FILE on any XML, with --phase") {
        TempDir dir;
        write_file(dir / "rules.sch", R"(<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="h" uri="urn:example"/>
  <phase id="strict"><active pattern="p"/></phase>
  <pattern id="p"><rule context="h:item"><assert test="@n castable as xs:integer" role="warning">item n must be an integer, found '<value-of select="@n"/>'</assert></rule></pattern>
</schema>)");
        write_file(dir / "data.xml", "<list xmlns=\"urn:example\">\n  <item n=\"1\"/>\n  <item n=\"x\"/>\n</list>\n");
        auto r = run_healthdoc({"validate", "--rules", "none", "--schematron", (dir / "rules.sch").string(), "--phase",
                                "strict", (dir / "data.xml").string()},
                               "", {k_no_rules});
        CHECK(r.exit_code == 0); // a warning only
        CHECK(r.out.find("data.xml:3:3: warning: item n must be an integer, found 'x' [schematron.rules.p]") !=
              std::string::npos);
    }
}
