// Profile rules carried by extensions of element definitions (narrative-language-control, the
// R5 value controls mustHaveValue / valueAlternatives, additional bindings) and the R4 vital
// signs profiles the specification imposes by an Observation's code.
#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

using namespace healthdoc;
using nlohmann::json;

namespace {

using test::count_at_least;

using test::core_with;
using test::validate;

json profile(const std::string& id, const std::string& type, const json& elements) {
    return json{{"resourceType", "StructureDefinition"},
                {"id", id},
                {"url", "http://example.org/StructureDefinition/" + id},
                {"name", id},
                {"status", "active"},
                {"kind", "resource"},
                {"abstract", false},
                {"type", type},
                {"baseDefinition", "http://hl7.org/fhir/StructureDefinition/" + type},
                {"derivation", "constraint"},
                {"differential", {{"element", elements}}}};
}

json language_control(const std::string& id, const std::string& code) {
    return profile(id, "Patient",
                   json::array({{{"id", "Patient.text"},
                                 {"path", "Patient.text"},
                                 {"extension", json::array({{{"url", "http://hl7.org/fhir/StructureDefinition/"
                                                                     "narrative-language-control"},
                                                             {"valueCode", code}}})}}}));
}

std::string patient_with_sections(const std::string& sections) {
    return R"({"resourceType":"Patient","language":"en","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">)" +
           sections + R"(</div>"}})";
}

const std::string k_two_sections =
    R"(<div lang=\"pt\" xml:lang=\"pt\">Texto</div><div lang=\"de\" xml:lang=\"de\">Text</div>)";
const std::string k_no_sections = R"(<p>Text</p>)";

} // namespace

TEST_CASE("fhir validator profile extras: narrative-language-control") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions =
        core_with(*packages, {language_control("lang-no", "_no"), language_control("lang-yes", "_yes"),
                              language_control("lang-resource", "_resource"), language_control("lang-de", "de")});
    const std::string base = "http://example.org/StructureDefinition/";
    SUBCASE("_no: language sections are prohibited") {
        auto bad = validate(definitions, base + "lang-no", patient_with_sections(k_two_sections));
        CHECK(count_at_least(bad, "fhir.narrative.language-sections-prohibited") == 1);
        auto good = validate(definitions, base + "lang-no", patient_with_sections(k_no_sections));
        CHECK(count_at_least(good, "fhir.narrative.language-sections-prohibited") == 0);
    }
    SUBCASE("_yes: some language section is required") {
        auto bad = validate(definitions, base + "lang-yes", patient_with_sections(k_no_sections));
        CHECK(count_at_least(bad, "fhir.narrative.language-sections-required") == 1);
        auto good = validate(definitions, base + "lang-yes", patient_with_sections(k_two_sections));
        CHECK(count_at_least(good, "fhir.narrative.language-sections-required") == 0);
    }
    SUBCASE("_resource and a language code: a section in that language is required") {
        auto missing = validate(definitions, base + "lang-resource", patient_with_sections(k_two_sections));
        CHECK(count_at_least(missing, "fhir.narrative.language-section-missing") == 1);
        auto present = validate(definitions, base + "lang-de", patient_with_sections(k_two_sections));
        CHECK(count_at_least(present, "fhir.narrative.language-section-missing") == 0);
    }
    SUBCASE("without the profile, sections are not checked") {
        auto plain = validate(definitions, "", patient_with_sections(k_two_sections));
        CHECK(count_at_least(plain, "fhir.narrative.language-sections-prohibited") == 0);
    }
}

TEST_CASE("fhir validator profile extras: mustHaveValue and valueAlternatives") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    const std::string r5 = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.";
    const std::string absent = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
    auto definitions = core_with(
        *packages,
        {profile(
             "must-value", "Patient",
             json::array({{{"path", "Patient.active"},
                           {"min", 1},
                           {"extension", json::array({{{"url", r5 + "mustHaveValue"}, {"valueBoolean", true}}})}}})),
         profile("alternatives", "Patient",
                 json::array({{{"path", "Patient.active"},
                               {"min", 1},
                               {"extension",
                                json::array({{{"url", r5 + "valueAlternatives"}, {"valueCanonical", absent}}})}}}))});
    const std::string base = "http://example.org/StructureDefinition/";
    const std::string only_absent =
        R"({"resourceType":"Patient","_active":{"extension":[{"url":")" + absent + R"(","valueCode":"unknown"}]}})";
    const std::string only_other =
        R"({"resourceType":"Patient","_active":{"extension":[{"url":"http://example.org/x","valueCode":"y"}]}})";
    const std::string with_value = R"({"resourceType":"Patient","active":true})";
    CHECK(count_at_least(validate(definitions, base + "must-value", only_absent), "fhir.profile.must-have-value") == 1);
    CHECK(count_at_least(validate(definitions, base + "must-value", with_value), "fhir.profile.must-have-value") == 0);
    CHECK(count_at_least(validate(definitions, base + "alternatives", only_absent),
                         "fhir.profile.value-alternatives") == 0);
    CHECK(count_at_least(validate(definitions, base + "alternatives", only_other), "fhir.profile.value-alternatives") ==
          1);
}

TEST_CASE("fhir validator profile extras: additional bindings") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    const json value_set = {{"resourceType", "ValueSet"},
                            {"url", "http://example.org/ValueSet/extra-codes"},
                            {"status", "active"},
                            {"compose",
                             {{"include", json::array({{{"system", "http://loinc.org"},
                                                        {"concept", json::array({{{"code", "100065-2"}}})}}})}}}};
    auto additional = [](const std::string& purpose) {
        return json{
            {"url", "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional"},
            {"extension",
             json::array({{{"url", "purpose"}, {"valueCode", purpose}},
                          {{"url", "valueSet"}, {"valueCanonical", "http://example.org/ValueSet/extra-codes"}}})}};
    };
    auto with_binding = [&](const std::string& id, const std::string& purpose) {
        return profile(id, "Observation",
                       json::array({{{"path", "Observation.code"},
                                     {"binding",
                                      {{"strength", "example"},
                                       {"valueSet", "http://hl7.org/fhir/ValueSet/observation-codes"},
                                       {"extension", json::array({additional(purpose)})}}}}}));
    };
    auto definitions = core_with(*packages, {value_set, with_binding("extra-required", "required"),
                                             with_binding("extra-extensible", "extensible"),
                                             with_binding("extra-preferred", "preferred")});
    auto observation = [](const std::string& code) {
        return R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")" +
               code + R"("}]}})";
    };
    const std::string base = "http://example.org/StructureDefinition/";
    CHECK(count_at_least(validate(definitions, base + "extra-required", observation("100066-0")),
                         "fhir.binding.additional-required") == 1);
    CHECK(count_at_least(validate(definitions, base + "extra-required", observation("100065-2")),
                         "fhir.binding.additional-required") == 0);
    CHECK(count_at_least(validate(definitions, base + "extra-extensible", observation("100066-0")),
                         "fhir.binding.additional-extensible", formats::Severity::warning) == 1);
    auto preferred = validate(definitions, base + "extra-preferred", observation("100066-0"));
    CHECK(count_at_least(preferred, "fhir.binding.additional-required") == 0);
    CHECK(count_at_least(preferred, "fhir.binding.additional-extensible", formats::Severity::warning) == 0);
}

// Skipped until validate_resource calls add_implied_profiles (walker.cpp): the rule makes the R4
// example Observation-f202 (no effective[x]) and examples/fhir/consultation-note.json (a lone
// systolic pressure) invalid, as the reference validator finds them.
TEST_CASE("fhir validator profile extras: an Observation with a vital sign code meets the core vital sign profile" *
          doctest::skip()) {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core_with(*packages, {});
    const std::string snomed_temperature = R"({"resourceType":"Observation","status":"final",
        "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
        "code":{"coding":[{"system":"http://snomed.info/sct","code":"276885007"}]},
        "subject":{"reference":"Patient/p"},"effectiveDateTime":"2020-06-30",
        "valueQuantity":{"value":36.5,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}})";
    auto without_loinc = validate(definitions, "", snomed_temperature);
    CHECK(count_at_least(without_loinc, "fhir.profile.vital-signs", formats::Severity::information) == 1);
    // bodytemp requires the LOINC code 8310-5 besides any other code.
    CHECK(without_loinc.count(formats::Severity::error) >= 1);
    std::string with_loinc = snomed_temperature;
    with_loinc.replace(with_loinc.find(R"({"system":"http://snomed.info/sct")"), 0,
                       R"({"system":"http://loinc.org","code":"8310-5"},)");
    auto valid = validate(definitions, "", with_loinc);
    CHECK(valid.count(formats::Severity::error) == 0);
    auto other = validate(definitions, "", R"({"resourceType":"Observation","status":"final",
        "code":{"coding":[{"system":"http://loinc.org","code":"2345-7"}]}})");
    CHECK(count_at_least(other, "fhir.profile.vital-signs", formats::Severity::information) == 0);
    CHECK(other.count(formats::Severity::error) == 0);
}

TEST_CASE("fhir validator profile extras: a reference target in the bundle must meet the target profile") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core_with(
        *packages,
        {profile("identified-patient", "Patient", json::array({{{"path", "Patient.identifier"}, {"min", 1}}})),
         profile("subject-identified", "Observation",
                 json::array({{{"path", "Observation.subject"},
                               {"type", json::array({{{"code", "Reference"},
                                                      {"targetProfile", json::array({"http://example.org/"
                                                                                     "StructureDefinition/"
                                                                                     "identified-patient"})}}})}}}))});
    auto bundle = [](const std::string& patient) {
        return R"({"resourceType":"Bundle","type":"collection","entry":[
            {"fullUrl":"http://example.org/fhir/Observation/o","resource":{"resourceType":"Observation","id":"o",
              "meta":{"profile":["http://example.org/StructureDefinition/subject-identified"]},
              "status":"final","code":{"text":"x"},"subject":{"reference":"Patient/p"}}},
            {"fullUrl":"http://example.org/fhir/Patient/p","resource":)" +
               patient + "}]}";
    };
    auto bad = validate(definitions, "", bundle(R"({"resourceType":"Patient","id":"p"})"));
    CHECK(count_at_least(bad, "fhir.reference.target-profile") == 1);
    auto good =
        validate(definitions, "",
                 bundle(R"({"resourceType":"Patient","id":"p","identifier":[{"system":"urn:x","value":"1"}]})"));
    CHECK(count_at_least(good, "fhir.reference.target-profile") == 0);
}

TEST_CASE("fhir validator profile extras: aggregation modes of a reference in a bundle") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto subject_with = [](const std::string& id, const std::string& mode) {
        return profile(
            id, "Observation",
            json::array({{{"path", "Observation.subject"},
                          {"type", json::array({{{"code", "Reference"},
                                                 {"targetProfile", json::array({"http://hl7.org/fhir/"
                                                                                "StructureDefinition/Patient"})},
                                                 {"aggregation", json::array({mode})}}})}}}));
    };
    auto definitions = core_with(*packages, {subject_with("subject-bundled", "bundled"),
                                             subject_with("subject-referenced", "referenced"),
                                             subject_with("subject-contained", "contained")});
    auto bundle = [](const std::string& id, const std::string& reference) {
        return R"({"resourceType":"Bundle","type":"collection","entry":[
            {"fullUrl":"http://example.org/fhir/Observation/o","resource":{"resourceType":"Observation","id":"o",
              "meta":{"profile":["http://example.org/StructureDefinition/)" +
               id + R"("]},"status":"final","code":{"text":"x"},"subject":{"reference":")" + reference + R"("}}},
            {"fullUrl":"http://example.org/fhir/Patient/p","resource":{"resourceType":"Patient","id":"p"}}]})";
    };
    CHECK(count_at_least(validate(definitions, "", bundle("subject-bundled", "Patient/p")),
                         "fhir.reference.aggregation") == 0);
    CHECK(count_at_least(validate(definitions, "", bundle("subject-bundled", "Patient/elsewhere")),
                         "fhir.reference.aggregation") == 1);
    CHECK(count_at_least(validate(definitions, "", bundle("subject-referenced", "Patient/elsewhere")),
                         "fhir.reference.aggregation") == 0);
    CHECK(count_at_least(validate(definitions, "", bundle("subject-contained", "Patient/p")),
                         "fhir.reference.aggregation") == 1);
}
