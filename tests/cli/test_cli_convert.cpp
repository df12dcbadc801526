#include "formats/base64.hpp"
#include "formats/hash.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sys/wait.h>

namespace fs = std::filesystem;
using healthdoc::test::read_file;
using healthdoc::test::run_healthdoc;
using healthdoc::test::source_path;
using healthdoc::test::TempDir;
using healthdoc::test::write_file;

namespace {

const std::string k_xsd = "reference/cda/ans-testcontenucda/infrastructure/cda/CDA_extended.xsd";

std::string example_pdf() { return source_path("examples/n1/report.pdf").string(); }
std::string example_metadata() { return source_path("examples/n1/report.metadata.json").string(); }

// The rules of every finding of the first document of a JSON report.
std::vector<std::string> rules_of(const std::string& json_report) {
    std::vector<std::string> rules;
    auto report = nlohmann::json::parse(json_report);
    for (const auto& d : report["documents"][0]["diagnostics"]) rules.push_back(d["rule"].get<std::string>());
    return rules;
}

// The base64 content of the nonXMLBody, decoded.
std::string body_of(const std::string& document) {
    std::smatch m;
    REQUIRE(std::regex_search(document, m, std::regex(R"(representation="B64">([^<]*)<)")));
    auto decoded = healthdoc::formats::base64_decode(m[1].str());
    REQUIRE(decoded);
    return *decoded;
}

nlohmann::json xds_of(const std::string& document_path) {
    auto r = run_healthdoc({"inspect", "-q", "--format", "json", document_path});
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out)["documents"][0]["details"];
}

} // namespace

TEST_CASE("cli::convert") {
    TempDir dir;
    const auto out = (dir / "report.xml").string();

    SUBCASE("--help") {
        auto r = run_healthdoc({"convert", "--help"});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("--metadata") != std::string::npos);
        CHECK(r.out.find("--replaces") != std::string::npos);
    }
    SUBCASE("PDF to CDA N1: same bytes, metadata back through inspect") {
        auto r = run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", example_metadata(), "-o", out});
        CHECK(r.exit_code == 0);
        REQUIRE(fs::exists(out));
        auto document = read_file(out);
        auto pdf = read_file(example_pdf());
        CHECK(body_of(document) == pdf);
        CHECK(healthdoc::formats::sha1_hex(body_of(document)) == healthdoc::formats::sha1_hex(pdf));
        auto details = xds_of(out);
        auto xds = details["xds"];
        CHECK(details["document"]["versionNumber"] == "1");
        CHECK(details["document"]["templateIds"].size() == 3);
        CHECK(xds["patientId"] == "184057505612340^^^&1.2.250.1.213.1.4.10&ISO^NH");
        CHECK(xds["authorPerson"][0] == "810001234565^MEDECIN^Claire^^^MME^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS");
        CHECK(xds["typeCode"]["code"] == "11488-4");
        CHECK(xds["title"] == "Compte rendu de consultation");
        CHECK(xds["healthcareFacilityTypeCode"]["code"] == "SA07");
        CHECK(xds["practiceSettingCode"]["code"] == "AMBULATOIRE");
        CHECK(xds["serviceStartTime"] == "20240115083000");
        CHECK(xds["serviceStopTime"] == "20240115090000");
        CHECK(xds["formatCode"]["code"] == "urn:ihe:iti:xds-sd:pdf:2008");
    }
    SUBCASE("the output validates against the ANS schema with zero errors") {
        auto xsd = REQUIRE_SHARED(k_xsd);
        if (!xsd) return;
        REQUIRE(run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", example_metadata(), "-o", out})
                    .exit_code == 0);
        auto r = run_healthdoc({"validate", "-q", "--format", "json", "--schemas", xsd->string(), out});
        CHECK(r.exit_code == 0);
        auto report = nlohmann::json::parse(r.out);
        for (const auto& d : report["documents"][0]["diagnostics"]) CHECK_MESSAGE(d["severity"] != "error", d.dump());
    }
    SUBCASE("the output passes the kit's official schematrons (header layer included) with zero errors") {
        auto xsd = REQUIRE_SHARED(k_xsd);
        auto kit = REQUIRE_SHARED("reference/cda/ans-testcontenucda");
        if (!xsd || !kit) return;
        REQUIRE(run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", example_metadata(), "-o", out})
                    .exit_code == 0);
        auto r = run_healthdoc({"validate", "-q", "--format", "json", "--rules", "all", "--rules-pack", kit->string(),
                                "--schemas", xsd->string(), out});
        CHECK(r.exit_code == 0);
        auto report = nlohmann::json::parse(r.out);
        for (const auto& d : report["documents"][0]["diagnostics"]) CHECK_MESSAGE(d["severity"] != "error", d.dump());
        // The official header layer ran: it says once which of its checks the kit cannot feed.
        CHECK(r.out.find("cda.schematron.not-evaluated") != std::string::npos);
    }
    SUBCASE("a missing required field: exit 1, the field named, nothing written") {
        auto metadata = nlohmann::json::parse(read_file(example_metadata()));
        metadata["patient"]["ins"].erase("nir");
        write_file(dir / "meta.json", metadata.dump());
        auto r = run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", (dir / "meta.json").string(),
                                "-o", out, "--format", "json"});
        CHECK(r.exit_code == 1);
        CHECK_FALSE(fs::exists(out));
        auto diagnostics = nlohmann::json::parse(r.out)["documents"][0]["diagnostics"];
        REQUIRE(diagnostics.size() == 1);
        CHECK(diagnostics[0]["rule"] == "cda.n1.missing-field");
        CHECK(diagnostics[0]["location"]["path"] == "patient.ins.nir");
        auto text = run_healthdoc(
            {"convert", example_pdf(), "--to", "cda", "--metadata", (dir / "meta.json").string(), "-o", out});
        CHECK(text.out.find("patient.ins.nir") != std::string::npos);
        CHECK(text.out.find("[cda.n1.missing-field]") != std::string::npos);
    }
    SUBCASE("a PDF without PDF/A declaration: warning, document written") {
        write_file(dir / "plain.pdf", "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n");
        auto r = run_healthdoc({"convert", (dir / "plain.pdf").string(), "--to", "cda", "--metadata",
                                example_metadata(), "-o", out, "--format", "json"});
        CHECK(r.exit_code == 0);
        CHECK(fs::exists(out));
        CHECK(rules_of(r.out) == std::vector<std::string>{"cda.n1.not-pdfa"});
    }
    SUBCASE("to standard output: the document on stdout, the report on stderr") {
        auto r =
            run_healthdoc({"convert", "-", "--to", "cda", "--metadata", example_metadata()}, read_file(example_pdf()));
        CHECK(r.exit_code == 0);
        CHECK(r.out.rfind("<?xml", 0) == 0);
        CHECK(body_of(r.out) == read_file(example_pdf()));
        CHECK(r.err.find("0 errors") != std::string::npos);
    }
    SUBCASE("options fill and override metadata fields") {
        auto metadata = nlohmann::json::parse(read_file(example_metadata()));
        metadata["document"].erase("title");
        write_file(dir / "meta.json", metadata.dump());
        auto r = run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", (dir / "meta.json").string(),
                                "-o", out, "--title", "Titre en option", "--document-id", "1.2.250.1.999^ABC"});
        CHECK(r.exit_code == 0);
        auto details = xds_of(out);
        CHECK(details["xds"]["title"] == "Titre en option");
        CHECK(details["xds"]["uniqueId"] == "1.2.250.1.999^ABC");
    }
    SUBCASE("replacement with --previous: RPLC, same setId, next version") {
        auto first = (dir / "v1.xml").string();
        REQUIRE(run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", example_metadata(), "-o", first})
                    .exit_code == 0);
        auto v1 = xds_of(first)["document"];
        auto replaced_id = v1["id"]["root"].get<std::string>() + "^" + v1["id"]["extension"].get<std::string>();
        auto r = run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", example_metadata(), "-o", out,
                                "--replaces", replaced_id, "--previous", first});
        CHECK(r.exit_code == 0);
        auto v2 = xds_of(out);
        CHECK(v2["document"]["setId"] == v1["setId"]);
        CHECK(v2["document"]["versionNumber"] == "2");
        CHECK(v2["document"]["id"] != v1["id"]);
        CHECK(v2["xds"]["replaces"][0] == replaced_id);
        auto document = read_file(out);
        CHECK(document.find("<relatedDocument typeCode=\"RPLC\">") != std::string::npos);
        auto mismatch = run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", example_metadata(), "-o",
                                       (dir / "bad.xml").string(), "--replaces", "1.2.3^OTHER", "--previous", first,
                                       "--format", "json"});
        CHECK(mismatch.exit_code == 1);
        CHECK(rules_of(mismatch.out) == std::vector<std::string>{"cda.n1.replaces-mismatch"});
        CHECK_FALSE(fs::exists(dir / "bad.xml"));
    }
    SUBCASE("replacement with --set-id and --previous-version") {
        auto r = run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", example_metadata(), "-o", out,
                                "--replaces", "1.2.3^OLD", "--set-id", "1.2.3^SET", "--previous-version", "4"});
        CHECK(r.exit_code == 0);
        auto document = xds_of(out)["document"];
        CHECK(document["setId"]["extension"] == "SET");
        CHECK(document["versionNumber"] == "5");
        auto missing = run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", example_metadata(), "-o",
                                      out, "--replaces", "1.2.3^OLD", "--format", "json"});
        CHECK(missing.exit_code == 1);
        CHECK(missing.out.find("replaces.setId") != std::string::npos);
    }
    SUBCASE("inputs an N1 body cannot carry, and unfinished targets, exit 2") {
        auto cda = run_healthdoc({"convert", source_path("tests/data/formats/header.cda.xml").string(), "--to", "cda",
                                  "--metadata", example_metadata(), "-o", out});
        CHECK(cda.exit_code == 2);
        CHECK(cda.out.find("cda.n1.unsupported-media") != std::string::npos);
        CHECK_FALSE(fs::exists(out));
        for (const char* target : {"mhd", "xds", "fhir-json", "fhir-xml"})
            CHECK(run_healthdoc({"convert", example_pdf(), "--to", target}).exit_code == 2);
        CHECK(run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", "no-such.json"}).exit_code == 2);
    }
    SUBCASE("malformed metadata JSON is a finding, not a crash") {
        write_file(dir / "meta.json", "{\"patient\": [");
        auto r = run_healthdoc({"convert", example_pdf(), "--to", "cda", "--metadata", (dir / "meta.json").string(),
                                "-o", out, "--format", "json"});
        CHECK(r.exit_code == 1);
        CHECK(rules_of(r.out) == std::vector<std::string>{"json.syntax.invalid"});
        CHECK_FALSE(fs::exists(out));
    }
}

TEST_CASE("cli::examples_n1_script_runs") {
    TempDir dir;
    std::string command = "HEALTHDOC=" + healthdoc::test::healthdoc_binary() + " OUT=" + dir.path().string() + " " +
                          source_path("examples/n1/make-n1.sh").string() + " > " + (dir / "out.txt").string() + " 2>&1";
    int status = std::system(command.c_str());
    INFO(read_file(dir / "out.txt"));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(fs::exists(dir / "report.cda.xml"));
}
