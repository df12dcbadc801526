// The sandbox over real sockets on 127.0.0.1 with real SQLite files: MHD, XDS.b, restart, auth.
#include "sandbox/server.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/sandbox/sandbox_requests.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

using healthdoc::sandbox::SandboxServer;
using healthdoc::sandbox::SandboxSettings;
using healthdoc::test::MhdRequest;
using healthdoc::test::TempDir;
using healthdoc::test::XdsRequest;
using Json = nlohmann::json;

namespace {

SandboxSettings settings_for(const TempDir& dir) {
    SandboxSettings settings;
    settings.database = dir / "sandbox.sqlite";
    return settings;
}

httplib::Result post_bundle(httplib::Client& client, const std::string& bundle) {
    return client.Post("/fhir", bundle, "application/fhir+json");
}

httplib::Result post_xds(httplib::Client& client, const XdsRequest& request) {
    auto [type, body] = healthdoc::test::xds_request(request);
    return client.Post("/xds/repository", body, type);
}

Json search(httplib::Client& client, const std::string& query) {
    auto res = client.Get("/fhir/DocumentReference?" + query);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return Json::parse(res->body);
}

} // namespace

TEST_CASE("sandbox::mhd") {
    TempDir dir;
    SandboxServer server(settings_for(dir));
    server.start();
    REQUIRE(server.port() > 0);
    CHECK(server.fhir_base() == "http://127.0.0.1:" + std::to_string(server.port()) + "/fhir");
    httplib::Client client("127.0.0.1", server.port());
    MhdRequest request;

    SUBCASE("provide, search, read and retrieve") {
        auto res = post_bundle(client, mhd_bundle(request));
        REQUIRE(res);
        REQUIRE(res->status == 200);
        auto response = Json::parse(res->body);
        CHECK(response["type"] == "transaction-response");
        REQUIRE(response["entry"].size() == 3);
        CHECK(response["entry"][1]["response"]["status"] == "201 Created");
        std::string location = response["entry"][1]["response"]["location"];
        REQUIRE(location.rfind("DocumentReference/", 0) == 0);
        std::string id = location.substr(18, location.find('/', 18) - 18);
        CHECK(response["entry"][2]["response"]["location"] == "Binary/" + id + "/_history/1");

        auto by_patient = search(client, "patient.identifier=urn:oid:1.2.250.1.213.1.4.8%7C248000000000001");
        CHECK(by_patient["type"] == "searchset");
        CHECK(by_patient["total"] == 1);
        CHECK(by_patient["entry"][0]["search"]["mode"] == "match");
        CHECK(search(client, "patient.identifier=248000000000001")["total"] == 1);
        CHECK(search(client, "patient.identifier=urn:oid:9.9%7C248000000000001")["total"] == 0);
        CHECK(search(client, "masterIdentifier=urn:oid:1.2.250.1.999.1.1")["total"] == 1);
        CHECK(search(client, "identifier=urn:ietf:rfc:3986%7Curn:oid:1.2.250.1.999.1.1&status=current")["total"] == 1);
        CHECK(search(client, "_id=" + id)["total"] == 1);

        auto read = client.Get("/fhir/DocumentReference/" + id);
        REQUIRE(read);
        CHECK(read->status == 200);
        auto doc = Json::parse(read->body);
        std::string url = doc["content"][0]["attachment"]["url"];
        CHECK(url == server.fhir_base() + "/Binary/" + id);

        auto binary = client.Get("/fhir/Binary/" + id);
        REQUIRE(binary);
        CHECK(binary->status == 200);
        CHECK(binary->body == request.content);
        CHECK(binary->get_header_value("Content-Type") == "application/pdf");
        auto as_resource = client.Get("/fhir/Binary/" + id, {{"Accept", "application/fhir+json"}});
        REQUIRE(as_resource);
        CHECK(Json::parse(as_resource->body)["data"] == healthdoc::formats::base64_encode(request.content));
        CHECK(client.Get("/fhir/Binary/unknown")->status == 404);
        CHECK(client.Get("/fhir/metadata")->status == 200);
    }
    SUBCASE("wrong hash is refused with an OperationOutcome naming the path") {
        request.hash = healthdoc::formats::base64_encode(healthdoc::formats::sha1_raw("other bytes"));
        auto res = post_bundle(client, mhd_bundle(request));
        REQUIRE(res);
        CHECK(res->status == 422);
        auto outcome = Json::parse(res->body);
        CHECK(outcome["resourceType"] == "OperationOutcome");
        CHECK(outcome["issue"][0]["severity"] == "error");
        CHECK(outcome["issue"][0]["expression"][0] == "Bundle.entry[1].resource.content[0].attachment.hash");
        CHECK(server.registry().count() == 0);
    }
    SUBCASE("wrong size, bad JSON, wrong type, wrong content type") {
        request.size = 3;
        CHECK(post_bundle(client, mhd_bundle(request))->status == 422);
        CHECK(post_bundle(client, "{not json")->status == 400);
        CHECK(post_bundle(client, R"({"resourceType":"Bundle","type":"document","entry":[]})")->status == 400);
        CHECK(client.Post("/fhir", "<Bundle/>", "application/fhir+xml")->status == 415);
        CHECK(server.registry().count() == 0);
    }
    SUBCASE("conditional subject reference and duplicate masterIdentifier") {
        request.conditional_subject = true;
        CHECK(post_bundle(client, mhd_bundle(request))->status == 200);
        CHECK(search(client, "patient.identifier=urn:oid:1.2.250.1.213.1.4.8%7C248000000000001")["total"] == 1);
        auto again = post_bundle(client, mhd_bundle(request));
        CHECK(again->status == 409);
        CHECK(Json::parse(again->body)["issue"][0]["code"] == "duplicate");
        CHECK(server.registry().count() == 1);
    }
    SUBCASE("replacement supersedes the old document") {
        auto first = Json::parse(post_bundle(client, mhd_bundle(request))->body);
        std::string location = first["entry"][1]["response"]["location"];
        std::string old_id = location.substr(18, location.find('/', 18) - 18);
        MhdRequest replacement;
        replacement.master = "urn:oid:1.2.250.1.999.1.2";
        replacement.content = "%PDF-1.4 version 2\n";
        replacement.replaces = old_id;
        CHECK(post_bundle(client, mhd_bundle(replacement))->status == 200);
        CHECK(search(client, "patient.identifier=248000000000001&status=current")["total"] == 1);
        auto superseded = search(client, "status=superseded");
        REQUIRE(superseded["total"] == 1);
        CHECK(superseded["entry"][0]["resource"]["id"] == old_id);
        replacement.master = "urn:oid:1.2.250.1.999.1.3";
        replacement.replaces = "no-such-document";
        CHECK(post_bundle(client, mhd_bundle(replacement))->status == 422);
    }
    SUBCASE("unknown search parameter") {
        CHECK(client.Get("/fhir/DocumentReference?frobnicate=1")->status == 400);
    }
}

TEST_CASE("sandbox::xds") {
    TempDir dir;
    SandboxServer server(settings_for(dir));
    server.start();
    httplib::Client client("127.0.0.1", server.port());
    XdsRequest request;
    const std::string success = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success";

    SUBCASE("MTOM request succeeds and is found by ITI-67 and ITI-68") {
        auto res = post_xds(client, request);
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(res->body.find(success) != std::string::npos);
        CHECK(res->body.find("urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse") != std::string::npos);
        CHECK(res->body.find("<wsa:RelatesTo>urn:uuid:11111111-2222-4333-8444-555555555555</wsa:RelatesTo>") != std::string::npos);
        CHECK(res->get_header_value("Content-Type").rfind("multipart/related", 0) == 0);
        auto found = search(client, "patient.identifier=urn:oid:1.2.250.1.213.1.4.8%7C248000000000001");
        REQUIRE(found["total"] == 1);
        auto doc = found["entry"][0]["resource"];
        CHECK(doc["masterIdentifier"]["value"] == "urn:oid:1.2.250.1.999.2.1");
        CHECK(doc["type"]["coding"][0]["code"] == "11488-4");
        CHECK(doc["content"][0]["attachment"]["size"] == request.content.size());
        CHECK(doc["content"][0]["attachment"]["hash"] == healthdoc::formats::base64_encode(healthdoc::formats::sha1_raw(request.content)));
        CHECK(search(client, "masterIdentifier=urn:oid:1.2.250.1.999.2.1")["total"] == 1);
        CHECK(search(client, "masterIdentifier=1.2.250.1.999.2.1")["total"] == 1);
        auto bytes = client.Get("/fhir/Binary/" + doc["id"].get<std::string>());
        REQUIRE(bytes);
        CHECK(bytes->body == request.content);
        CHECK(bytes->get_header_value("Content-Type") == "text/xml");
    }
    SUBCASE("inline base64 document in a plain SOAP request") {
        request.mtom = false;
        auto res = post_xds(client, request);
        REQUIRE(res);
        CHECK(res->body.find(success) != std::string::npos);
        CHECK(res->get_header_value("Content-Type").rfind("application/soap+xml", 0) == 0);
        CHECK(server.registry().count() == 1);
    }
    SUBCASE("wrong size, wrong hash, missing classification") {
        request.size = "5";
        auto res = post_xds(client, request);
        REQUIRE(res);
        CHECK(res->body.find("ResponseStatusType:Failure") != std::string::npos);
        CHECK(res->body.find("XDSNonIdenticalSize") != std::string::npos);
        request.size.reset();
        request.hash = std::string(40, 'a');
        CHECK(post_xds(client, request)->body.find("XDSNonIdenticalHash") != std::string::npos);
        request.hash.reset();
        request.with_type_code = false;
        CHECK(post_xds(client, request)->body.find("XDSRegistryMetadataError") != std::string::npos);
        CHECK(server.registry().count() == 0);
    }
    SUBCASE("malformed envelope is a SOAP fault") {
        auto res = client.Post("/xds/repository", "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">", "application/soap+xml");
        REQUIRE(res);
        CHECK(res->status == 400);
        CHECK(res->body.find("env:Sender") != std::string::npos);
    }
    SUBCASE("RPLC supersedes the replaced entry, duplicates are refused") {
        CHECK(post_xds(client, request)->body.find(success) != std::string::npos);
        CHECK(post_xds(client, request)->body.find("XDSDuplicateUniqueIdInRegistry") != std::string::npos);
        XdsRequest replacement;
        replacement.unique_id = "1.2.250.1.999.2.2";
        replacement.entry_uuid = "urn:uuid:7a3c5b1e-0000-4000-8000-00000000d0c2";
        replacement.replaces = request.entry_uuid;
        CHECK(post_xds(client, replacement)->body.find(success) != std::string::npos);
        CHECK(search(client, "status=superseded&masterIdentifier=urn:oid:1.2.250.1.999.2.1")["total"] == 1);
        CHECK(search(client, "status=current")["total"] == 1);
    }
}

TEST_CASE("sandbox::restart_keeps_documents") {
    TempDir dir;
    {
        SandboxServer server(settings_for(dir));
        server.start();
        httplib::Client client("127.0.0.1", server.port());
        REQUIRE(post_bundle(client, mhd_bundle(MhdRequest{}))->status == 200);
        REQUIRE(post_xds(client, XdsRequest{})->status == 200);
    }
    SandboxServer server(settings_for(dir));
    server.start();
    httplib::Client client("127.0.0.1", server.port());
    CHECK(search(client, "patient.identifier=248000000000001")["total"] == 2);
}

TEST_CASE("sandbox::bearer_token") {
    TempDir dir;
    auto settings = settings_for(dir);
    settings.token = "s3cret-token";
    SandboxServer server(settings);
    server.start();
    httplib::Client client("127.0.0.1", server.port());
    auto missing = client.Get("/fhir/DocumentReference");
    REQUIRE(missing);
    CHECK(missing->status == 401);
    CHECK(missing->get_header_value("WWW-Authenticate").rfind("Bearer", 0) == 0);
    CHECK(Json::parse(missing->body)["resourceType"] == "OperationOutcome");
    CHECK(missing->body.find("s3cret") == std::string::npos);
    auto wrong = client.Get("/fhir/DocumentReference", {{"Authorization", "Bearer s3cret-tokem"}});
    CHECK(wrong->status == 401);
    auto xds = post_xds(client, XdsRequest{});
    CHECK(xds->status == 401);
    CHECK(xds->body.find("env:Fault") != std::string::npos);
    client.set_bearer_token_auth("s3cret-token");
    CHECK(client.Get("/fhir/DocumentReference")->status == 200);
    CHECK(post_bundle(client, mhd_bundle(MhdRequest{}))->status == 200);
}

TEST_CASE("sandbox::reference_examples") {
    auto pdsm = REQUIRE_SHARED("reference/fr/IG-FHIR-PDSM4DMP-EEDS/input/examples");
    if (!pdsm) return;
    TempDir dir;
    SandboxServer server(settings_for(dir));
    server.start();
    httplib::Client client("127.0.0.1", server.port());
    SUBCASE("the ANS PDSm ITI-65 submission example is accepted") {
        auto res = post_bundle(client, healthdoc::test::read_file(*pdsm / "Bundle-example-td2-iti65-lot-soumission.json"));
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(search(client, "patient.identifier=urn:oid:1.2.250.1.213.1.4.8%7C123456789012345")["total"] == 1);
    }
    SUBCASE("the PDSm replacement example needs its target stored") {
        auto res = post_bundle(client, healthdoc::test::read_file(*pdsm / "Bundle-example-td2-1-remplacement.json"));
        REQUIRE(res);
        CHECK(res->status == 422);
        CHECK(Json::parse(res->body)["issue"][0]["details"]["text"] == "XDSUnresolvedReferenceException");
    }
    SUBCASE("the IPF MHD sample's hexadecimal hash is refused with a hint") {
        auto ipf = REQUIRE_SHARED("reference/ihe/ipf-samples/commons/ihe/fhir/r4/mhd/src/test/resources/test.json");
        if (!ipf) return;
        auto res = post_bundle(client, healthdoc::test::read_file(*ipf));
        REQUIRE(res);
        CHECK(res->status == 422);
        CHECK(res->body.find("hexadecimal SHA-1") != std::string::npos);
    }
}

TEST_CASE("sandbox::ipf_submit_objects_request") {
    auto sample = REQUIRE_SHARED("reference/ihe/ipf-samples/commons/ihe/xds/src/test/resources/SubmitObjectsRequest_ebrs30.xml");
    if (!sample) return;
    TempDir dir;
    SandboxServer server(settings_for(dir));
    server.start();
    httplib::Client client("127.0.0.1", server.port());
    std::string submit = healthdoc::test::read_file(*sample);
    if (submit.rfind("<?xml", 0) == 0) submit = submit.substr(submit.find("?>") + 2);
    const std::string content = "IPF sample document";
    auto envelope = [&](const std::string& document) {
        return "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
               "<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb=\"urn:ihe:iti:xds-b:2007\">" +
               submit + document + "</xdsb:ProvideAndRegisterDocumentSetRequest></s:Body></s:Envelope>";
    };
    SUBCASE("without its document: XDSMissingDocument") {
        auto res = client.Post("/xds/repository", envelope(""), "application/soap+xml");
        REQUIRE(res);
        CHECK(res->body.find("XDSMissingDocument") != std::string::npos);
        CHECK(res->body.find("XDSRegistryMetadataError") == std::string::npos);
    }
    SUBCASE("with its document: stored and found by patient and uniqueId") {
        auto res = client.Post("/xds/repository",
                               envelope("<xdsb:Document id=\"Document01\">" + healthdoc::formats::base64_encode(content) + "</xdsb:Document>"),
                               "application/soap+xml");
        REQUIRE(res);
        CHECK(res->body.find("ResponseStatusType:Success") != std::string::npos);
        auto found = search(client, "patient.identifier=urn:oid:1.3.6.1.4.1.21367.2005.3.7%7CSELF-5");
        REQUIRE(found["total"] == 1);
        CHECK(found["entry"][0]["resource"]["masterIdentifier"]["value"] == "urn:oid:1.3.6.1.4.1.21367.2005.3.9999.32");
        CHECK(found["entry"][0]["resource"]["date"] == "2005-12-24");
    }
}
