// The validator's extension rules: url presence and form, unknown extensions by domain,
// modifier flags, sub-extensions of complex extensions and the definitions' contexts.
#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

using namespace healthdoc;

namespace {

using test::count_rule;

using test::core;
using test::validate;

std::size_t errors(const formats::Diagnostics& found) {
    return found.count(formats::Severity::error) + found.count(formats::Severity::fatal);
}

// An extension allowed on Patient, on Patient.name, on the value of patient-interpreterRequired,
// and on home addresses.
nlohmann::json context_extension() {
    return nlohmann::json::parse(R"json({
      "resourceType": "StructureDefinition", "url": "http://hl7.org/fhir/test/StructureDefinition/ctx",
      "name": "Ctx", "status": "draft", "kind": "complex-type", "abstract": false,
      "context": [
        {"type": "element", "expression": "Patient"},
        {"type": "element", "expression": "Patient.name"},
        {"type": "extension", "expression": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"},
        {"type": "fhirpath", "expression": "Patient.address.where(use = 'home')"}],
      "type": "Extension", "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
      "derivation": "constraint",
      "differential": {
    "element" : [
        {"id" : "Extension.extension", "path" : "Extension.extension", "max" : "0"}, {
            "id" : "Extension.url",
            "path" : "Extension.url",
            "fixedUri" : "http://hl7.org/fhir/test/StructureDefinition/ctx"
        },
        {"id" : "Extension.value[x]", "path" : "Extension.value[x]", "min" : 1, "type" : [ {"code" : "boolean"} ]}
    ]
}
})json");
}

const std::string ctx = R"({"url":"http://hl7.org/fhir/test/StructureDefinition/ctx","valueBoolean":true})";

} // namespace

TEST_CASE("fhir validator extensions: url rules and unknown extensions") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    fhir::FhirValidator validator(core(*packages));

    SUBCASE("a missing or empty url") {
        auto found = validate(validator, R"({"resourceType":"Patient","extension":[{"valueString":"x"}]})");
        CHECK(count_rule(found, "fhir.extension.url-required") == 1);
        auto empty = validate(validator, R"({"resourceType":"Patient","extension":[{"url":"","valueString":"x"}]})");
        CHECK(count_rule(empty, "fhir.extension.url-required") == 1);
    }
    SUBCASE("a relative url outside a complex extension") {
        auto found =
            validate(validator, R"({"resourceType":"Patient","extension":[{"url":"something","valueString":"x"}]})");
        CHECK(count_rule(found, "fhir.extension.url-not-absolute") == 1);
    }
    SUBCASE("a versioned url is an error, then validated against the unversioned definition") {
        auto found = validate(validator, R"({"resourceType":"Patient","extension":[
            {"url":"http://hl7.org/fhir/StructureDefinition/patient-congregation|4.0.0","valueString":"x"}]})");
        CHECK(count_rule(found, "fhir.extension.url-versioned") == 1);
        CHECK(count_rule(found, "fhir.extension.unknown", formats::Severity::warning) == 0);
    }
    SUBCASE("unknown extensions: guides' domains are errors, the core and example domains warnings") {
        auto guide = validate(validator, R"({"resourceType":"Patient","extension":[
            {"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-nothing","valueString":"x"}]})");
        CHECK(count_rule(guide, "fhir.extension.unknown", formats::Severity::warning) == 1);
        auto pack = validate(validator, R"({"resourceType":"Patient","extension":[
            {"url":"http://hl7.org/fhir/StructureDefinition/not-in-r4","valueString":"x"},
            {"url":"http://hl7.org/fhir/5.0/StructureDefinition/extension-Patient.x","valueString":"x"},
            {"url":"http://example.org/fhir/StructureDefinition/mine","valueString":"x"}]})");
        CHECK(errors(pack) == 0);
        CHECK(count_rule(pack, "fhir.extension.unknown", formats::Severity::warning) == 3);
        auto other = validate(validator, R"({"resourceType":"Patient","extension":[
            {"url":"https://fhir.nhs.uk/StructureDefinition/Extension-X","valueString":"x"}]})");
        CHECK(count_rule(other, "fhir.extension.unknown") == 1);
    }
}

TEST_CASE("fhir validator extensions: modifiers, sub-extensions and contexts") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    definitions->add(context_extension());
    fhir::FhirValidator validator(definitions);

    SUBCASE("a regular extension used as modifierExtension") {
        auto found = validate(validator, R"({"resourceType":"Patient","modifierExtension":[
            {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"X"}}]})");
        CHECK(count_rule(found, "fhir.extension.modifier-misuse") == 1);
        auto right = validate(validator, R"({"resourceType":"Patient","extension":[
            {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"X"}}]})");
        CHECK(errors(right) == 0);
    }
    SUBCASE("a sub-extension the complex extension does not define") {
        auto found = validate(validator, R"({"resourceType":"Patient","extension":[
            {"url":"http://hl7.org/fhir/StructureDefinition/patient-animal","extension":[
              {"url":"species","valueCodeableConcept":{"text":"dog"}},
              {"url":"species-x","valueCodeableConcept":{"text":"dog"}}]}]})");
        CHECK(count_rule(found, "fhir.extension.sub-extension-unknown", formats::Severity::warning) == 1);
    }
    SUBCASE("element contexts: the resource, a path, not another element or resource") {
        CHECK(errors(validate(validator, R"({"resourceType":"Patient","extension":[)" + ctx + "]}")) == 0);
        CHECK(errors(validate(validator,
                              R"({"resourceType":"Patient","name":[{"family":"F","extension":[)" + ctx + "]}]}")) == 0);
        auto active =
            validate(validator, R"({"resourceType":"Patient","active":true,"_active":{"extension":[)" + ctx + "]}}");
        CHECK(count_rule(active, "fhir.extension.context") == 1);
        auto organization = validate(validator, R"({"resourceType":"Organization","extension":[)" + ctx + "]}");
        CHECK(count_rule(organization, "fhir.extension.context") == 1);
    }
    SUBCASE("extension contexts: on the value of the named extension only") {
        const std::string on = R"({"resourceType":"Patient","extension":[{"url":
            "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
            "valueBoolean":true,"_valueBoolean":{"extension":[)" +
                               ctx + "]}}]}";
        CHECK(errors(validate(validator, on)) == 0);
        const std::string other = R"({"resourceType":"Patient","extension":[{"url":
            "http://hl7.org/fhir/StructureDefinition/patient-cadavericDonor",
            "valueBoolean":true,"_valueBoolean":{"extension":[)" +
                                  ctx + "]}}]}";
        CHECK(count_rule(validate(validator, other), "fhir.extension.context") == 1);
    }
    SUBCASE("FHIRPath contexts: the elements the expression selects") {
        auto home =
            validate(validator, R"({"resourceType":"Patient","address":[{"use":"home","extension":[)" + ctx + "]}]}");
        CHECK(errors(home) == 0);
        auto work =
            validate(validator, R"({"resourceType":"Patient","address":[{"use":"work","extension":[)" + ctx + "]}]}");
        CHECK(count_rule(work, "fhir.extension.context") == 1);
    }
    SUBCASE("base types: HumanName.family allows the extension on a Patient's name family only") {
        auto found = validate(validator, R"({"resourceType":"Patient","name":[{"family":"F","extension":[
            {"url":"http://hl7.org/fhir/StructureDefinition/humanname-mothers-family","valueString":"M"}]}]})");
        CHECK(count_rule(found, "fhir.extension.context", formats::Severity::warning) == 1);
        auto right = validate(validator, R"({"resourceType":"Patient","name":[{"family":"F","_family":{"extension":[
            {"url":"http://hl7.org/fhir/StructureDefinition/humanname-mothers-family","valueString":"M"}]}}]})");
        CHECK(errors(right) == 0);
    }
}
