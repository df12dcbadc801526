// The ITI-41 request healthdoc builds for a CDA document: valid against the XDS.b schema, and
// accepted by the sandbox repository with identical bytes; and the reading of every kind of
// answer a repository may give.
#include "cda/header.hpp"
#include "cda/xds_metadata.hpp"
#include "cda/xsd_schema.hpp"
#include "formats/errors.hpp"
#include "formats/hash.hpp"
#include "formats/xml_document.hpp"
#include "push/xds_message.hpp"
#include "push/xds_submit_request.hpp"
#include "sandbox/registry.hpp"
#include "sandbox/xds_repository.hpp"
#include "tests/support/test_support.hpp"

using namespace healthdoc;

namespace {

struct Mapped {
    std::string bytes;
    cda::XdsDocumentEntry entry;
};

Mapped map(const std::string& bytes) {
    formats::Diagnostics out;
    auto document = formats::parse_xml(formats::SourceText("doc.xml", bytes), out);
    REQUIRE(document);
    auto header = cda::read_header(cda::find_clinical_document(document->root()));
    auto entry = cda::map_xds_metadata(header, bytes, formats::Format::cda, out);
    // What push's --class-code / --format-code give when the ANS tables are not installed.
    if (entry.class_code.code.empty()) entry.class_code = {"10", "1.2.250.1.213.1.1.4.1", "Compte rendu"};
    if (entry.format_code.code.empty()) entry.format_code = {"urn:ihe:pcc:xds-ms:2007", "1.3.6.1.4.1.19376.1.2.3", ""};
    return {bytes, entry};
}

push::XdsSubmissionOptions options() {
    push::XdsSubmissionOptions o;
    o.source_id = "1.2.250.1.999.42";
    o.content_type_code = {"07", "1.2.250.1.213.1.1.4.1", "Consultation externe"};
    return o;
}

std::vector<std::string> documents() {
    std::vector<std::string> found{test::read_file(test::source_path("examples/valid/consultation-note.xml"))};
    if (auto n1 = test::shared_path("reference/cda/ans-testcontenucda/ExemplesCDA/DOC_NON_STRUCTURE_CDA-R2-N1.xml"))
        found.push_back(test::read_file(*n1));
    return found;
}

bool has_rule(const formats::Diagnostics& d, const std::string& rule) {
    for (const auto& item : d.items())
        if (item.rule == rule) return true;
    return false;
}

} // namespace

TEST_CASE("push::xds_request_is_schema_valid") {
    auto schemas = REQUIRE_SHARED("reference/ihe/xds-schemas/schema/v3/XDS.b_DocumentRepository.xsd");
    if (!schemas) return;
    auto schema = cda::XsdSchema::load(*schemas);
    for (const auto& bytes : documents()) {
        auto mapped = map(bytes);
        formats::Diagnostics built;
        auto xml = push::build_provide_and_register(mapped.entry, options(), {bytes, ""}, built);
        CHECK_FALSE(built.has_at_least(formats::Severity::error));
        formats::Diagnostics parse, out;
        auto document = formats::parse_xml(formats::SourceText("pnr.xml", xml), parse);
        REQUIRE(document);
        schema->validate(*document, document->root(), out);
        for (const auto& d : out.items()) INFO(d.location.line << ":" << d.location.column << " " << d.message);
        CHECK(out.empty());
        CHECK(xml.find("urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427") != std::string::npos); // patientId scheme
        CHECK(xml.find(mapped.entry.patient_id.substr(0, 10)) != std::string::npos);
    }
}

TEST_CASE("push::xds_request_missing_metadata_and_replacement") {
    cda::XdsDocumentEntry empty;
    formats::Diagnostics out;
    push::build_provide_and_register(empty, {}, {"x", ""}, out);
    for (const char* rule : {"push.xds.missing-uniqueId", "push.xds.missing-patientId", "push.xds.missing-sourceId",
                             "push.xds.missing-typeCode", "push.xds.missing-contentTypeCode"})
        CHECK_MESSAGE(has_rule(out, rule), rule);
    auto mapped = map(documents().front());
    auto o = options();
    o.replaced_entry_uuid = "urn:uuid:2d4fcb5a-5c4b-4c5a-8f55-7a9f2a0e9f11";
    formats::Diagnostics built;
    auto xml = push::build_provide_and_register(mapped.entry, o, {mapped.bytes, ""}, built);
    CHECK(xml.find("associationType=\"urn:ihe:iti:2007:AssociationType:RPLC\"") != std::string::npos);
    CHECK(xml.find("targetObject=\"urn:uuid:2d4fcb5a-5c4b-4c5a-8f55-7a9f2a0e9f11\"") != std::string::npos);
}

TEST_CASE("push::xds_mtom_request_is_stored_by_the_sandbox") {
    test::TempDir dir;
    sandbox::Registry registry(dir / "registry.sqlite");
    for (const auto& bytes : documents()) {
        auto mapped = map(bytes);
        formats::Diagnostics built;
        auto xml = push::build_provide_and_register(mapped.entry, options(), {"", "doc1@healthdoc"}, built);
        auto message = push::build_iti41_message(
            xml, "doc1@healthdoc", bytes, "http://127.0.0.1/xds/repository",
            "<?xml version=\"1.0\"?><saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\"/>");
        auto answer = sandbox::provide_and_register(registry, message.body, message.content_type);
        formats::Diagnostics read;
        auto registry_answer = push::read_registry_answer(answer.status, answer.content_type, answer.body, read);
        CHECK_MESSAGE(registry_answer.status == push::RegistryAnswer::Status::success, answer.body);
        sandbox::DocumentQuery query;
        query.master_value = mapped.entry.unique_id;
        auto stored = registry.search(query);
        REQUIRE(stored.size() == 1);
        auto full = registry.find(stored[0].id);
        REQUIRE(full);
        CHECK(full->content == bytes);
        CHECK(full->sha1_hex == formats::sha1_hex(bytes));
        // The same again: the registry refuses the duplicate uniqueId, and says so.
        auto again = sandbox::provide_and_register(registry, message.body, message.content_type);
        formats::Diagnostics second;
        auto refused = push::read_registry_answer(again.status, again.content_type, again.body, second);
        CHECK(refused.status == push::RegistryAnswer::Status::failure);
        REQUIRE(refused.errors.size() == 1);
        CHECK(refused.errors[0].code == "XDSDuplicateUniqueIdInRegistry");
        CHECK(has_rule(second, "push.server.XDSDuplicateUniqueIdInRegistry"));
    }
}

TEST_CASE("push::xds_answers") {
    const std::string rs = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0";
    auto envelope = [](const std::string& body) {
        return "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body>" + body +
               "</s:Body></s:Envelope>";
    };
    SUBCASE("failure with its errors") {
        formats::Diagnostics out;
        auto answer = push::read_registry_answer(
            200, "application/soap+xml",
            envelope(
                "<rs:RegistryResponse xmlns:rs='" + rs +
                "' status='urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure'>"
                "<rs:RegistryErrorList><rs:RegistryError errorCode='XDSRegistryMetadataError' codeContext='bad slot' "
                "severity='urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error' location='Document01'/>"
                "</rs:RegistryErrorList></rs:RegistryResponse>"),
            out);
        CHECK(answer.status == push::RegistryAnswer::Status::failure);
        REQUIRE(out.size() == 1);
        CHECK(out.items()[0].rule == "push.server.XDSRegistryMetadataError");
        CHECK(out.items()[0].message == "server: bad slot");
    }
    SUBCASE("a SOAP fault") {
        formats::Diagnostics out;
        auto answer = push::read_registry_answer(
            500, "application/soap+xml; charset=utf-8",
            envelope("<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text xml:lang='en'>no</s:Text>"
                     "</s:Reason></s:Fault>"),
            out);
        CHECK(answer.status == push::RegistryAnswer::Status::soap_fault);
        CHECK(has_rule(out, "push.server.soap-fault"));
    }
    SUBCASE("a SOAP 1.1 fault") {
        formats::Diagnostics out;
        auto answer = push::read_registry_answer(
            500, "text/xml",
            "<e:Envelope "
            "xmlns:e='http://schemas.xmlsoap.org/soap/envelope/'><e:Body><e:Fault><faultcode>e:Server</faultcode>"
            "<faultstring>down</faultstring></e:Fault></e:Body></e:Envelope>",
            out);
        CHECK(answer.status == push::RegistryAnswer::Status::soap_fault);
        REQUIRE(answer.errors.size() == 1);
        CHECK(answer.errors[0].context == "down");
    }
    SUBCASE("garbage never crashes") {
        for (auto [type, body] : std::vector<std::pair<std::string, std::string>>{
                 {"application/soap+xml", ""},
                 {"application/soap+xml", "<not-closed"},
                 {"text/html", "<html>proxy error</html>"},
                 {"multipart/related; boundary=x", "no parts here"},
                 {"application/soap+xml", envelope("<other/>")},
                 {"application/soap+xml", "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"}}) {
            formats::Diagnostics out;
            auto answer = push::read_registry_answer(200, type, body, out);
            CHECK(answer.status == push::RegistryAnswer::Status::unreadable);
            CHECK(out.has_at_least(formats::Severity::error));
            for (const auto& d : out.items()) CHECK(d.message.find("proxy error") == std::string::npos);
        }
    }
}

TEST_CASE("push::xds_saml_assertion_is_checked") {
    CHECK_NOTHROW(push::require_saml_assertion(
        "<?xml version='1.0'?><saml2:Assertion xmlns:saml2='urn:oasis:names:tc:SAML:2.0:assertion' ID='x'/>",
        "vihf.xml"));
    CHECK_THROWS_AS(push::require_saml_assertion("<Assertion/>", "vihf.xml"), healthdoc::UsageError);
    CHECK_THROWS_AS(push::require_saml_assertion("<saml2:Assertion", "vihf.xml"), healthdoc::UsageError);
}
