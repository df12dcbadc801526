// Request builders shared by the sandbox tests: a small ITI-65 transaction Bundle and an
// ITI-41 SOAP request (MTOM or inline), each with knobs to break one thing.
#pragma once

#include "formats/base64.hpp"
#include "formats/hash.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>

namespace healthdoc::test {

struct MhdRequest {
    std::string content = "%PDF-1.4 tiny test document\n";
    std::string content_type = "application/pdf";
    std::string master = "urn:oid:1.2.250.1.999.1.1";
    std::string patient_system = "urn:oid:1.2.250.1.213.1.4.8";
    std::string patient_value = "248000000000001";
    std::optional<std::string> hash;  // override attachment.hash
    std::optional<long long> size;    // override attachment.size
    std::string replaces;             // relatesTo replaces DocumentReference/<id>
    bool conditional_subject = false; // subject as "Patient?identifier=system|value"
};

inline std::string mhd_bundle(const MhdRequest& r) {
    using Json = nlohmann::ordered_json;
    Json subject = r.conditional_subject
                       ? Json{{"reference", "Patient?identifier=" + r.patient_system + "|" + r.patient_value}}
                       : Json{{"identifier", {{"system", r.patient_system}, {"value", r.patient_value}}}};
    Json list{{"resourceType", "List"},
              {"status", "current"},
              {"mode", "working"},
              {"code", {{"coding", Json::array({{{"system", "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes"}, {"code", "submissionset"}}})}}},
              {"subject", subject},
              {"entry", Json::array({{{"item", {{"reference", "urn:uuid:00000000-0000-4000-8000-000000000002"}}}}})}};
    Json attachment{{"contentType", r.content_type},
                    {"url", "urn:uuid:00000000-0000-4000-8000-000000000003"},
                    {"size", r.size.value_or(static_cast<long long>(r.content.size()))},
                    {"hash", r.hash.value_or(formats::base64_encode(formats::sha1_raw(r.content)))}};
    Json doc{{"resourceType", "DocumentReference"},
             {"masterIdentifier", {{"system", "urn:ietf:rfc:3986"}, {"value", r.master}}},
             {"status", "current"},
             {"type", {{"coding", Json::array({{{"system", "http://loinc.org"}, {"code", "11488-4"}}})}}},
             {"subject", subject},
             {"content", Json::array({{{"attachment", attachment}}})}};
    if (!r.replaces.empty())
        doc["relatesTo"] = Json::array({{{"code", "replaces"}, {"target", {{"reference", "DocumentReference/" + r.replaces}}}}});
    Json binary{{"resourceType", "Binary"}, {"contentType", r.content_type}, {"data", formats::base64_encode(r.content)}};
    auto entry = [](const char* url, const char* type, Json resource) {
        return Json{{"fullUrl", url}, {"resource", std::move(resource)}, {"request", {{"method", "POST"}, {"url", type}}}};
    };
    Json bundle{{"resourceType", "Bundle"},
                {"type", "transaction"},
                {"entry", Json::array({entry("urn:uuid:00000000-0000-4000-8000-000000000001", "List", list),
                                       entry("urn:uuid:00000000-0000-4000-8000-000000000002", "DocumentReference", doc),
                                       entry("urn:uuid:00000000-0000-4000-8000-000000000003", "Binary", binary)})}};
    return bundle.dump();
}

struct XdsRequest {
    std::string content = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>";
    std::string unique_id = "1.2.250.1.999.2.1";
    std::string patient = "248000000000001^^^&amp;1.2.250.1.213.1.4.8&amp;ISO";
    std::optional<std::string> size; // override the size slot
    std::optional<std::string> hash; // override the hash slot
    bool mtom = true;
    bool with_type_code = true;
    std::string replaces; // RPLC target entryUUID
    std::string entry_uuid = "urn:uuid:7a3c5b1e-0000-4000-8000-00000000d0c1";
};

inline std::string classification(const char* scheme, const char* code, const char* system) {
    return std::string("<rim:Classification classificationScheme=\"") + scheme + "\" classifiedObject=\"DOC\" nodeRepresentation=\"" +
           code + "\" id=\"c" + code + "\"><rim:Slot name=\"codingScheme\"><rim:ValueList><rim:Value>" + system +
           "</rim:Value></rim:ValueList></rim:Slot></rim:Classification>";
}

// Returns {Content-Type, body}.
inline std::pair<std::string, std::string> xds_request(const XdsRequest& r) {
    auto slot = [](const std::string& name, const std::string& value) {
        return "<rim:Slot name=\"" + name + "\"><rim:ValueList><rim:Value>" + value + "</rim:Value></rim:ValueList></rim:Slot>";
    };
    std::string entry = "<rim:ExtrinsicObject id=\"" + r.entry_uuid + "\" mimeType=\"text/xml\" objectType=\"urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1\">" +
                        slot("creationTime", "20240501101500") + slot("languageCode", "fr-FR") +
                        slot("sourcePatientId", r.patient) +
                        slot("size", r.size.value_or(std::to_string(r.content.size()))) +
                        slot("hash", r.hash.value_or(formats::sha1_hex(r.content))) +
                        "<rim:Name><rim:LocalizedString value=\"CR de test\"/></rim:Name>" +
                        classification("urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a", "11", "1.2.250.1.213.1.1.4.1") +
                        (r.with_type_code ? classification("urn:uuid:f0306f51-975f-434e-a61c-c59651d33983", "11488-4", "2.16.840.1.113883.6.1") : "") +
                        classification("urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d", "urn:ihe:iti:xds:2017:mimeTypeSufficient", "1.3.6.1.4.1.19376.1.2.3") +
                        classification("urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f", "N", "2.16.840.1.113883.5.25") +
                        classification("urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1", "SA01", "1.2.250.1.71.4.2.4") +
                        classification("urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead", "ETABLISSEMENT", "1.2.250.1.213.1.1.4.9") +
                        "<rim:ExternalIdentifier id=\"e1\" registryObject=\"DOC\" identificationScheme=\"urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427\" value=\"" + r.patient + "\"/>" +
                        "<rim:ExternalIdentifier id=\"e2\" registryObject=\"DOC\" identificationScheme=\"urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab\" value=\"" + r.unique_id + "\"/>" +
                        "</rim:ExtrinsicObject>";
    std::string package = "<rim:RegistryPackage id=\"SS\">" + slot("submissionTime", "20240501101600") +
                          "<rim:ExternalIdentifier id=\"e3\" registryObject=\"SS\" identificationScheme=\"urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8\" value=\"" + r.unique_id + ".99\"/>" +
                          "<rim:ExternalIdentifier id=\"e4\" registryObject=\"SS\" identificationScheme=\"urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832\" value=\"1.2.250.1.999\"/>" +
                          "<rim:ExternalIdentifier id=\"e5\" registryObject=\"SS\" identificationScheme=\"urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446\" value=\"" + r.patient + "\"/>" +
                          "</rim:RegistryPackage>"
                          "<rim:Classification id=\"c0\" classifiedObject=\"SS\" classificationNode=\"urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd\"/>"
                          "<rim:Association id=\"a1\" associationType=\"urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember\" sourceObject=\"SS\" targetObject=\"" + r.entry_uuid + "\">" +
                          slot("SubmissionSetStatus", "Original") + "</rim:Association>";
    if (!r.replaces.empty())
        package += "<rim:Association id=\"a2\" associationType=\"urn:ihe:iti:2007:AssociationType:RPLC\" sourceObject=\"" + r.entry_uuid +
                   "\" targetObject=\"" + r.replaces + "\"/>";
    std::string document = r.mtom ? "<xdsb:Document id=\"" + r.entry_uuid + "\"><xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:doc1%40healthdoc.test\"/></xdsb:Document>"
                                   : "<xdsb:Document id=\"" + r.entry_uuid + "\">" + formats::base64_encode(r.content) + "</xdsb:Document>";
    std::string envelope =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://www.w3.org/2005/08/addressing\">"
        "<s:Header><a:Action s:mustUnderstand=\"1\">urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b</a:Action>"
        "<a:MessageID>urn:uuid:11111111-2222-4333-8444-555555555555</a:MessageID></s:Header><s:Body>"
        "<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb=\"urn:ihe:iti:xds-b:2007\">"
        "<lcm:SubmitObjectsRequest xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\" xmlns:rim=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\">"
        "<rim:RegistryObjectList>" + entry + package + "</rim:RegistryObjectList></lcm:SubmitObjectsRequest>" +
        document + "</xdsb:ProvideAndRegisterDocumentSetRequest></s:Body></s:Envelope>";
    if (!r.mtom) return {"application/soap+xml; charset=UTF-8", envelope};
    const std::string boundary = "MIMEBoundary_test_1234";
    std::string body = "--" + boundary + "\r\nContent-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"\r\n"
                       "Content-Transfer-Encoding: binary\r\nContent-ID: <root@healthdoc.test>\r\n\r\n" + envelope +
                       "\r\n--" + boundary + "\r\nContent-Type: text/xml\r\nContent-Transfer-Encoding: binary\r\n"
                       "Content-ID: <doc1@healthdoc.test>\r\n\r\n" + r.content + "\r\n--" + boundary + "--\r\n";
    return {"multipart/related; boundary=\"" + boundary + "\"; type=\"application/xop+xml\"; start=\"<root@healthdoc.test>\"; start-info=\"application/soap+xml\"",
            body};
}

} // namespace healthdoc::test
