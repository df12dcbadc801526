// Focused cases of the rules for conformance resources being validated (StructureDefinition,
// SearchParameter, CapabilityStatement, OperationDefinition), as the reference validator applies them.
#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

using namespace healthdoc;

namespace {

using test::count_rule;

using test::core;
using test::validate;

std::size_t conformance_errors(const formats::Diagnostics& found) {
    std::size_t n = 0;
    for (const auto& d : found.items())
        if (d.rule.rfind("fhir.conformance.", 0) == 0 && d.severity >= formats::Severity::error) ++n;
    return n;
}

const char* logical_base = R"({"resourceType":"StructureDefinition","url":"http://example.org/StructureDefinition/Foo",
  "name":"Foo","status":"draft","kind":"logical","abstract":false,"type":"http://example.org/StructureDefinition/Foo",
  "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Base","derivation":"specialization",
  "snapshot":{"element":[{"id":"Foo","path":"Foo","min":0,"max":"*"},
    {"id":"Foo.a","path":"Foo.a","min":1,"max":"1","type":[{"code":"string"}]}]}})";

std::string logical(const std::string& type, const std::string& root) {
    return R"({"resourceType":"StructureDefinition","url":"http://example.org/StructureDefinition/Boo","name":"Boo",
      "status":"draft","kind":"logical","abstract":false,"type":")" +
           type + R"(","baseDefinition":"http://example.org/StructureDefinition/Foo","derivation":"specialization",
      "differential":{"element":[{"id":")" +
           root + R"(","path":")" + root + R"("},{"id":")" + root + R"(.b","path":")" + root +
           R"(.b","min":1,"max":"1","type":[{"code":"string"}]}]}})";
}

const char* base_extension =
    R"({"resourceType":"StructureDefinition","url":"http://example.org/StructureDefinition/ext-base",
  "name":"BaseExtension","status":"draft","kind":"complex-type","abstract":false,
  "context":[{"type":"element","expression":"Element"}],"type":"Extension",
  "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Extension","derivation":"constraint",
  "differential":{"element":[{"id":"Extension.url","path":"Extension.url","fixedUri":"http://example.org/StructureDefinition/ext-base"},
    {"id":"Extension.value[x]","path":"Extension.value[x]","type":[{"code":"string"}]}]}})";

std::string derived_extension(const std::string& base) {
    return R"({"resourceType":"StructureDefinition","url":"http://example.org/StructureDefinition/ext-derived",
      "name":"DerivedExtension","status":"draft","kind":"complex-type","abstract":false,
      "context":[{"type":"element","expression":"Element"}],"type":"Extension",
      "baseDefinition":")" +
           base + R"(","derivation":"constraint",
      "differential":{"element":[{"id":"Extension.url","path":"Extension.url","fixedUri":"http://example.org/StructureDefinition/ext-derived"}]}})";
}

} // namespace

TEST_CASE("fhir validator conformance: StructureDefinition types and element paths") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    definitions->add(nlohmann::json::parse(logical_base));
    fhir::FhirValidator validator(definitions);

    SUBCASE("a new logical type named by an absolute URL, paths from its last segment") {
        auto found = validate(validator, logical("http://example.org/StructureDefinition/Boo", "Boo"));
        CHECK(conformance_errors(found) == 0);
    }
    SUBCASE("a new type without a namespace is not legal") {
        auto found = validate(validator, logical("Boo", "Boo"));
        CHECK(count_rule(found, "fhir.conformance.sd-type-not-local") == 1);
        CHECK(conformance_errors(found) == 1);
    }
    SUBCASE("a specialization of its own base type, with paths of another name") {
        auto found = validate(validator, logical("http://example.org/StructureDefinition/Foo", "Boo"));
        CHECK(count_rule(found, "fhir.conformance.sd-specialised-same-type") == 1);
        CHECK(count_rule(found, "fhir.conformance.sd-path-type") == 2);
    }
    SUBCASE("a differential path that is not in the base") {
        auto found =
            validate(validator, R"({"resourceType":"StructureDefinition","url":"http://example.org/Observation",
          "name":"ObservationTest","status":"draft","kind":"resource","abstract":false,"type":"Observation",
          "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","derivation":"constraint",
          "differential":{"element":[{"id":"Observation.valueQuantity","path":"Observation.valueBla"}]}})");
        CHECK(count_rule(found, "fhir.conformance.sd-snapshot-error") == 1);
    }
    SUBCASE("slicing at the root, an unknown discriminator type") {
        auto found =
            validate(validator, R"({"resourceType":"StructureDefinition","url":"http://example.org/Observation",
          "name":"ObservationTest","status":"draft","kind":"resource","abstract":false,"type":"Observation",
          "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","derivation":"constraint",
          "differential":{"element":[{"id":"Observation","path":"Observation",
            "slicing":{"discriminator":[{"type":"value","path":"code"}],"rules":"open"}}]}})");
        CHECK(count_rule(found, "fhir.conformance.sd-root-slicing") == 1);
        CHECK(count_rule(found, "fhir.conformance.sd-snapshot-error") == 1);
        auto discriminator =
            validate(validator, R"({"resourceType":"StructureDefinition","url":"http://example.org/Observation",
          "name":"ObservationTest","status":"draft","kind":"resource","abstract":false,"type":"Observation",
          "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","derivation":"constraint",
          "differential":{"element":[{"id":"Observation.component","path":"Observation.component",
            "slicing":{"discriminator":[{"type":"expression","path":"code"}],"rules":"open"}}]}})");
        CHECK(count_rule(discriminator, "fhir.conformance.sd-snapshot-error") == 1);
    }
    SUBCASE("a constraint whose expression does not compile") {
        auto found =
            validate(validator, R"({"resourceType":"StructureDefinition","url":"http://example.org/Observation",
          "name":"ObservationTest","status":"draft","kind":"resource","abstract":false,"type":"Observation",
          "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","derivation":"constraint",
          "differential":{"element":[{"id":"Observation","path":"Observation","constraint":[{"key":"x-1",
            "severity":"error","human":"x","expression":"code.exists() and (","source":"http://example.org/Observation"}]}]}})");
        CHECK(count_rule(found, "fhir.conformance.sd-constraint-expression") == 1);
    }
    SUBCASE("a core profile applies to its base") {
        auto found =
            validate(validator, R"({"resourceType":"StructureDefinition","url":"http://example.org/Observation",
          "name":"ObservationTest","status":"draft","kind":"resource","abstract":false,"type":"Observation",
          "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","derivation":"constraint",
          "differential":{"element":[{"id":"Observation.value[x]","path":"Observation.value[x]","type":[{"code":"Quantity"}]},
            {"id":"Observation.status","path":"Observation.status","fixedCode":"final"}]}})");
        CHECK(conformance_errors(found) == 0);
    }
}

TEST_CASE("fhir validator conformance: a derived extension keeps the url its base fixes") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    definitions->add(nlohmann::json::parse(base_extension));
    fhir::FhirValidator validator(definitions);

    SUBCASE("redefining the fixed url is an error") {
        auto found = validate(validator, derived_extension("http://example.org/StructureDefinition/ext-base"));
        CHECK(count_rule(found, "fhir.conformance.sd-fixed-differs-from-base") == 1);
    }
    SUBCASE("derived from itself: the base is not found, a warning only") {
        auto found = validate(validator, derived_extension("http://example.org/StructureDefinition/ext-derived"));
        CHECK(conformance_errors(found) == 0);
        CHECK(count_rule(found, "fhir.conformance.sd-base-not-found", formats::Severity::warning) == 1);
    }
}

TEST_CASE("fhir validator conformance: SearchParameter and CapabilityStatement") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    fhir::FhirValidator validator(definitions);
    const std::string head = R"({"resourceType":"SearchParameter","url":"http://example.org/SearchParameter/x",
      "name":"x","status":"active","description":"x","code":"name",)";

    SUBCASE("derived from a parameter of other resources, with an expression on them") {
        auto found =
            validate(validator, head + R"("derivedFrom":"http://hl7.org/fhir/SearchParameter/Organization-name",
          "base":["Patient"],"type":"string","expression":"Organization.name | Organization.alias"})");
        CHECK(count_rule(found, "fhir.conformance.search-derived-base") == 1);
        CHECK(count_rule(found, "fhir.conformance.search-expression") == 1);
    }
    SUBCASE("an expression on its bases, one that does not parse") {
        auto good = validate(validator, head + R"("base":["Patient","Practitioner"],"type":"string",
          "expression":"Patient.name.where(use = 'official') | (Practitioner.name as HumanName).family"})");
        CHECK(conformance_errors(good) == 0);
        auto bad = validate(validator, head + R"("base":["Patient"],"type":"string","expression":"Patient.name.("})");
        CHECK(count_rule(bad, "fhir.conformance.search-expression") == 1);
    }
    SUBCASE("a composite parameter needs two components") {
        auto found =
            validate(validator, head + R"("base":["Observation"],"type":"composite","expression":"Observation"})");
        CHECK(count_rule(found, "fhir.conformance.search-composite-components") == 1);
    }
    SUBCASE("a capability statement's search parameter of another type than its definition") {
        auto found = validate(validator, R"({"resourceType":"CapabilityStatement","status":"draft","date":"2020-01-01",
          "kind":"requirements","fhirVersion":"4.0.1","format":["json"],"rest":[{"mode":"server","resource":[
          {"type":"AllergyIntolerance","searchParam":[
            {"name":"clinical-status","definition":"http://hl7.org/fhir/SearchParameter/AllergyIntolerance-clinical-status","type":"date"},
            {"name":"code","definition":"http://hl7.org/fhir/SearchParameter/clinical-code","type":"token"}]}]}]})");
        CHECK(count_rule(found, "fhir.conformance.search-param-type-mismatch") == 1);
    }
}

TEST_CASE("fhir validator conformance: OperationDefinition against its Parameters profiles") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    definitions->add(nlohmann::json::parse(R"({"resourceType":"StructureDefinition",
      "url":"http://example.org/StructureDefinition/op-in","name":"OpIn","status":"draft","kind":"resource",
      "abstract":false,"type":"Parameters","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Parameters",
      "derivation":"constraint","differential":{"element":[
        {"id":"Parameters.parameter","path":"Parameters.parameter",
         "slicing":{"discriminator":[{"type":"value","path":"name"}],"rules":"open"}},
        {"id":"Parameters.parameter:subject","path":"Parameters.parameter","sliceName":"subject","min":1,"max":"1"},
        {"id":"Parameters.parameter:subject.name","path":"Parameters.parameter.name","fixedString":"subject"},
        {"id":"Parameters.parameter:subject.value[x]","path":"Parameters.parameter.value[x]",
         "type":[{"code":"Reference","targetProfile":["http://hl7.org/fhir/StructureDefinition/Patient"]}]},
        {"id":"Parameters.parameter:subject.resource","path":"Parameters.parameter.resource","max":"0"},
        {"id":"Parameters.parameter:subject.part","path":"Parameters.parameter.part","max":"0"}]}})"));
    fhir::FhirValidator validator(definitions);
    auto operation = [](const std::string& parameter) {
        return R"({"resourceType":"OperationDefinition","url":"http://example.org/OperationDefinition/op",
          "name":"Op","status":"draft","kind":"operation","code":"op","system":false,"type":true,"instance":false,
          "resource":["Patient"],"inputProfile":"http://example.org/StructureDefinition/op-in","parameter":[)" +
               parameter + "]}";
    };
    SUBCASE("the same parameter in both") {
        auto found = validate(validator, operation(R"({"name":"subject","use":"in","min":1,"max":"1","type":"Reference",
          "targetProfile":["http://hl7.org/fhir/StructureDefinition/Patient"]})"));
        CHECK(conformance_errors(found) == 0);
    }
    SUBCASE("other cardinality, type and target profiles; a parameter the profile does not have") {
        auto found = validate(validator, operation(R"({"name":"subject","use":"in","min":0,"max":"*","type":"string"},
          {"name":"other","use":"in","min":0,"max":"1","type":"string"})"));
        CHECK(count_rule(found, "fhir.conformance.opdef-profile-cardinality") == 2);
        CHECK(count_rule(found, "fhir.conformance.opdef-profile-type") == 2);
        CHECK(count_rule(found, "fhir.conformance.opdef-profile-target") == 1);
        CHECK(count_rule(found, "fhir.conformance.opdef-profile-parameter-missing", formats::Severity::warning) == 1);
    }
}

// The core package's own conformance resources give no fhir.conformance.* error, except the
// defects the R4 publication has (the reference validator reports them too).
TEST_CASE("fhir validator conformance: core conformance resources pass the conformance rules") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    fhir::FhirValidator validator(definitions);
    const auto folder = *packages / "hl7.fhir.r4.core#4.0.1" / "package";
    // searchParam types that differ from their SearchParameter's (_source is a uri, version a
    // token...); an example whose expression names DocumentReference on a Patient parameter.
    const std::set<std::string> published_defects = {
        "CapabilityStatement-base.json", "CapabilityStatement-terminology-server.json",
        "CapabilityStatement-knowledge-repository.json", "CapabilityStatement-measure-processor.json",
        "SearchParameter-example-extension.json"};
    std::map<std::string, std::size_t> by_rule;
    std::ostringstream first;
    std::size_t checked = 0, shown = 0, defects = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("StructureDefinition-", 0) != 0 && name.rfind("SearchParameter-", 0) != 0 &&
            name.rfind("CapabilityStatement-", 0) != 0 && name.rfind("OperationDefinition-", 0) != 0)
            continue;
        formats::Diagnostics read;
        auto document = fhir::read_fhir_json(formats::SourceText::from_file(entry.path().string()), read);
        if (!document) continue;
        formats::Diagnostics found;
        validator.validate(*document, name, found);
        ++checked;
        const std::size_t errors = conformance_errors(found);
        if (published_defects.count(name)) {
            defects += errors > 0;
            continue;
        }
        for (const auto& d : found.items())
            if (d.rule.rfind("fhir.conformance.", 0) == 0 && d.severity >= formats::Severity::error) {
                ++by_rule[d.rule];
                if (shown++ < 20) first << name << " " << d.location.path << " " << d.message << "\n";
            }
    }
    std::ostringstream summary;
    for (const auto& [rule, n] : by_rule) summary << rule << ": " << n << "\n";
    INFO(checked << " resources\n" << summary.str() << first.str());
    CHECK(checked > 2000);
    CHECK(by_rule.empty());
    CHECK(defects == published_defects.size());
}
