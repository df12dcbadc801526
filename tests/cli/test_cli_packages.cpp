#include "tests/support/test_archives.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using healthdoc::test::make_archive;
using healthdoc::test::run_healthdoc;
using healthdoc::test::TempDir;
using healthdoc::test::write_file;

namespace {
const std::string k_manifest = R"({"name":"example.fhir.test","version":"1.2.3","fhirVersions":["4.0.1"]})";
const std::string k_profile = R"({"resourceType":"StructureDefinition","url":"http://example.org/sd","name":"X"})";
} // namespace

TEST_CASE("cli::packages_fhir") {
    TempDir dir;
    auto cache = (dir / "cache").string();
    auto rules = (dir / "rules").string();
    write_file(dir / "pkg.tgz", make_archive("tgz", {{"package/package.json", k_manifest, ""},
                                                     {"package/StructureDefinition-x.json", k_profile, ""}}));
    SUBCASE("install from a path, then list") {
        auto r = run_healthdoc({"packages", "install", (dir / "pkg.tgz").string(), "--package-cache", cache});
        CHECK(r.exit_code == 0);
        CHECK(fs::exists(dir / "cache" / "example.fhir.test#1.2.3" / "package" / "package.json"));
        CHECK(fs::exists(dir / "cache" / "example.fhir.test#1.2.3" / "package" / "StructureDefinition-x.json"));
        auto list = run_healthdoc({"packages", "list", "--format", "json", "--package-cache", cache, "--rules-dir", rules});
        CHECK(list.exit_code == 0);
        auto json = nlohmann::json::parse(list.out);
        REQUIRE(json["fhirPackages"].size() == 1);
        CHECK(json["fhirPackages"][0]["id"] == "example.fhir.test");
        CHECK(json["fhirPackages"][0]["version"] == "1.2.3");
        SUBCASE("installing again replaces it in place") {
            CHECK(run_healthdoc({"packages", "install", (dir / "pkg.tgz").string(), "--package-cache", cache}).exit_code == 0);
            std::size_t entries = 0;
            for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "cache")) ++entries;
            CHECK(entries == 1);
        }
    }
    SUBCASE("install from a file:// URL, with the cache from the environment") {
        auto r = run_healthdoc({"packages", "install", "file://" + (dir / "pkg.tgz").string()}, "",
                               {"HEALTHDOC_PACKAGE_CACHE=" + cache});
        CHECK(r.exit_code == 0);
        CHECK(fs::exists(dir / "cache" / "example.fhir.test#1.2.3"));
    }
    SUBCASE("a hostile archive is refused and leaves nothing behind") {
        write_file(dir / "evil.tgz", make_archive("tgz", {{"package/package.json", k_manifest, ""},
                                                          {"../../escaped.txt", "boom", ""}}));
        auto r = run_healthdoc({"packages", "install", (dir / "evil.tgz").string(), "--package-cache", cache});
        CHECK(r.exit_code == 2);
        CHECK_FALSE(fs::exists(dir / "escaped.txt"));
        CHECK(run_healthdoc({"packages", "list", "--package-cache", cache}).out.find("example.fhir.test") == std::string::npos);
    }
    SUBCASE("a missing file is a usage error; an unreachable server a transport error") {
        CHECK(run_healthdoc({"packages", "install", "file:///nonexistent/x.tgz", "--package-cache", cache}).exit_code == 2);
        auto r = run_healthdoc({"packages", "install", "http://127.0.0.1:1/x.tgz", "--package-cache", cache});
        CHECK(r.exit_code == 3);
    }
}

TEST_CASE("cli::packages_cda_rules") {
    TempDir dir;
    auto rules = (dir / "rules").string();
    write_file(dir / "mypack" / "schemas" / "CDA.xsd", "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'/>");
    write_file(dir / "mypack" / "rules.sch", "<schema xmlns='http://purl.oclc.org/dsdl/schematron'/>");
    SUBCASE("a folder") {
        auto r = run_healthdoc({"packages", "install", (dir / "mypack").string(), "--rules-dir", rules});
        CHECK(r.exit_code == 0);
        CHECK(fs::exists(dir / "rules" / "mypack" / "schemas" / "CDA.xsd"));
        auto list = run_healthdoc({"packages", "list", "--format", "json", "--rules-dir", rules, "--package-cache",
                                   (dir / "cache").string()});
        auto json = nlohmann::json::parse(list.out);
        REQUIRE(json["cdaRulesPacks"].size() == 1);
        CHECK(json["cdaRulesPacks"][0]["schemas"] == 1);
        CHECK(json["cdaRulesPacks"][0]["schematrons"] == 1);
        CHECK(json["cdaRulesPacks"][0]["kind"] == "other");
    }
    SUBCASE("a zip wrapping everything in one top folder") {
        write_file(dir / "kit.zip", make_archive("zip", {{"kit-1.0/infrastructure/cda/CDA_extended.xsd", "<x/>", ""},
                                                         {"kit-1.0/README", "read me", ""}}));
        auto r = run_healthdoc({"packages", "install", (dir / "kit.zip").string(), "--name", "ans", "--rules-dir", rules});
        CHECK(r.exit_code == 0);
        CHECK(fs::exists(dir / "rules" / "ans" / "infrastructure" / "cda" / "CDA_extended.xsd"));
        auto list = run_healthdoc({"packages", "list", "--rules-dir", rules, "--package-cache", (dir / "cache").string()});
        CHECK(list.out.find("ANS CI-SIS kit") != std::string::npos);
    }
    SUBCASE("a folder that is not a pack") {
        write_file(dir / "empty" / "notes.txt", "nothing");
        CHECK(run_healthdoc({"packages", "install", (dir / "empty").string(), "--rules-dir", rules}).exit_code == 2);
    }
}

TEST_CASE("cli::packages_ans_kit_drives_validate") {
    auto kit = REQUIRE_SHARED("reference/cda/ans-testcontenucda");
    if (!kit) return;
    TempDir dir;
    auto rules = (dir / "rules").string();
    CHECK(run_healthdoc({"packages", "install", kit->string(), "--name", "ans-cisis", "--rules-dir", rules}).exit_code == 0);
    // With the kit installed, validate uses its CDA_extended.xsd without being told.
    write_file(dir / "bad.xml", "<ClinicalDocument xmlns='urn:hl7-org:v3'><frobnicate/></ClinicalDocument>");
    auto r = run_healthdoc({"validate", (dir / "bad.xml").string()}, "", {"HEALTHDOC_RULES_DIR=" + rules});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("[cda.schema.") != std::string::npos);
    CHECK(r.out.find("cda.schema.skipped") == std::string::npos);
}
