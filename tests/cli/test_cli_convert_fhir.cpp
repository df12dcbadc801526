// `healthdoc convert --to fhir-xml|fhir-json` through the built binary, with the shared R4 core
// package as the package cache.
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using healthdoc::test::read_file;
using healthdoc::test::run_healthdoc;
using healthdoc::test::TempDir;
using healthdoc::test::write_file;

namespace {

std::vector<std::string> rules_of(const std::string& json_report) {
    std::vector<std::string> rules;
    auto report = nlohmann::json::parse(json_report);
    for (const auto& d : report["documents"][0]["diagnostics"]) rules.push_back(d["rule"].get<std::string>());
    return rules;
}

} // namespace

TEST_CASE("cli::convert FHIR JSON <-> XML") {
    auto cache = REQUIRE_SHARED("reference/fhir/packages");
    auto examples = REQUIRE_SHARED("reference/fhir/r4-examples");
    if (!cache || !examples) return;
    TempDir dir;
    const std::string input = (*examples / "Bundle-lipids.json").string();
    REQUIRE(fs::exists(input));
    const std::string xml = (dir / "obs.xml").string();
    const std::string json = (dir / "obs.json").string();

    SUBCASE("JSON -> XML -> JSON gives the same JSON, decimals as written") {
        auto to_xml = run_healthdoc({"convert", input, "--to", "fhir-xml", "-o", xml, "--package-cache",
                                     cache->string(), "--format", "json", "-q"});
        INFO(to_xml.out << to_xml.err);
        REQUIRE(to_xml.exit_code == 0);
        CHECK(rules_of(to_xml.out).empty());
        const std::string written = read_file(xml);
        CHECK(written.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Bundle xmlns=\"http://hl7.org/fhir\">", 0) ==
              0);
        auto to_json = run_healthdoc({"convert", xml, "--to", "fhir-json", "-o", json, "--package-cache",
                                      cache->string(), "--format", "json", "-q"});
        INFO(to_json.out << to_json.err);
        REQUIRE(to_json.exit_code == 0);
        CHECK(rules_of(to_json.out).empty());
        const std::string original = read_file(input);
        const std::string back = read_file(json);
        CHECK(nlohmann::json::parse(back) == nlohmann::json::parse(original));
        // Decimals are written back as they were (2.0 stays 2.0, not 2).
        CHECK(original.find("\"value\": 2.0,") != std::string::npos);
        CHECK(back.find("\"value\": 2.0,") != std::string::npos);
        CHECK(written.find("<value value=\"2.0\"/>") != std::string::npos);
    }
    SUBCASE("the document goes to standard output and the report to standard error") {
        auto r = run_healthdoc({"convert", input, "--to", "fhir-xml", "--package-cache", cache->string()});
        CHECK(r.exit_code == 0);
        CHECK(r.out.rfind("<?xml", 0) == 0);
        auto back = run_healthdoc({"convert", "-", "--to", "fhir-json", "--package-cache", cache->string()}, r.out);
        CHECK(back.exit_code == 0);
        CHECK(nlohmann::json::parse(back.out) == nlohmann::json::parse(read_file(input)));
    }
    SUBCASE("XML findings are reported with line:col and exit 1") {
        write_file(dir / "bad.xml", "<Patient xmlns=\"http://hl7.org/fhir\">\n  <gender value=\"male\"/>\n"
                                    "  <active value=\"true\"/>\n  <nickname value=\"x\"/>\n</Patient>\n");
        auto r = run_healthdoc({"convert", (dir / "bad.xml").string(), "--to", "fhir-json", "-o", json,
                                "--package-cache", cache->string(), "--format", "json", "-q"});
        CHECK(r.exit_code == 1);
        CHECK(rules_of(r.out) == std::vector<std::string>{"fhir.xml.element-order", "fhir.xml.unknown-element"});
        auto report = nlohmann::json::parse(r.out)["documents"][0]["diagnostics"];
        CHECK(report[0]["location"]["line"] == 3);
        CHECK(report[0]["location"]["column"] == 3);
        CHECK(report[0]["location"]["path"] == "Patient.active");
        CHECK(report[1]["location"]["line"] == 4);
        CHECK(nlohmann::json::parse(read_file(json)) ==
              nlohmann::json::parse(R"({"resourceType":"Patient","active":true,"gender":"male"})"));
    }
    SUBCASE("unreadable input and hostile XML exit 2 and write nothing") {
        write_file(dir / "evil.xml", "<!DOCTYPE Patient [<!ENTITY x \"y\">]><Patient xmlns=\"http://hl7.org/fhir\"/>");
        auto evil = run_healthdoc({"convert", (dir / "evil.xml").string(), "--to", "fhir-json", "-o", json,
                                   "--package-cache", cache->string(), "--format", "json", "-q"});
        CHECK(evil.exit_code == 2);
        CHECK(rules_of(evil.out) == std::vector<std::string>{"xml.security.doctype"});
        CHECK_FALSE(fs::exists(json));
        write_file(dir / "not.json", "{\"a\": 1}");
        auto not_fhir = run_healthdoc({"convert", (dir / "not.json").string(), "--to", "fhir-xml", "-o", xml,
                                       "--package-cache", cache->string(), "--format", "json", "-q"});
        CHECK(not_fhir.exit_code == 2);
        CHECK(rules_of(not_fhir.out) == std::vector<std::string>{"fhir.json.not-a-resource"});
        CHECK_FALSE(fs::exists(xml));
    }
    SUBCASE("without the core package: a usage error naming `healthdoc packages install`") {
        auto r =
            run_healthdoc({"convert", input, "--to", "fhir-xml", "--package-cache", (dir / "empty-cache").string()});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("healthdoc packages install") != std::string::npos);
    }
}
