// Offline terminology: ValueSet expansion from the core package (enumerated, whole code
// systems, filters, include/exclude, imports), the grammar systems (UCUM, BCP-47, MIME types),
// what cannot be expanded offline, and a pass over every ValueSet of the core package.
#include "fhir/code_grammars.hpp"
#include "fhir/definitions.hpp"
#include "fhir/terminology.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

using healthdoc::fhir::CodeCheck;
using healthdoc::fhir::Definitions;
using healthdoc::fhir::Membership;
using healthdoc::fhir::Terminology;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string k_core = "reference/fhir/packages";
const std::string k_gender = "http://hl7.org/fhir/ValueSet/administrative-gender";

// The core package's definitions, loaded once for the whole binary.
std::shared_ptr<const Definitions> core() {
    static std::shared_ptr<const Definitions> definitions = [] {
        std::shared_ptr<const Definitions> loaded;
        if (auto packages = healthdoc::test::shared_path(k_core)) {
            static healthdoc::test::TempDir index_cache;
            healthdoc::fhir::DefinitionsOptions options;
            options.package_cache = packages->string();
            options.index_cache = index_cache.path().string();
            healthdoc::formats::Diagnostics setup;
            loaded = Definitions::load(options, setup);
        }
        return loaded;
    }();
    return definitions;
}

Membership in(const Terminology& terminology, const std::string& value_set, const std::string& system,
              const std::string& code) {
    return terminology.check(value_set, system, code).membership;
}

json code_system(const std::string& url, bool case_sensitive, const std::string& content = "complete") {
    return json{
        {"resourceType", "CodeSystem"},
        {"url", url},
        {"status", "active"},
        {"content", content},
        {"caseSensitive", case_sensitive},
        {"concept", json::array({json{{"code", "Alpha"},
                                      {"display", "Alpha"},
                                      {"concept", json::array({json{{"code", "Beta"}, {"display", "Beta"}},
                                                               json{{"code", "Gamma"}, {"display", "Gamma"}}})}},
                                 json{{"code", "Delta"},
                                      {"display", "Delta"},
                                      {"property", json::array({json{{"code", "parent"}, {"valueCode", "Gamma"}},
                                                                json{{"code", "colour"}, {"valueString", "red"}}})}},
                                 json{{"code", "Omega"}, {"display", "Omega"}}})}};
}

json value_set(const std::string& url, json compose) {
    return json{{"resourceType", "ValueSet"}, {"url", url}, {"status", "active"}, {"compose", std::move(compose)}};
}

} // namespace

TEST_CASE("terminology: enumerated value set (administrative-gender)") {
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    const std::string system = "http://hl7.org/fhir/administrative-gender";
    CodeCheck female = terminology.check(k_gender, system, "female");
    CHECK(female.membership == Membership::member);
    CHECK(female.display == std::optional<std::string>("Female"));
    CHECK(in(terminology, k_gender + "|4.0.1", system, "male") == Membership::member);
    CodeCheck wrong = terminology.check(k_gender, system, "woman");
    CHECK(wrong.membership == Membership::not_member);
    CHECK(wrong.reason.find(k_gender) != std::string::npos);
    CHECK(in(terminology, k_gender, system, "Female") == Membership::not_member); // case-sensitive
    CHECK(in(terminology, k_gender, "http://other.org", "female") == Membership::not_member);
    CHECK_FALSE(terminology.why_not_expandable(k_gender));
}

TEST_CASE("terminology: a code without a system matches any system of the value set") {
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    CodeCheck unknown = terminology.check(k_gender, "", "unknown");
    CHECK(unknown.membership == Membership::member);
    CHECK(unknown.system == "http://hl7.org/fhir/administrative-gender");
    CHECK(terminology.check(k_gender, "", "nobody").membership == Membership::not_member);
    CHECK(in(terminology, "http://hl7.org/fhir/ValueSet/observation-status", "", "final") == Membership::member);
}

TEST_CASE("terminology: whole code system value set (observation-category)") {
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    const std::string vs = "http://hl7.org/fhir/ValueSet/observation-category";
    const std::string system = "http://terminology.hl7.org/CodeSystem/observation-category";
    CodeCheck labs = terminology.check(vs, system, "laboratory");
    CHECK(labs.membership == Membership::member);
    CHECK(labs.display == std::optional<std::string>("Laboratory"));
    CHECK(in(terminology, vs, system, "vital-signs") == Membership::member);
    CHECK(in(terminology, vs, system, "lab") == Membership::not_member);
    CHECK(terminology.check_in_system(system, "survey").membership == Membership::member);
    CHECK(terminology.check_in_system(system, "nope").membership == Membership::not_member);
}

TEST_CASE("terminology: is-a filters and excludes on v3-ActCode") {
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    const std::string vs = "http://terminology.hl7.org/ValueSet/v3-ActEncounterCode";
    const std::string system = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    CHECK(in(terminology, vs, system, "AMB") == Membership::member);
    CHECK(in(terminology, vs, system, "IMP") == Membership::member);
    CHECK(in(terminology, vs, system, "ACUTE") == Membership::member); // grandchild of _ActEncounterCode
    CHECK(in(terminology, vs, system, "_ActEncounterCode") == Membership::not_member); // excluded
    CHECK(in(terminology, vs, system, "CASH") == Membership::not_member);              // another branch
    CHECK_FALSE(terminology.why_not_expandable(vs));
    // is-not-a: every relationship but the "O" branch
    const std::string contact = "http://hl7.org/fhir/ValueSet/patient-contactrelationship";
    const std::string v2 = "http://terminology.hl7.org/CodeSystem/v2-0131";
    CHECK(in(terminology, contact, v2, "C") == Membership::member);
    CHECK(in(terminology, contact, v2, "O") == Membership::not_member);
    // descendent-of excludes the root
    const std::string inactive = "http://hl7.org/fhir/ValueSet/inactive";
    const std::string mood = "http://terminology.hl7.org/CodeSystem/v3-ActMood";
    CHECK(in(terminology, inactive, mood, "_ActMoodPredicate") == Membership::not_member);
    CHECK(in(terminology, inactive, mood, "EVN.CRT") == Membership::member);
}

TEST_CASE("terminology: imported value sets") {
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    const std::string labels = "http://hl7.org/fhir/ValueSet/security-labels";
    CHECK(in(terminology, labels, "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R") ==
          Membership::member);
    CHECK(in(terminology, labels, "http://terminology.hl7.org/CodeSystem/v3-ActReason", "HTEST") == Membership::member);
    CHECK(in(terminology, labels, "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "X") ==
          Membership::not_member);
    // use-context imports condition-code (SNOMED CT): a code it does not hold may be in there
    CodeCheck context = terminology.check("http://hl7.org/fhir/ValueSet/use-context", "http://snomed.info/sct", "1234");
    CHECK(context.membership == Membership::unknown);
    CHECK(in(terminology, "http://hl7.org/fhir/ValueSet/use-context", "http://hl7.org/fhir/administrative-gender",
             "male") == Membership::member);
}

TEST_CASE("terminology: SNOMED CT value sets are unknown, never not-member") {
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    const std::string vs = "http://hl7.org/fhir/ValueSet/condition-code";
    CodeCheck check = terminology.check(vs, "http://snomed.info/sct", "22298006");
    CHECK(check.membership == Membership::unknown);
    CHECK(check.reason.find(vs) != std::string::npos);
    CHECK(check.reason.find("SNOMED CT") != std::string::npos);
    auto why = terminology.why_not_expandable(vs);
    REQUIRE(why);
    CHECK(why->find("SNOMED CT") != std::string::npos);
    CHECK(terminology.check_in_system("http://snomed.info/sct", "22298006").membership == Membership::unknown);
    CHECK(terminology.check_in_system("http://loinc.org", "1234-5").membership == Membership::unknown);
    CodeCheck missing = terminology.check("http://ex.org/ValueSet/none", "http://ex.org", "a");
    CHECK(missing.membership == Membership::unknown);
    CHECK(missing.reason.find("http://ex.org/ValueSet/none") != std::string::npos);
}

TEST_CASE("terminology: UCUM codes") {
    using healthdoc::fhir::valid_ucum;
    for (const char* unit : {"mg", "mm[Hg]", "kg/m2", "/min", "10*3/uL", "mL/min/{1.73_m2}", "Cel", "[degF]", "%",
                             "{beats}/min", "1", "ug/(kg.h)", "[iU]/L", "mmol/L", "dB[SPL]", "m2.s-1", "[in_i'Hg]"})
        CHECK_MESSAGE(valid_ucum(unit), unit);
    for (const char* unit : {"kgg", "", "mg/", "m[Hg", "(mg", "{x", "ms mg", "kd", "mmin", "dam2.", "k"})
        CHECK_MESSAGE(!valid_ucum(unit), unit);
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    const std::string units = "http://hl7.org/fhir/ValueSet/ucum-units";
    const std::string ucum = "http://unitsofmeasure.org";
    CHECK(in(terminology, units, ucum, "mg") == Membership::member);
    CHECK(in(terminology, units, ucum, "mm[Hg]") == Membership::member);
    CHECK(in(terminology, units, ucum, "kg/m2") == Membership::member);
    CHECK(in(terminology, units, ucum, "kgg") == Membership::not_member);
    CHECK(in(terminology, units, ucum, "KG") == Membership::not_member); // UCUM is case-sensitive
    CHECK_FALSE(terminology.why_not_expandable(units));
    CHECK(terminology.check_in_system(ucum, "mg").membership == Membership::member);
    CHECK(terminology.check_in_system(ucum, "kgg").membership == Membership::not_member);
    // Enumerated UCUM subsets stay enumerated.
    CHECK(in(terminology, "http://hl7.org/fhir/ValueSet/ucum-bodyweight", ucum, "kg") == Membership::member);
    CHECK(in(terminology, "http://hl7.org/fhir/ValueSet/ucum-bodyweight", ucum, "mg") == Membership::not_member);
    // The canonical-unit filter (all-time-units)
    CHECK(in(terminology, "http://hl7.org/fhir/ValueSet/all-time-units", ucum, "min") == Membership::member);
    CHECK(in(terminology, "http://hl7.org/fhir/ValueSet/all-time-units", ucum, "mg") == Membership::not_member);
}

TEST_CASE("terminology: every code of ucum-common is valid UCUM") {
    auto file = REQUIRE_SHARED(k_core + "/hl7.fhir.r4.core#4.0.1/package/ValueSet-ucum-common.json");
    if (!file) return;
    const json vs = json::parse(healthdoc::test::read_file(*file));
    std::size_t total = 0;
    std::vector<std::string> rejected;
    for (const auto& include : vs["compose"]["include"])
        for (const auto& concept_json : include.value("concept", json::array())) {
            ++total;
            const std::string code = concept_json["code"];
            if (!healthdoc::fhir::valid_ucum(code)) rejected.push_back(code);
        }
    std::string list;
    for (const auto& code : rejected) list += code + " ";
    MESSAGE("ucum-common: " << total << " codes, " << rejected.size() << " rejected: " << list);
    CHECK(total > 1000);
    CHECK(rejected.empty());
}

TEST_CASE("terminology: language tags") {
    using healthdoc::fhir::valid_language_tag;
    for (const char* tag : {"en", "en-US", "fr-FR", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1901", "x-private",
                            "en-a-bbb-x-a-ccc", "i-klingon", "EN-us"})
        CHECK_MESSAGE(valid_language_tag(tag), tag);
    for (const char* tag : {"", "english", "en_US", "e", "en-", "fr-FRA-", "en-US-x", "123", "en--US"})
        CHECK_MESSAGE(!valid_language_tag(tag), tag);
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    const std::string all = "http://hl7.org/fhir/ValueSet/all-languages";
    const std::string bcp47 = "urn:ietf:bcp:47";
    CHECK(in(terminology, all, bcp47, "en-US") == Membership::member);
    CHECK(in(terminology, all, bcp47, "fr-FR") == Membership::member);
    CHECK(in(terminology, all, bcp47, "en_US") == Membership::not_member);
    const std::string languages = "http://hl7.org/fhir/ValueSet/languages";
    CodeCheck us = terminology.check(languages, bcp47, "en-US");
    CHECK(us.membership == Membership::member);
    CHECK(us.display.has_value());
    CHECK(in(terminology, languages, bcp47, "EN-us") == Membership::member); // tags are case-insensitive
    CHECK(in(terminology, languages, bcp47, "fr-FR") == Membership::member);
    CHECK(in(terminology, languages, bcp47, "br") == Membership::not_member); // valid, not in the preferred set
}

TEST_CASE("terminology: MIME types") {
    using healthdoc::fhir::valid_mime_type;
    for (const char* type : {"text/plain", "application/fhir+json", "application/fhir+xml; fhirVersion=4.0",
                             "image/svg+xml", "text/html; charset=\"utf-8\"", "application/x-hl7"})
        CHECK_MESSAGE(valid_mime_type(type), type);
    for (const char* type : {"", "text", "text/", "/plain", "foo/bar", "text/pl ain", "text/plain;", "text/plain; a"})
        CHECK_MESSAGE(!valid_mime_type(type), type);
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    const std::string vs = "http://hl7.org/fhir/ValueSet/mimetypes";
    CHECK(in(terminology, vs, "urn:ietf:bcp:13", "application/pdf") == Membership::member);
    CHECK(in(terminology, vs, "urn:ietf:bcp:13", "Application/PDF") == Membership::member);
    CHECK(in(terminology, vs, "urn:ietf:bcp:13", "pdf") == Membership::not_member);
    CHECK(terminology.check(vs, "", "text/plain").system == "urn:ietf:bcp:13");
}

TEST_CASE("terminology: hand-made value sets (case-insensitive system, filters, include/exclude)") {
    auto definitions = Definitions::empty();
    definitions->add(code_system("http://ex.org/cs/ci", false));
    definitions->add(code_system("http://ex.org/cs/cs", true));
    definitions->add(code_system("http://ex.org/cs/fragment", true, "fragment"));
    definitions->add(code_system("http://ex.org/cs/example", true, "example"));
    const auto filter = [](const std::string& property, const std::string& op, const std::string& value) {
        return json{{"property", property}, {"op", op}, {"value", value}};
    };
    definitions->add(
        value_set("http://ex.org/vs/ci", json{{"include", json::array({json{{"system", "http://ex.org/cs/ci"}}})}}));
    definitions->add(
        value_set("http://ex.org/vs/tree",
                  json{{"include", json::array({json{{"system", "http://ex.org/cs/cs"},
                                                     {"filter", json::array({filter("concept", "is-a", "Alpha")})}}})},
                       {"exclude", json::array({json{{"system", "http://ex.org/cs/cs"},
                                                     {"concept", json::array({json{{"code", "Beta"}}})}}})}}));
    definitions->add(value_set(
        "http://ex.org/vs/generalizes",
        json{{"include", json::array({json{{"system", "http://ex.org/cs/cs"},
                                           {"filter", json::array({filter("concept", "generalizes", "Delta")})}}})}}));
    definitions->add(
        value_set("http://ex.org/vs/props",
                  json{{"include", json::array({json{{"system", "http://ex.org/cs/cs"},
                                                     {"filter", json::array({filter("colour", "=", "red")})}},
                                                json{{"system", "http://ex.org/cs/cs"},
                                                     {"filter", json::array({filter("code", "regex", "O.*")})}}})}}));
    definitions->add(value_set(
        "http://ex.org/vs/in",
        json{{"include", json::array({json{{"system", "http://ex.org/cs/cs"},
                                           {"filter", json::array({filter("concept", "in", "Beta,Omega")})}}})}}));
    definitions->add(value_set(
        "http://ex.org/vs/exists",
        json{{"include", json::array({json{{"system", "http://ex.org/cs/cs"},
                                           {"filter", json::array({filter("parent", "exists", "true")})}}})}}));
    definitions->add(
        value_set("http://ex.org/vs/intersect",
                  json{{"include", json::array({json{{"system", "http://ex.org/cs/cs"},
                                                     {"valueSet", json::array({"http://ex.org/vs/tree"})}}})},
                       {"exclude", json::array({json{{"valueSet", json::array({"http://ex.org/vs/in"})}}})}}));
    definitions->add(value_set(
        "http://ex.org/vs/whole-minus",
        json{{"include", json::array({json{{"system", "http://ex.org/cs/cs"}}})},
             {"exclude", json::array({json{{"system", "http://ex.org/cs/cs"},
                                           {"filter", json::array({filter("concept", "is-a", "Alpha")})}}})}}));
    definitions->add(value_set("http://ex.org/vs/fragment",
                               json{{"include", json::array({json{{"system", "http://ex.org/cs/fragment"}}})}}));
    definitions->add(value_set("http://ex.org/vs/example",
                               json{{"include", json::array({json{{"system", "http://ex.org/cs/example"}}})}}));
    definitions->add(value_set(
        "http://ex.org/vs/bad-filter",
        json{{"include", json::array({json{{"system", "http://ex.org/cs/cs"},
                                           {"filter", json::array({filter("concept", "child-of", "Alpha")})}}})}}));
    definitions->add(
        value_set("http://ex.org/vs/self",
                  json{{"include", json::array({json{{"valueSet", json::array({"http://ex.org/vs/self"})}}})}}));
    definitions->add(json{
        {"resourceType", "ValueSet"},
        {"url", "http://ex.org/vs/expanded"},
        {"expansion",
         {{"contains",
           json::array({json{{"system", "http://loinc.org"},
                             {"code", "1-8"},
                             {"display", "One"},
                             {"contains", json::array({json{{"system", "http://loinc.org"}, {"code", "2-6"}}})}}})}}}});
    Terminology terminology(definitions);

    // case-insensitive system
    CodeCheck lower = terminology.check("http://ex.org/vs/ci", "http://ex.org/cs/ci", "beta");
    CHECK(lower.membership == Membership::member);
    CHECK(lower.display == std::optional<std::string>("Beta"));
    CHECK(terminology.check_in_system("http://ex.org/cs/ci", "OMEGA").membership == Membership::member);
    CHECK(terminology.check_in_system("http://ex.org/cs/cs", "OMEGA").membership == Membership::not_member);

    const std::string cs = "http://ex.org/cs/cs";
    // is-a Alpha: Alpha, Beta, Gamma and Delta (child of Gamma by its parent property), minus Beta
    CHECK(in(terminology, "http://ex.org/vs/tree", cs, "Alpha") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/tree", cs, "Delta") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/tree", cs, "Beta") == Membership::not_member);
    CHECK(in(terminology, "http://ex.org/vs/tree", cs, "Omega") == Membership::not_member);
    CHECK(in(terminology, "http://ex.org/vs/generalizes", cs, "Gamma") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/generalizes", cs, "Alpha") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/generalizes", cs, "Beta") == Membership::not_member);
    CHECK(in(terminology, "http://ex.org/vs/props", cs, "Delta") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/props", cs, "Omega") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/props", cs, "Alpha") == Membership::not_member);
    CHECK(in(terminology, "http://ex.org/vs/in", cs, "Omega") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/in", cs, "Alpha") == Membership::not_member);
    CHECK(in(terminology, "http://ex.org/vs/exists", cs, "Beta") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/exists", cs, "Alpha") == Membership::not_member);
    // (tree) minus (in): Alpha, Gamma, Delta
    CHECK(in(terminology, "http://ex.org/vs/intersect", cs, "Gamma") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/intersect", cs, "Beta") == Membership::not_member);
    CHECK(in(terminology, "http://ex.org/vs/intersect", cs, "Omega") == Membership::not_member);
    // whole system minus a filter
    CHECK(in(terminology, "http://ex.org/vs/whole-minus", cs, "Omega") == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/whole-minus", cs, "Gamma") == Membership::not_member);
    // fragment: known codes are members, others unknown
    CodeCheck fragment = terminology.check("http://ex.org/vs/fragment", "http://ex.org/cs/fragment", "Beta");
    CHECK_MESSAGE(fragment.membership == Membership::member, fragment.reason);
    CHECK(in(terminology, "http://ex.org/vs/fragment", "http://ex.org/cs/fragment", "Zeta") == Membership::unknown);
    CHECK(terminology.check_in_system("http://ex.org/cs/fragment", "Zeta").membership == Membership::unknown);
    CHECK(in(terminology, "http://ex.org/vs/example", "http://ex.org/cs/example", "Beta") == Membership::unknown);
    CHECK(terminology.why_not_expandable("http://ex.org/vs/example"));
    CHECK(in(terminology, "http://ex.org/vs/bad-filter", cs, "Beta") == Membership::unknown);
    CHECK(terminology.why_not_expandable("http://ex.org/vs/bad-filter")->find("child-of") != std::string::npos);
    CHECK(in(terminology, "http://ex.org/vs/self", cs, "Beta") == Membership::unknown);
    // a value set given as an expansion
    CHECK(in(terminology, "http://ex.org/vs/expanded", "http://loinc.org", "2-6") == Membership::member);
    CHECK(terminology.check("http://ex.org/vs/expanded", "", "1-8").display == std::optional<std::string>("One"));
    CHECK(in(terminology, "http://ex.org/vs/expanded", "http://loinc.org", "3-4") == Membership::not_member);
}

TEST_CASE("terminology: malformed definitions give unknown or not-member, never an exception") {
    auto definitions = Definitions::empty();
    definitions->add(json{
        {"resourceType", "CodeSystem"},
        {"url", "http://ex.org/cs/odd"},
        {"content", "complete"},
        {"caseSensitive", "yes"},
        {"property", 5},
        {"concept", json::array({json{{"code", 5}}, json{{"code", "A"}, {"concept", "B"}}, "C",
                                 json{{"code", "D"},
                                      {"property", json::array({json{{"code", "parent"}, {"valueCode", "D"}}})}}})}});
    definitions->add(
        value_set("http://ex.org/vs/odd",
                  json{{"include", json::array({json{{"system", 5}},
                                                json{{"system", "http://ex.org/cs/odd"},
                                                     {"filter", json::array({json{{"property", 1}}, "x"})}},
                                                json{{"system", "http://ex.org/cs/odd"}, {"concept", "A"}},
                                                json{{"valueSet", "http://ex.org/vs/odd"}}, 7})},
                       {"exclude", json{{"system", "x"}}}}));
    definitions->add(value_set(
        "http://ex.org/vs/regex",
        json{{"include",
              json::array({json{
                  {"system", "http://ex.org/cs/odd"},
                  {"filter", json::array({json{{"property", "code"}, {"op", "regex"}, {"value", "(a+)+$"}}})}}})}}));
    definitions->add(
        value_set("http://ex.org/vs/imports-snomed",
                  json{{"include", json::array({json{{"valueSet", json::array({"http://ex.org/vs/snomed"})}}})}}));
    definitions->add(value_set("http://ex.org/vs/snomed",
                               json{{"include", json::array({json{{"system", "http://snomed.info/sct"}}})}}));
    definitions->add(json{{"resourceType", "ValueSet"}, {"url", "http://ex.org/vs/bare"}});
    Terminology terminology(definitions);
    for (const char* vs : {"http://ex.org/vs/odd", "http://ex.org/vs/regex", "http://ex.org/vs/bare"}) {
        CHECK_NOTHROW(terminology.check(vs, "http://ex.org/cs/odd", "A"));
        CHECK_NOTHROW(terminology.check(vs, "", "D"));
        CHECK_NOTHROW(terminology.why_not_expandable(vs));
    }
    CHECK(terminology.check_in_system("http://ex.org/cs/odd", "A").membership == Membership::member);
    CHECK(in(terminology, "http://ex.org/vs/regex", "http://ex.org/cs/odd", "A") == Membership::unknown);
    CHECK(in(terminology, "http://ex.org/vs/bare", "http://ex.org/cs/odd", "A") == Membership::unknown);
    // The reason says which imported value set is missing what.
    auto why = terminology.why_not_expandable("http://ex.org/vs/imports-snomed");
    REQUIRE(why);
    CHECK(why->find("http://ex.org/vs/imports-snomed") != std::string::npos);
    CHECK(why->find("http://ex.org/vs/snomed") != std::string::npos);
    CHECK(why->find("SNOMED CT") != std::string::npos);
}

TEST_CASE("terminology: concurrent checks agree") {
    if (!REQUIRE_SHARED(k_core)) return;
    Terminology terminology(core());
    std::vector<std::thread> threads;
    std::vector<int> members(4, 0);
    for (std::size_t t = 0; t < members.size(); ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                members[t] += in(terminology, "http://terminology.hl7.org/ValueSet/v3-ActEncounterCode",
                                 "http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB") == Membership::member;
                members[t] += in(terminology, k_gender, "http://hl7.org/fhir/administrative-gender", "other") ==
                              Membership::member;
            }
        });
    for (auto& thread : threads) thread.join();
    for (int count : members) CHECK(count == 100);
}

TEST_CASE("terminology: every ValueSet of the core package expands or says why not") {
    auto folder = REQUIRE_SHARED(k_core + "/hl7.fhir.r4.core#4.0.1/package");
    if (!folder) return;
    Terminology terminology(core());
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(*folder))
        if (entry.path().filename().string().rfind("ValueSet-", 0) == 0) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::size_t expandable = 0, unknown = 0;
    std::map<std::string, int> reasons;
    for (const auto& file : files) {
        const json vs = json::parse(healthdoc::test::read_file(file));
        const std::string url = vs.value("url", "");
        CAPTURE(url);
        std::optional<std::string> why;
        REQUIRE_NOTHROW(why = terminology.why_not_expandable(url));
        if (why) {
            ++unknown;
            CHECK(why->find(url) != std::string::npos);
            const std::size_t colon = why->find(": ");
            ++reasons[colon == std::string::npos ? *why : why->substr(colon + 2, 60)];
        } else {
            ++expandable;
        }
        REQUIRE_NOTHROW(terminology.check(url, "", "a-code-that-is-nowhere"));
        // The first enumerated code of each value set is a member (or unknown), never not_member.
        for (const auto& include : vs["compose"].value("include", json::array()))
            if (include.contains("system") && include.contains("concept") && !vs["compose"].contains("exclude")) {
                const std::string code = include["concept"][0]["code"];
                CHECK_MESSAGE(terminology.check(url, include["system"].get<std::string>(), code).membership !=
                                  Membership::not_member,
                              url << " " << code);
                break;
            }
    }
    MESSAGE("core ValueSets: " << files.size() << ", expandable offline: " << expandable << ", unknown: " << unknown);
    std::vector<std::pair<int, std::string>> top;
    for (const auto& [reason, count] : reasons) top.emplace_back(count, reason);
    std::sort(top.rbegin(), top.rend());
    std::string summary;
    for (std::size_t i = 0; i < top.size() && i < 12; ++i)
        summary += std::to_string(top[i].first) + " x " + top[i].second + "\n";
    MESSAGE("most frequent reasons:\n" << summary);
    CHECK(expandable + unknown == files.size());
    CHECK(expandable > 1000);
}
