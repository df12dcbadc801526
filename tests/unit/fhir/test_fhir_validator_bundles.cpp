// Bundle and reference rules of the FHIR validator, one rule each, on hand-made bundles.
#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <algorithm>

using namespace healthdoc;

using test::count_rule;

TEST_CASE("fhir validator bundles: fullUrl, references and document reachability") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    fhir::FhirValidator validator(test::core(*packages));

    SUBCASE("a RESTful fullUrl must end with the resource's type and id") {
        auto found = test::validate(validator, R"({"resourceType":"Bundle","type":"collection","entry":[
            {"fullUrl":"http://acme.com/Patient/pat1","resource":{"resourceType":"Organization","id":"o1"}},
            {"fullUrl":"http://acme.com/Organization/o2","resource":{"resourceType":"Organization"}},
            {"fullUrl":"http://acme.com/Organization/o3","resource":{"resourceType":"Organization","id":"o3"}}]})");
        CHECK(count_rule(found, "fhir.bundle.full-url-id") == 2);
    }
    SUBCASE("a relative reference from a urn: entry matching another resource type") {
        auto found = test::validate(validator, R"({"resourceType":"Bundle","type":"collection","entry":[
            {"fullUrl":"urn:uuid:54fc3e09-e279-4b74-a8ff-2649ec968642","resource":{"resourceType":"Patient",
              "generalPractitioner":[{"reference":"Practitioner/5d9588d8-3cd6-4b32-8fb7-ad13694e069d"}]}},
            {"fullUrl":"urn:uuid:5d9588d8-3cd6-4b32-8fb7-ad13694e069d","resource":{"resourceType":"Organization"}}]})");
        CHECK(count_rule(found, "fhir.reference.wrong-resource-type") == 1);
    }
    SUBCASE("versions: an unversioned reference to two versions is ambiguous") {
        auto found = test::validate(validator, R"({"resourceType":"Bundle","type":"collection","entry":[
            {"fullUrl":"http://x.org/Patient/p","resource":{"resourceType":"Patient","id":"p",
              "link":[{"type":"seealso","other":{"reference":"Patient/q"}}]}},
            {"fullUrl":"http://x.org/Patient/q","resource":{"resourceType":"Patient","id":"q","meta":{"versionId":"1"}}},
            {"fullUrl":"http://x.org/Patient/q","resource":{"resourceType":"Patient","id":"q","meta":{"versionId":"2"}}},
            {"fullUrl":"http://x.org/Patient/r","resource":{"resourceType":"Patient","id":"r",
              "link":[{"type":"seealso","other":{"reference":"Patient/q/_history/2"}}]}}]})");
        CHECK(count_rule(found, "fhir.reference.multiple-matches") == 1);
    }
    SUBCASE("document: relative references resolve only against the Composition's RESTful fullUrl") {
        auto found = test::validate(validator, R"({"resourceType":"Bundle","type":"document","entry":[
            {"fullUrl":"urn:uuid:10a67a86-a9ec-427e-ba3f-f042cef21733","resource":{"resourceType":"Composition",
              "status":"final","type":{"text":"x"},"date":"2020-01-01","title":"t",
              "author":[{"reference":"Organization/666"}]}},
            {"fullUrl":"urn:uuid:2aaf815f-3ebe-4a03-9b87-05d0700313b2","resource":{"resourceType":"Organization","id":"666"}}]})");
        CHECK(count_rule(found, "fhir.bundle.reference") == 1);
        CHECK(count_rule(found, "fhir.bundle.unreachable-entry") == 1);
    }
    SUBCASE("document: entries linked from the Composition are reachable") {
        auto found = test::validate(validator, R"({"resourceType":"Bundle","type":"document","entry":[
            {"fullUrl":"http://x.org/Composition/c","resource":{"resourceType":"Composition","id":"c",
              "status":"final","type":{"text":"x"},"date":"2020-01-01","title":"t",
              "author":[{"reference":"Organization/o"}]}},
            {"fullUrl":"http://x.org/Organization/o","resource":{"resourceType":"Organization","id":"o"}},
            {"fullUrl":"http://x.org/Provenance/p","resource":{"resourceType":"Provenance","id":"p",
              "recorded":"2020-01-01T00:00:00Z","target":[{"reference":"Composition/c"}],
              "agent":[{"who":{"reference":"Organization/o"}}]}}]})");
        CHECK(count_rule(found, "fhir.bundle.reference") == 0);
        CHECK(count_rule(found, "fhir.bundle.unreachable-entry") == 0);
    }
}

TEST_CASE("fhir validator bundles: contained resources must be referenced (dom-3)") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    fhir::FhirValidator validator(test::core(*packages));
    auto unreferenced = test::validate(validator, R"({"resourceType":"Condition","subject":{"reference":"Patient/p"},
        "contained":[{"resourceType":"Practitioner","id":"pr","name":[{"family":"Person"}]}]})");
    CHECK(count_rule(unreferenced, "fhir.reference.contained-unreferenced") == 1);
    auto referenced = test::validate(validator, R"({"resourceType":"Condition","subject":{"reference":"Patient/p"},
        "asserter":{"reference":"#pr"},
        "contained":[{"resourceType":"Practitioner","id":"pr","name":[{"family":"Person"}]}]})");
    CHECK(count_rule(referenced, "fhir.reference.contained-unreferenced") == 0);
}
