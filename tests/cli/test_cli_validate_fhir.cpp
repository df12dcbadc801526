// `healthdoc validate` on FHIR inputs: the FHIR layer end to end through the binary, with the
// core package of the shared reference data as the package cache.
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

using healthdoc::test::read_file;
using healthdoc::test::run_healthdoc;
using healthdoc::test::TempDir;
using healthdoc::test::write_file;

namespace {

const char* k_packages = "reference/fhir/packages";
const std::string k_no_rules = "HEALTHDOC_RULES_DIR=/nonexistent-healthdoc-rules";

// The findings of the only document of a JSON report.
nlohmann::json findings(const std::string& out) { return nlohmann::json::parse(out)["documents"][0]["diagnostics"]; }

const nlohmann::json* find_rule(const nlohmann::json& diagnostics, const std::string& rule) {
    for (const auto& d : diagnostics)
        if (d["rule"] == rule) return &d;
    return nullptr;
}

// A Patient with one problem per line, so each finding's line is known.
const char* k_bad_patient = R"({
  "resourceType": "Patient",
  "id": "bad",
  "gender": "woman",
  "birthDate": "2023-02-30",
  "nickname": "Jo",
  "name": {"family": "Martin"}
}
)";

} // namespace

TEST_CASE("cli::validate_fhir_resources") {
    auto packages = REQUIRE_SHARED(k_packages);
    if (!packages) return;
    auto examples = *healthdoc::test::shared_path("reference/fhir/r4-examples");
    const std::string cache = packages->string();
    TempDir dir;

    SUBCASE("a valid example: no error, exit 0") {
        auto r = run_healthdoc({"validate", "--package-cache", cache, (examples / "Patient-example.json").string()}, "",
                               {k_no_rules});
        CHECK(r.exit_code == 0);
        CHECK(r.err.find("0 errors") != std::string::npos);
    }
    SUBCASE("each problem with its rule, FHIRPath location and line") {
        write_file(dir / "bad.json", k_bad_patient);
        auto r = run_healthdoc({"validate", "--format", "json", "--package-cache", cache, (dir / "bad.json").string()},
                               "", {k_no_rules});
        CHECK(r.exit_code == 1);
        auto diagnostics = findings(r.out);
        INFO(diagnostics.dump(1));
        const auto* gender = find_rule(diagnostics, "fhir.binding.required");
        REQUIRE(gender);
        CHECK((*gender)["location"]["path"] == "Patient.gender");
        CHECK((*gender)["location"]["line"] == 4);
        const auto* date = find_rule(diagnostics, "fhir.structure.primitive");
        REQUIRE(date);
        CHECK((*date)["location"]["path"] == "Patient.birthDate");
        CHECK((*date)["location"]["line"] == 5);
        const auto* unknown = find_rule(diagnostics, "fhir.structure.unknown-element");
        REQUIRE(unknown);
        CHECK((*unknown)["location"]["line"] == 6);
        const auto* array = find_rule(diagnostics, "fhir.json.array-expected");
        REQUIRE(array);
        CHECK((*array)["location"]["path"].get<std::string>().rfind("Patient.name", 0) == 0);
        CHECK((*array)["location"]["line"] == 7);
    }
    SUBCASE("FHIR XML is validated too") {
        auto xml = healthdoc::test::shared_path("reference/fhir/fhirpath/patient-example.xml");
        REQUIRE(xml);
        auto r =
            run_healthdoc({"validate", "--format", "json", "--package-cache", cache, xml->string()}, "", {k_no_rules});
        INFO(r.out);
        CHECK(r.exit_code == 0);
        CHECK(nlohmann::json::parse(r.out)["documents"][0]["kind"] == "fhir-xml");
    }
    SUBCASE("OperationOutcome output names the element by expression") {
        write_file(dir / "bad.json", k_bad_patient);
        auto r = run_healthdoc(
            {"validate", "--format", "operationoutcome", "--package-cache", cache, (dir / "bad.json").string()}, "",
            {k_no_rules});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("\"Patient.birthDate\"") != std::string::npos);
    }
    SUBCASE("--profile: validated against it as well; an unknown profile is said once") {
        auto r = run_healthdoc({"validate", "--format", "json", "--package-cache", cache, "--profile",
                                "http://hl7.org/fhir/StructureDefinition/bodyweight",
                                (examples / "Patient-example.json").string()},
                               "", {k_no_rules});
        CHECK(r.exit_code == 1); // a Patient is not an Observation
        auto unknown =
            run_healthdoc({"validate", "--format", "json", "--package-cache", cache, "--profile",
                           "http://example.org/no-such-profile", (examples / "Patient-example.json").string(),
                           (examples / "Patient-example.json").string()},
                          "", {k_no_rules});
        auto report = nlohmann::json::parse(unknown.out);
        std::size_t said = 0;
        for (const auto& document : report["documents"])
            for (const auto& d : document["diagnostics"])
                said += d["message"].get<std::string>().find("no-such-profile") != std::string::npos;
        for (const auto& d : report["runDiagnostics"])
            said += d["message"].get<std::string>().find("no-such-profile") != std::string::npos;
        CHECK(said == 1);
    }
    SUBCASE("without the core package: well-formedness only, and a warning says so") {
        write_file(dir / "p.json", R"({"resourceType": "Patient", "gender": "woman"})");
        auto r = run_healthdoc({"validate", "--format", "json", (dir / "p.json").string()}, "",
                               {k_no_rules, "HEALTHDOC_PACKAGE_CACHE=" + (dir / "empty-cache").string()});
        CHECK(r.exit_code == 0);
        CHECK(find_rule(findings(r.out), "fhir.definitions.missing"));
    }
}

TEST_CASE("cli::validate_fhir_hostile_inputs") {
    auto packages = REQUIRE_SHARED(k_packages);
    if (!packages) return;
    const std::string cache = packages->string();
    TempDir dir;
    auto check = [&](const std::string& name, const std::string& content, const std::string& rule) {
        write_file(dir / name, content);
        auto r = run_healthdoc({"validate", "--format", "json", "--package-cache", cache, (dir / name).string()}, "",
                               {k_no_rules});
        INFO(name << ": " << r.out.substr(0, 2000) << r.err);
        CHECK(r.exit_code == 1);
        CHECK(find_rule(findings(r.out), rule));
    };
    SUBCASE("deep nesting") {
        std::string deep = R"({"resourceType":"Patient","extension":)";
        for (int i = 0; i < 100000; ++i) deep += "[";
        check("deep.json", deep, "json.limits.too-deep");
    }
    SUBCASE("a huge array") {
        std::string huge = R"({"resourceType":"Patient","name":[)";
        for (int i = 0; i < 200000; ++i) huge += std::string(i ? "," : "") + R"({"family":"x"})";
        huge += "]}";
        write_file(dir / "huge.json", huge);
        auto r = run_healthdoc({"validate", "--package-cache", cache, (dir / "huge.json").string()}, "", {k_no_rules});
        CHECK(r.exit_code == 0);
    }
    SUBCASE("invalid UTF-8") {
        check("utf8.json", "{\"resourceType\":\"Patient\",\"id\":\"a\xC3\x28\"}", "json.encoding.invalid-utf8");
    }
    SUBCASE("duplicate keys") {
        check("dup.json", R"({"resourceType":"Patient","active":true,"active":false})", "fhir.json.duplicate-key");
    }
    SUBCASE("numbers out of range") {
        check("range.json",
              R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"valueInteger":99999999999})",
              "fhir.structure.primitive");
        check("inf.json",
              R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1e400}})",
              "fhir.json.number-out-of-range");
    }
    SUBCASE("not a resource type") {
        check("type.json", R"({"resourceType":"NoSuchResource","id":"x"})", "fhir.structure.resource-type");
    }
}

TEST_CASE("cli::validate_fhir_reference_policies") {
    auto packages = REQUIRE_SHARED(k_packages);
    if (!packages) return;
    const std::string cache = packages->string();
    TempDir dir;
    // One reference to nothing the document holds, one RESTful URL naming a type the element does not allow.
    write_file(dir / "refs.json", R"({"resourceType":"Patient","id":"p","text":{"status":"generated",
        "div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">p</div>"},
        "generalPractitioner":[{"reference":"Practitioner/nobody"}],
        "managingOrganization":{"reference":"http://hospital.example.fr/fhir/Patient/x"}})");
    auto validate = [&](std::vector<std::string> extra) {
        std::vector<std::string> args{"validate", "--format", "json", "--package-cache", cache};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back((dir / "refs.json").string());
        return run_healthdoc(args, "", {k_no_rules});
    };
    auto count = [](const nlohmann::json& diagnostics, const std::string& rule) {
        return std::count_if(diagnostics.begin(), diagnostics.end(), [&](const auto& d) { return d["rule"] == rule; });
    };

    SUBCASE("by default only the targets found are checked: nothing is fetched, nothing is an error") {
        auto r = validate({});
        CHECK(r.exit_code == 0);
    }
    SUBCASE("--references exists: each reference to nothing in the document is an error") {
        auto r = validate({"--references", "exists"});
        CHECK(r.exit_code == 1);
        auto diagnostics = findings(r.out);
        INFO(diagnostics.dump(1));
        CHECK(count(diagnostics, "fhir.reference.not-found") == 2);
        CHECK(count(diagnostics, "fhir.reference.wrong-target") == 0);
    }
    SUBCASE("--references exists-and-type --assume-valid-rest-references: only the wrong type is left") {
        auto r = validate({"--references", "exists-and-type", "--assume-valid-rest-references"});
        CHECK(r.exit_code == 1);
        auto diagnostics = findings(r.out);
        INFO(diagnostics.dump(1));
        CHECK(count(diagnostics, "fhir.reference.not-found") == 0);
        CHECK(count(diagnostics, "fhir.reference.wrong-target") == 1);
    }
    SUBCASE("an unknown policy is a usage error") {
        auto r = validate({"--references", "fetch"});
        CHECK(r.exit_code == 2);
    }
}
