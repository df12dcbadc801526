#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

using healthdoc::test::read_file;
using healthdoc::test::run_healthdoc;
using healthdoc::test::source_path;
using healthdoc::test::TempDir;

namespace {

// The "details" object of the first document of a JSON report.
nlohmann::json first_details(const std::string& out) {
    auto report = nlohmann::json::parse(out);
    REQUIRE(report.contains("documents"));
    REQUIRE(report["documents"].size() >= 1);
    return report["documents"][0]["details"];
}

} // namespace

TEST_CASE("cli::inspect") {
    const auto cda = source_path("tests/data/formats/header.cda.xml").string();

    SUBCASE("--help") {
        auto r = run_healthdoc({"inspect", "--help"});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("--format") != std::string::npos);
    }
    SUBCASE("--format json on a CDA file") {
        auto r = run_healthdoc({"inspect", "--format", "json", cda});
        CHECK(r.exit_code == 0);
        auto details = first_details(r.out);
        CHECK(details["kind"] == "cda");
        CHECK(details["mediaType"] == "text/xml");
        CHECK(details["document"]["id"]["root"] == "1.2.250.1.999.1.2.3");
        CHECK(details["document"]["code"]["code"] == "11488-4");
    }
    SUBCASE("standard input") {
        auto r = run_healthdoc({"inspect", "--format", "json", "-"},
                               read_file(source_path("tests/data/formats/fhir-patient.json")));
        CHECK(r.exit_code == 0);
        auto report = nlohmann::json::parse(r.out);
        CHECK(report["documents"][0]["file"] == "-");
        auto details = report["documents"][0]["details"];
        CHECK(details["kind"] == "fhir-json");
        CHECK(details["resource"]["resourceType"] == "Patient");
    }
    SUBCASE("-o writes the report to a file") {
        TempDir dir;
        auto out = (dir / "report.json").string();
        auto r = run_healthdoc({"inspect", "--format", "json", "-o", out, cda});
        CHECK(r.exit_code == 0);
        CHECK(first_details(read_file(out))["kind"] == "cda");
    }
    SUBCASE("a malformed document exits 1 with its diagnostic") {
        auto r = run_healthdoc(
            {"inspect", "--format", "json", source_path("tests/data/formats/billion-laughs.xml").string()});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("xml.security.doctype") != std::string::npos);
    }
    SUBCASE("unknown content and missing files exit 2") {
        auto unknown = run_healthdoc({"inspect", "--format", "json", "-"}, std::string("\x00\x01\x02", 3));
        CHECK(unknown.exit_code == 2);
        CHECK(unknown.out.find("io.detect.unknown-format") != std::string::npos);
        auto missing = run_healthdoc({"inspect", "--format", "json", "no-such-file.xml"});
        CHECK(missing.exit_code == 2);
    }
    SUBCASE("text output names the kind") {
        auto r = run_healthdoc({"inspect", cda});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("cda") != std::string::npos);
    }
}
