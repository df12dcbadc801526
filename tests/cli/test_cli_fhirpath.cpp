#include "tests/support/test_support.hpp"

using healthdoc::test::run_healthdoc;
using healthdoc::test::source_path;

TEST_CASE("cli::fhirpath") {
    const std::string bundle = source_path("tests/data/fhir/fhirpath-bundle.json").string();
    SUBCASE("--help") {
        auto r = run_healthdoc({"fhirpath", "--help"});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("Usage") != std::string::npos);
    }
    SUBCASE("text and JSON lines output") {
        auto r = run_healthdoc({"fhirpath", "--no-definitions", "entry.resource.name.given", bundle});
        CHECK(r.exit_code == 0);
        CHECK(r.out == "string: Alpha\nstring: Beta\n");
        r = run_healthdoc({"fhirpath", "--no-definitions", "--format", "json", "entry[1].resource.value", bundle});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("\"code\":\"kg\"") != std::string::npos);
    }
    SUBCASE("expression errors exit 2 with a message") {
        auto r = run_healthdoc({"fhirpath", "--no-definitions", "entry.(", bundle});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("syntax error") != std::string::npos);
        r = run_healthdoc({"fhirpath", "--no-definitions", "(1|2) + 1", bundle});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("execution error") != std::string::npos);
    }
    SUBCASE("FHIR XML with the core package") {
        auto package = REQUIRE_SHARED("reference/fhir/packages");
        if (!package) return;
        auto example = REQUIRE_SHARED("reference/fhir/fhirpath/observation-example.xml");
        if (!example) return;
        auto r = run_healthdoc({"fhirpath", "--package-cache", package->string(), "Observation.value.unit", example->string()});
        CHECK(r.exit_code == 0);
        CHECK(r.out == "string: lbs\n");
    }
}
