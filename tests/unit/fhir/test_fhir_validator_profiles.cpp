// Profile rules of the FHIR validator: fixed values (one finding per difference), minValue /
// maxValue (with UCUM conversion, maxValueDuration), several type profiles (any of them),
// slices defined by another profile's element (profile-element) and profile discriminators.
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

std::size_t errors(const formats::Diagnostics& found) {
    return found.count(formats::Severity::error) + found.count(formats::Severity::fatal);
}

json profile(const std::string& id, const std::string& type, const json& elements) {
    return json{{"resourceType", "StructureDefinition"},
                {"id", id},
                {"url", "http://example.org/StructureDefinition/" + id},
                {"name", id},
                {"status", "active"},
                {"kind", type == "Address" || type == "HumanName" ? "complex-type" : "resource"},
                {"abstract", false},
                {"type", type},
                {"baseDefinition", "http://hl7.org/fhir/StructureDefinition/" + type},
                {"derivation", "constraint"},
                {"differential", {{"element", elements}}}};
}

} // namespace

TEST_CASE("fhir validator profiles: fixed values report each member the fixed value lacks") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core_with(
        *packages,
        {profile("fixed-phone", "Practitioner",
                 json::array(
                     {{{"path", "Practitioner.telecom"}, {"max", "1"}, {"fixedContactPoint", {{"use", "home"}}}}}))});
    const std::string url = "http://example.org/StructureDefinition/fixed-phone";
    auto exact = validate(definitions, url, R"({"resourceType":"Practitioner","telecom":[{"use":"home"}]})");
    CHECK(count_at_least(exact, "fhir.profile.fixed") == 0);
    auto extra = validate(definitions, url,
                          R"({"resourceType":"Practitioner","telecom":[{"system":"phone","value":"1","use":"home"}]})");
    CHECK(count_at_least(extra, "fhir.profile.fixed") == 2);
    auto differs = validate(definitions, url, R"({"resourceType":"Practitioner","telecom":[{"use":"work"}]})");
    CHECK(count_at_least(differs, "fhir.profile.fixed") == 1);
}

TEST_CASE("fhir validator profiles: minValue and maxValue, quantities after UCUM conversion") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    const json kg = {{"value", 0}, {"system", "http://unitsofmeasure.org"}, {"code", "kg"}};
    auto definitions = core_with(
        *packages,
        {profile("min-weight", "Observation",
                 json::array({{{"path", "Observation.valueQuantity"}, {"minValueQuantity", kg}}})),
         profile("max-birth", "Patient",
                 json::array({{{"path", "Patient.birthDate"},
                               {"maxValueDuration",
                                {{"value", 10}, {"system", "http://unitsofmeasure.org"}, {"code", "a"}}}}}))});
    const std::string weight = "http://example.org/StructureDefinition/min-weight";
    const std::string observation =
        R"({"resourceType":"Observation","status":"final","code":{"text":"w"},"valueQuantity":{"value":VALUE,"system":"http://unitsofmeasure.org","code":"UNIT"}})";
    auto with = [&](const std::string& value, const std::string& unit) {
        std::string text = observation;
        text.replace(text.find("VALUE"), 5, value);
        text.replace(text.find("UNIT"), 4, unit);
        return validate(definitions, weight, text);
    };
    CHECK(count_at_least(with("-1", "kg"), "fhir.profile.min-value") == 1);
    CHECK(count_at_least(with("-1", "g"), "fhir.profile.min-value") == 1);
    CHECK(count_at_least(with("5", "g"), "fhir.profile.min-value") == 0);

    const std::string birth = "http://example.org/StructureDefinition/max-birth";
    CHECK(count_at_least(validate(definitions, birth, R"({"resourceType":"Patient","birthDate":"2100-01-01"})"),
                         "fhir.profile.max-value") == 1);
    CHECK(count_at_least(validate(definitions, birth, R"({"resourceType":"Patient","birthDate":"2000-01-01"})"),
                         "fhir.profile.max-value") == 0);
}

TEST_CASE("fhir validator profiles: several type profiles, any one suffices") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core_with(
        *packages,
        {profile("address-use", "Address", json::array({{{"path", "Address"}}, {{"path", "Address.use"}, {"min", 1}}})),
         profile("address-type", "Address",
                 json::array({{{"path", "Address"}}, {{"path", "Address.type"}, {"min", 1}}})),
         profile("either-address", "Patient",
                 json::array({{{"path", "Patient.address"},
                               {"type",
                                {{{"code", "Address"},
                                  {"profile",
                                   {"http://example.org/StructureDefinition/address-use",
                                    "http://example.org/StructureDefinition/address-type"}}}}}}}))});
    const std::string url = "http://example.org/StructureDefinition/either-address";
    auto one = validate(definitions, url, R"({"resourceType":"Patient","address":[{"use":"home"}]})");
    CHECK(errors(one) == 0);
    auto none = validate(definitions, url, R"({"resourceType":"Patient","address":[{"city":"X"}]})");
    CHECK(count_at_least(none, "fhir.profile.no-match") == 1);
    CHECK(errors(none) == 3); // no match, then each candidate's finding
}

TEST_CASE("fhir validator profiles: a required slice names the slice and the profile") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core_with(
        *packages,
        {profile(
            "mrn-required", "Patient",
            json::array(
                {{{"id", "Patient.identifier"},
                  {"path", "Patient.identifier"},
                  {"slicing", {{"discriminator", {{{"type", "pattern"}, {"path", "system"}}}}, {"rules", "open"}}}},
                 {{"id", "Patient.identifier:mrn"}, {"path", "Patient.identifier"}, {"sliceName", "mrn"}, {"min", 1}},
                 {{"id", "Patient.identifier:mrn.system"},
                  {"path", "Patient.identifier.system"},
                  {"patternUri", "urn:mrn"}}}))});
    const std::string url = "http://example.org/StructureDefinition/mrn-required";
    auto present =
        validate(definitions, url, R"({"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":"1"}]})");
    CHECK(count_at_least(present, "fhir.slicing.cardinality") == 0);
    auto missing =
        validate(definitions, url, R"({"resourceType":"Patient","identifier":[{"system":"urn:other","value":"1"}]})");
    REQUIRE(count_at_least(missing, "fhir.slicing.cardinality") == 1);
    const auto& d = *std::find_if(missing.items().begin(), missing.items().end(),
                                  [](const auto& x) { return x.rule == "fhir.slicing.cardinality"; });
    CHECK(d.message.find("'mrn'") != std::string::npos);
    CHECK(d.message.find(url) != std::string::npos);
}
