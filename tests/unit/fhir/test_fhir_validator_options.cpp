// The FHIR validator's settings: reference checking (exists, exists and type), RESTful
// references assumed valid, references between the resources of one Parameters.
#include "fhir/validator.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <algorithm>

using namespace healthdoc;

namespace {

using test::count_at_least;

using test::core;
using test::validate;

// Coverage.beneficiary is Reference(Patient); Coverage.payor is Reference(Organization | Patient |
// RelatedPerson); the Patient/1 of the first parameter resolves, the rest is said per test.
std::string parameters_with(const std::string& beneficiary) {
    return R"({"resourceType": "Parameters", "parameter": [
      {"name": "member", "resource": {"resourceType": "Patient", "id": "1"}},
      {"name": "coverage", "resource": {"resourceType": "Coverage", "id": "c1", "status": "active",
        "beneficiary": {"reference": ")" +
           beneficiary + R"("},
        "payor": [{"reference": "Patient/1"}]}}]})";
}

} // namespace

TEST_CASE("fhir validator options: reference checking") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);

    SUBCASE("by default, references the document does not hold are not errors") {
        fhir::FhirValidator validator(definitions);
        auto found = validate(validator, parameters_with("Patient/2"));
        CHECK(count_at_least(found, "fhir.reference.not-found") == 0);
        CHECK(count_at_least(found, "fhir.reference.wrong-target") == 0);
    }
    SUBCASE("exists: a reference to nothing in the document is an error; example URLs are not") {
        fhir::FhirValidationOptions options;
        options.references = fhir::ReferenceChecking::exists;
        fhir::FhirValidator validator(definitions, options);
        CHECK(count_at_least(validate(validator, parameters_with("Patient/2")), "fhir.reference.not-found") == 1);
        // Patient/1 is the resource of another parameter of the same Parameters.
        CHECK(count_at_least(validate(validator, parameters_with("Patient/1")), "fhir.reference.not-found") == 0);
        CHECK(count_at_least(validate(validator, parameters_with("http://example.org/fhir/Patient/9")),
                             "fhir.reference.not-found") == 0);
        // RESTful references are taken to exist when told so.
        options.assume_valid_rest_references = true;
        fhir::FhirValidator trusting(definitions, options);
        CHECK(count_at_least(validate(trusting, parameters_with("Patient/2")), "fhir.reference.not-found") == 0);
        CHECK(count_at_least(validate(trusting, parameters_with("urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d")),
                             "fhir.reference.not-found") == 1);
    }
    SUBCASE("the type an unresolved URL names must be a target, when asked") {
        const std::string wrong = parameters_with("http://server.test/fhir/Observation/2");
        fhir::FhirValidator lenient(definitions);
        CHECK(count_at_least(validate(lenient, wrong), "fhir.reference.wrong-target") == 0);

        fhir::FhirValidationOptions options;
        options.references = fhir::ReferenceChecking::exists_and_type;
        fhir::FhirValidator checking(definitions, options);
        auto found = validate(checking, wrong);
        CHECK(count_at_least(found, "fhir.reference.wrong-target") == 1);
        CHECK(count_at_least(found, "fhir.reference.not-found") == 1);
        CHECK(count_at_least(validate(checking, parameters_with("Patient/2/_history/3")),
                             "fhir.reference.wrong-target") == 0);

        fhir::FhirValidationOptions rest;
        rest.assume_valid_rest_references = true;
        fhir::FhirValidator trusting(definitions, rest);
        found = validate(trusting, parameters_with("Observation/2"));
        CHECK(count_at_least(found, "fhir.reference.wrong-target") == 1);
        CHECK(count_at_least(found, "fhir.reference.not-found") == 0);
    }
    SUBCASE("a resolved target of the wrong type is an error whatever the setting") {
        fhir::FhirValidator validator(definitions);
        const std::string text = R"({"resourceType": "Parameters", "parameter": [
          {"name": "a", "resource": {"resourceType": "Observation", "id": "1", "status": "final",
            "code": {"text": "x"}}},
          {"name": "b", "resource": {"resourceType": "Coverage", "id": "c1", "status": "active",
            "beneficiary": {"reference": "Observation/1"}, "payor": [{"reference": "Patient/1"}]}}]})";
        CHECK(count_at_least(validate(validator, text), "fhir.reference.wrong-target") == 1);
    }
}

TEST_CASE("fhir validator options: relative references inside a Bundle") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    fhir::FhirValidator validator(core(*packages));
    auto bundle = [](const std::string& type, const std::string& full_url, const std::string& reference) {
        return R"({"resourceType": "Bundle", "type": ")" + type + R"(", "entry": [{)" +
               (full_url.empty() ? std::string() : R"("fullUrl": ")" + full_url + R"(", )") +
               R"("resource": {"resourceType": "Patient", "id": "p1",
                 "managingOrganization": {"reference": ")" +
               reference + R"("}}}]})";
    };
    // Without a fullUrl, a relative reference has no base: said at the entry and at the reference.
    auto found = validate(validator, bundle("collection", "", "Organization/o1"));
    CHECK(count_at_least(found, "fhir.bundle.entry-full-url") == 1);
    CHECK(count_at_least(found, "fhir.reference.no-base") == 1);
    found = validate(validator, bundle("collection", "http://server.test/fhir/Patient/p1", "Organization/o1"));
    CHECK(count_at_least(found, "fhir.bundle.entry-full-url") == 0);
    CHECK(count_at_least(found, "fhir.reference.no-base") == 0);
    // A server's response needs no base for what it returns.
    found = validate(validator, bundle("batch-response", "", "Organization/o1"));
    CHECK(count_at_least(found, "fhir.reference.no-base") == 0);
    // Relative references are Type/id.
    found = validate(validator, bundle("collection", "http://server.test/fhir/Patient/p1", "o1"));
    CHECK(count_at_least(found, "fhir.reference.format") == 1);
    found = validate(validator, bundle("collection", "http://server.test/fhir/Patient/p1", "Organization?name=x"));
    CHECK(count_at_least(found, "fhir.reference.format") == 0);
}

TEST_CASE("fhir validator options: displays a bound value set gives are accepted") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    // A profile binding Patient.contact.relationship to a contained value set whose expansion
    // gives v2-0131#C another display and v2-0131#N a designation.
    definitions->add(nlohmann::json::parse(R"({"resourceType": "StructureDefinition", "id": "tc",
      "url": "http://example.test/StructureDefinition/tc", "name": "Tc", "status": "draft",
      "kind": "resource", "abstract": false, "type": "Patient",
      "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient", "derivation": "constraint",
      "contained": [{"resourceType": "ValueSet", "id": "rel", "status": "draft", "expansion": {
        "timestamp": "2024-01-01T00:00:00Z", "contains": [
          {"system": "http://terminology.hl7.org/CodeSystem/v2-0131", "code": "C", "display": "alt-display"},
          {"system": "http://terminology.hl7.org/CodeSystem/v2-0131", "code": "N",
           "designation": [{"value": "alt-designation"}]}]}}],
      "differential": {"element": [{"id": "Patient", "path": "Patient"},
        {"id": "Patient.contact.relationship", "path": "Patient.contact.relationship",
         "binding": {"strength": "required", "valueSet": "#rel"}}]}})"));
    auto patient = [](const std::string& code, const std::string& display) {
        return R"({"resourceType": "Patient", "contact": [{"name": {"text": "x"}, "relationship": [{"coding": [
          {"system": "http://terminology.hl7.org/CodeSystem/v2-0131", "code": ")" +
               code + R"(", "display": ")" + display + R"("}]}]}]})";
    };
    fhir::FhirValidator base(definitions);
    CHECK(count_at_least(validate(base, patient("C", "alt-display")), "fhir.terminology.wrong-display") == 1);
    fhir::FhirValidationOptions options;
    options.profiles = {"http://example.test/StructureDefinition/tc"};
    fhir::FhirValidator profiled(definitions, options);
    CHECK(count_at_least(validate(profiled, patient("C", "alt-display")), "fhir.terminology.wrong-display") == 0);
    CHECK(count_at_least(validate(profiled, patient("N", "alt-designation")), "fhir.terminology.wrong-display") == 0);
    CHECK(count_at_least(validate(profiled, patient("C", "Emergency Contact")), "fhir.terminology.wrong-display") == 0);
    CHECK(count_at_least(validate(profiled, patient("C", "alt-designation")), "fhir.terminology.wrong-display") == 1);
}
