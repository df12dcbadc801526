// Focused cases of the FHIR validator: one rule each, on hand-made resources.
#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <algorithm>

using namespace healthdoc;

namespace {

using test::core;
using test::validate;

const formats::Diagnostic* find_rule(const formats::Diagnostics& found, const std::string& rule) {
    auto it = std::find_if(found.items().begin(), found.items().end(), [&](const auto& d) { return d.rule == rule; });
    return it == found.items().end() ? nullptr : &*it;
}

std::size_t errors(const formats::Diagnostics& found) {
    return found.count(formats::Severity::error) + found.count(formats::Severity::fatal);
}

} // namespace

TEST_CASE("fhir validator: structure, JSON rules, invariants and bindings") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    fhir::FhirValidator validator(core(*packages));

    SUBCASE("a valid patient has no error") {
        auto found =
            validate(validator,
                     R"({"resourceType":"Patient","id":"p1","name":[{"family":"Doe","given":["J"]}],"gender":"male"})");
        CHECK(errors(found) == 0);
    }
    SUBCASE("unknown element, with its position") {
        auto found = validate(validator, "{\"resourceType\":\"Patient\",\n  \"nickname\":\"x\"}");
        const auto* d = find_rule(found, "fhir.structure.unknown-element");
        REQUIRE(d);
        CHECK(d->location.path == "Patient");
        CHECK(d->location.line == 2);
    }
    SUBCASE("unknown resource type") {
        auto found = validate(validator, R"({"resourceType":"Patients"})");
        CHECK(find_rule(found, "fhir.structure.resource-type"));
    }
    SUBCASE("array expected for a repeating element, single value otherwise") {
        auto found = validate(validator, R"({"resourceType":"Patient","name":{"family":"Doe"},"gender":["male"]})");
        CHECK(find_rule(found, "fhir.json.array-expected"));
        CHECK(find_rule(found, "fhir.json.not-array"));
    }
    SUBCASE("cardinality: Observation.status and code are required") {
        auto found = validate(validator, R"({"resourceType":"Observation"})");
        const auto* d = find_rule(found, "fhir.structure.cardinality");
        REQUIRE(d);
        CHECK(d->message.find("at least 1") != std::string::npos);
    }
    SUBCASE("primitive format, with the FHIRPath location and indexes on repeating elements") {
        auto found =
            validate(validator, R"({"resourceType":"Patient","birthDate":"2020-02-30","name":[{"given":["a",""]}]})");
        const auto* d = find_rule(found, "fhir.structure.primitive");
        REQUIRE(d);
        CHECK(d->location.path == "Patient.birthDate");
        const auto* empty = find_rule(found, "fhir.json.empty");
        REQUIRE(empty);
        CHECK(empty->location.path == "Patient.name[0].given[1]");
    }
    SUBCASE("choice types: value[x] must name an allowed type") {
        auto found = validate(
            validator,
            R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"valueHumanName":{"text":"x"}})");
        CHECK(find_rule(found, "fhir.structure.wrong-type"));
        auto ok = validate(
            validator,
            R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.5}})");
        CHECK(errors(ok) == 0);
    }
    SUBCASE("primitive extensions: _element aligned with its array, null placeholders") {
        auto ok = validate(
            validator,
            R"({"resourceType":"Patient","name":[{"given":["a",null],"_given":[null,{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier","valueCode":"BR"}]}]}]})");
        CHECK(errors(ok) == 0);
        auto bad = validate(validator, R"({"resourceType":"Patient","name":[{"given":["a",null]}]})");
        CHECK(find_rule(bad, "fhir.json.null"));
    }
    SUBCASE("invariants: ele-1 and a resource invariant (per-1 on Period)") {
        auto found = validate(validator, R"({"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
             "period":{"start":"2020-01-02","end":"2020-01-01"}})");
        const auto* d = find_rule(found, "fhir.invariant.per-1");
        REQUIRE(d);
        CHECK(d->message.rfind("per-1: ", 0) == 0);
    }
    SUBCASE("required binding") {
        auto found = validate(validator, R"({"resourceType":"Patient","gender":"unknown-gender"})");
        CHECK(find_rule(found, "fhir.binding.required"));
    }
    SUBCASE("contained references and bundle references") {
        auto found = validate(
            validator,
            R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"#nope"}})");
        CHECK(find_rule(found, "fhir.reference.contained-not-found"));
        auto bundle = validate(validator, R"({"resourceType":"Bundle","type":"transaction","entry":[
            {"fullUrl":"urn:uuid:9d3b3a1e-3a3a-4b4b-8c8c-0d0d0d0d0d0d","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
             "subject":{"reference":"urn:uuid:11111111-2222-3333-4444-555555555555"}},"request":{"method":"POST","url":"Observation"}}]})");
        CHECK(find_rule(bundle, "fhir.reference.not-resolved"));
    }
    SUBCASE("document bundles start with a Composition") {
        auto found = validate(
            validator,
            R"({"resourceType":"Bundle","type":"document","identifier":{"system":"urn:x","value":"1"},"timestamp":"2020-01-01T00:00:00Z",
            "entry":[{"fullUrl":"urn:uuid:9d3b3a1e-3a3a-4b4b-8c8c-0d0d0d0d0d0d","resource":{"resourceType":"Patient"}}]})");
        CHECK(find_rule(found, "fhir.bundle.document-composition"));
    }
    SUBCASE("unknown profile reported once per run") {
        auto found = validate(
            validator,
            R"({"resourceType":"Patient","meta":{"profile":["http://example.com/StructureDefinition/none"]}})");
        validate(validator,
                 R"({"resourceType":"Patient","meta":{"profile":["http://example.com/StructureDefinition/none"]}})");
        CHECK(errors(found) == 0);
        CHECK(validator.setup_problems().size() == 1);
    }
}

TEST_CASE("fhir validator: profiles (core vital signs), fixed values and slicing") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    fhir::FhirValidator validator(core(*packages));
    // bodytemp requires the LOINC code 8310-5 in a coding slice.
    auto bad = validate(
        validator,
        R"({"resourceType":"Observation","meta":{"profile":["http://hl7.org/fhir/StructureDefinition/bodytemp"]},
        "status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
        "code":{"coding":[{"system":"http://loinc.org","code":"1234-5"}]},"subject":{"reference":"Patient/1"},"effectiveDateTime":"2020-01-01",
        "valueQuantity":{"value":37,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}})");
    CHECK(errors(bad) > 0);
    auto good = validate(
        validator,
        R"({"resourceType":"Observation","meta":{"profile":["http://hl7.org/fhir/StructureDefinition/bodytemp"]},
        "status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
        "code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},"subject":{"reference":"Patient/1"},"effectiveDateTime":"2020-01-01",
        "valueQuantity":{"value":37,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}})");
    for (const auto& d : good.items())
        if (d.severity >= formats::Severity::error) MESSAGE(d.location.path << " [" << d.rule << "] " << d.message);
    CHECK(errors(good) == 0);
}
