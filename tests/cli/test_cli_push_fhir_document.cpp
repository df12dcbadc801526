// `healthdoc push` and `convert --to mhd|xds` on a FHIR document Bundle (type document): wrapped
// like a CDA document (MHD "FHIR Document Publish" option, or XDS.b with the JSON as the
// document), against the sandbox on 127.0.0.1.
#include "formats/hash.hpp"
#include "tests/cli/push_fixtures.hpp"

#include <regex>

using namespace healthdoc;
using namespace healthdoc::test;
using Json = nlohmann::json;

namespace {

const std::string k_document_id = "1.2.250.1.999.1.1.20240115.2";

std::string fhir_document() { return read_file(source_path("examples/fhir/consultation-note.json")); }

// The example with another Bundle.identifier (a distinct document id).
std::string fhir_document_with_id(const std::string& id) {
    return std::regex_replace(fhir_document(), std::regex("urn:oid:1\\.2\\.250\\.1\\.999\\.1\\.1\\.20240115\\.2"),
                              "urn:oid:" + id);
}

std::vector<std::string> push_args(const std::string& endpoint, const std::string& transport, const TempDir& dir,
                                   std::vector<std::string> more) {
    // What a FHIR document cannot give: contentTypeCode, classCode (no ASS_X04 table) and the
    // practice setting (no FHIR element carries it).
    std::vector<std::string> args{"push",
                                  "--transport",
                                  transport,
                                  "--content-type-code",
                                  "04",
                                  "--class-code",
                                  "11",
                                  "--practice-setting",
                                  "AMBULATOIRE",
                                  "--ledger",
                                  (dir / "ledger.sqlite").string(),
                                  "--format",
                                  "json",
                                  "-q"};
    if (endpoint.empty()) {
        args.push_back("--dry-run");
        args.insert(args.end(), {"--endpoint", "http://127.0.0.1:9/fhir"});
    } else {
        args.insert(args.end(), {"--endpoint", endpoint});
    }
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

Json report_of(const RunResult& r) {
    auto parsed = Json::parse(r.out, nullptr, false);
    REQUIRE_MESSAGE(!parsed.is_discarded(), r.out << r.err);
    return parsed;
}

std::set<std::string> rules_in(const Json& report) {
    std::set<std::string> rules;
    for (const auto& document : report["documents"])
        for (const auto& diagnostic : document["diagnostics"]) rules.insert(diagnostic["rule"].get<std::string>());
    return rules;
}

} // namespace

TEST_CASE("cli::push_fhir_document_over_mhd") {
    TempDir dir;
    RunningSandbox sandbox(sandbox_settings(dir));
    write_file(dir / "note.json", fhir_document());
    auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir,
                                     {"--save-payloads", (dir / "sent").string(), (dir / "note.json").string()}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    CHECK(report_of(r)["documents"][0]["details"]["outcome"] == "accepted");

    auto found = sandbox.search("identifier=urn:oid:" + k_document_id);
    REQUIRE(found["total"] == 1);
    const Json& reference = found["entry"][0]["resource"];
    CHECK(reference["type"]["coding"][0]["code"] == "11488-4");
    CHECK(reference["category"][0]["coding"][0]["code"] == "11");
    CHECK(reference["securityLabel"][0]["coding"][0]["code"] == "N");
    CHECK(reference["subject"]["reference"] == "Patient?identifier=urn:oid:1.2.250.1.213.1.4.10|279035121518989");
    CHECK(reference["context"]["facilityType"]["coding"][0]["code"] == "SA07"); // from the Encounter's Location
    CHECK(reference["context"]["practiceSetting"]["coding"][0]["code"] == "AMBULATOIRE");
    CHECK(reference["context"]["period"]["start"] == "2024-01-15T10:00:00+01:00");
    const Json& attachment = reference["content"][0]["attachment"];
    CHECK(attachment["contentType"] == "application/fhir+json");
    CHECK(attachment["creation"] == "2024-01-15T10:30:00+01:00");
    CHECK_FALSE(attachment.contains("hash")); // MHD: absent for a FHIR document of the transaction
    CHECK(reference["content"][0]["format"]["code"] == "urn:ihe:iti:xds:2017:mimeTypeSufficient");
    bool legal = false;
    for (const auto& contained : reference["contained"])
        if (contained["resourceType"] == "Practitioner" && contained["id"] == "authenticator-practitioner")
            legal = contained["identifier"][0]["value"] == "810001234565";
    CHECK(legal);

    // The document travels as a Bundle entry, written as its author wrote it (13.50 stays 13.50).
    std::string sent;
    for (const auto& file : std::filesystem::directory_iterator(dir / "sent")) sent = read_file(file.path());
    CHECK(sent.find("\"value\": 13.50") != std::string::npos);
    Json transaction = Json::parse(sent);
    CHECK(transaction["entry"][2]["request"]["url"] == "Bundle");
    CHECK(transaction["entry"][2]["fullUrl"] == transaction["entry"][1]["resource"]["content"][0]["attachment"]["url"]);

    auto stored = Json::parse(sandbox.retrieve(attachment["url"].get<std::string>()));
    CHECK(stored == Json::parse(fhir_document()));

    auto again = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "note.json").string()}));
    CHECK(again.exit_code == 0);
    CHECK(report_of(again)["documents"][0]["details"]["outcome"] == "already-accepted");
    CHECK(sandbox.search("identifier=urn:oid:" + k_document_id)["total"] == 1);
}

TEST_CASE("cli::push_fhir_document_over_xds") {
    TempDir dir;
    RunningSandbox sandbox(sandbox_settings(dir));
    write_file(dir / "note.json", fhir_document());
    auto r = run_healthdoc(push_args(sandbox.xds(), "xds", dir, {(dir / "note.json").string()}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    auto found = sandbox.search("identifier=urn:oid:" + k_document_id);
    REQUIRE(found["total"] == 1);
    const Json& attachment = found["entry"][0]["resource"]["content"][0]["attachment"];
    CHECK(attachment["contentType"] == "application/fhir+json");
    // Over XDS.b the document is the file's bytes, hashed and sized as they are.
    auto bytes = sandbox.retrieve(attachment["url"].get<std::string>());
    CHECK(bytes == fhir_document());
    CHECK(formats::sha1_hex(bytes) == formats::sha1_hex(fhir_document()));
}

TEST_CASE("cli::push_fhir_document_replacement") {
    TempDir dir;
    RunningSandbox sandbox(sandbox_settings(dir));
    write_file(dir / "v1.json", fhir_document());
    // Version 2 replaces version 1 (Composition.relatesTo replaces, by the document id).
    auto v2 = Json::parse(fhir_document_with_id("1.2.250.1.999.1.1.20240115.20"));
    v2["entry"][0]["resource"]["relatesTo"] = Json::array(
        {Json{{"code", "replaces"},
              {"targetIdentifier", {{"system", "urn:ietf:rfc:3986"}, {"value", "urn:oid:" + k_document_id}}}}});
    write_file(dir / "v2.json", v2.dump(2));
    REQUIRE(run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "v1.json").string()})).exit_code == 0);
    auto r = run_healthdoc(push_args(sandbox.fhir(), "mhd", dir, {(dir / "v2.json").string()}));
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    CHECK(sandbox.search("identifier=urn:oid:" + k_document_id)["entry"][0]["resource"]["status"] == "superseded");
    CHECK(sandbox.search("identifier=urn:oid:1.2.250.1.999.1.1.20240115.20")["entry"][0]["resource"]["status"] ==
          "current");
}

TEST_CASE("cli::push_fhir_document_problems") {
    TempDir dir;
    SUBCASE("a document without an INS is not sent, and the message names the Composition") {
        auto document = Json::parse(fhir_document());
        document["entry"][1]["resource"]["identifier"][0]["system"] = "urn:oid:1.2.250.1.999.7";
        write_file(dir / "no-ins.json", document.dump());
        auto r = run_healthdoc(push_args("", "mhd", dir, {(dir / "no-ins.json").string()}));
        CHECK(r.exit_code == 1);
        CHECK(rules_in(report_of(r)).count("push.mhd.missing-patientId") == 1);
        CHECK(r.out.find("Composition.subject") != std::string::npos);
    }
    SUBCASE("a document Bundle without a Composition first") {
        write_file(dir / "empty.json", R"({"resourceType": "Bundle", "type": "document", "entry": []})");
        auto r = run_healthdoc(push_args("", "mhd", dir, {(dir / "empty.json").string()}));
        CHECK(r.exit_code == 2);
        CHECK(rules_in(report_of(r)).count("fhir.document.no-composition") == 1);
    }
    SUBCASE("a reference that points outside the Bundle is said, and what it named is missing") {
        auto document = Json::parse(fhir_document());
        document["entry"][0]["resource"]["custodian"]["reference"] = "Organization/elsewhere";
        write_file(dir / "outside.json", document.dump());
        auto r = run_healthdoc(push_args("", "mhd", dir, {(dir / "outside.json").string()}));
        CHECK(r.exit_code == 1);
        auto rules = rules_in(report_of(r));
        CHECK(rules.count("fhir.document.unresolved-reference") == 1);
        CHECK(rules.count("push.mhd.missing-custodian") == 1);
    }
    SUBCASE("--practice-setting must be a code of its value set") {
        write_file(dir / "note.json", fhir_document());
        auto args = push_args("", "mhd", dir, {(dir / "note.json").string()});
        for (auto& arg : args)
            if (arg == "AMBULATOIRE") arg = "NOT-A-SETTING";
        auto r = run_healthdoc(args);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("JDV_J04") != std::string::npos);
    }
}

TEST_CASE("cli::convert_fhir_document_to_payloads") {
    TempDir dir;
    write_file(dir / "note.json", fhir_document());
    auto r = run_healthdoc({"convert", (dir / "note.json").string(), "--to", "xds", "--content-type-code", "04",
                            "--class-code", "11", "--practice-setting", "AMBULATOIRE", "-o",
                            (dir / "request.xml").string(), "-q"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    auto request = read_file(dir / "request.xml");
    CHECK(request.find("mimeType=\"application/fhir+json\"") != std::string::npos);
    CHECK(request.find("urn:ihe:iti:xds:2017:mimeTypeSufficient") != std::string::npos);
    CHECK(request.find(formats::sha1_hex(fhir_document())) != std::string::npos);
}

TEST_CASE("cli::push_fhir_xml_document") {
    // A FHIR XML document is read with the core package; XDS.b sends its XML bytes as they are.
    auto cache = REQUIRE_SHARED("reference/fhir/packages");
    if (!cache) return;
    TempDir dir;
    RunningSandbox sandbox(sandbox_settings(dir));
    write_file(dir / "note.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<Bundle xmlns="http://hl7.org/fhir">
  <identifier><system value="urn:ietf:rfc:3986"/><value value="urn:oid:1.2.250.1.999.1.1.20240115.2"/></identifier>
  <type value="document"/>
  <entry><fullUrl value="urn:uuid:7b0c1f4e-2a3d-4e5f-8a9b-0c1d2e3f4a01"/><resource><Composition>
    <language value="fr-FR"/><status value="final"/>
    <type><coding><system value="http://loinc.org"/><code value="11488-4"/></coding></type>
    <subject><reference value="urn:uuid:7b0c1f4e-2a3d-4e5f-8a9b-0c1d2e3f4a02"/></subject>
    <date value="2024-01-15T10:30:00+01:00"/>
    <author><reference value="urn:uuid:7b0c1f4e-2a3d-4e5f-8a9b-0c1d2e3f4a03"/></author>
    <title value="Note de consultation"/><confidentiality value="N"/>
    <attester><mode value="legal"/><time value="2024-01-15T11:00:00+01:00"/>
      <party><reference value="urn:uuid:7b0c1f4e-2a3d-4e5f-8a9b-0c1d2e3f4a03"/></party></attester>
    <custodian><reference value="urn:uuid:7b0c1f4e-2a3d-4e5f-8a9b-0c1d2e3f4a04"/></custodian>
    <event><period><start value="2024-01-15T10:00:00+01:00"/></period></event>
  </Composition></resource></entry>
  <entry><fullUrl value="urn:uuid:7b0c1f4e-2a3d-4e5f-8a9b-0c1d2e3f4a02"/><resource><Patient>
    <identifier><system value="urn:oid:1.2.250.1.213.1.4.10"/><value value="279035121518989"/></identifier>
    <name><family value="EXEMPLE"/><given value="CAMILLE"/></name><gender value="female"/><birthDate value="1979-03-28"/>
  </Patient></resource></entry>
  <entry><fullUrl value="urn:uuid:7b0c1f4e-2a3d-4e5f-8a9b-0c1d2e3f4a03"/><resource><Practitioner>
    <identifier><system value="urn:oid:1.2.250.1.71.4.2.1"/><value value="810001234565"/></identifier>
    <name><family value="MEDECIN"/><given value="ALEX"/></name>
  </Practitioner></resource></entry>
  <entry><fullUrl value="urn:uuid:7b0c1f4e-2a3d-4e5f-8a9b-0c1d2e3f4a04"/><resource><Organization>
    <identifier><system value="urn:oid:1.2.250.1.71.4.2.2"/><value value="1750001232"/></identifier>
    <name value="Cabinet du Dr Medecin"/>
  </Organization></resource></entry>
</Bundle>
)");
    std::vector<std::string> env{"HEALTHDOC_PACKAGE_CACHE=" + cache->string()};
    auto r = run_healthdoc(
        push_args(sandbox.xds(), "xds", dir, {"--facility-type", "SA07", (dir / "note.xml").string()}), "", env);
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    auto found = sandbox.search("identifier=urn:oid:" + k_document_id);
    REQUIRE(found["total"] == 1);
    const Json& attachment = found["entry"][0]["resource"]["content"][0]["attachment"];
    CHECK(attachment["contentType"] == "application/fhir+xml");
    CHECK(sandbox.retrieve(attachment["url"].get<std::string>()) == read_file(dir / "note.xml"));
    // Over MHD the same document would travel as JSON; the server already holds these very bytes
    // (stored over XDS.b, same SHA-1), so it is recognised and not stored twice.
    auto mhd = run_healthdoc(
        push_args(sandbox.fhir(), "mhd", dir, {"--facility-type", "SA07", (dir / "note.xml").string()}), "", env);
    CHECK_MESSAGE(mhd.exit_code == 0, mhd.out);
    CHECK(report_of(mhd)["documents"][0]["details"]["outcome"] == "found-on-server");
    CHECK(sandbox.search("identifier=urn:oid:" + k_document_id)["total"] == 1);
}
