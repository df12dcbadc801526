#include "sandbox/xds_repository.hpp"

#include "formats/base64.hpp"
#include "formats/hash.hpp"
#include "formats/ids.hpp"
#include "formats/xml_document.hpp"
#include "formats/text_utils.hpp"
#include "push/mtom.hpp"
#include "sandbox/xds_metadata.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

namespace healthdoc::sandbox {
namespace {

constexpr const char* k_soap12 = "http://www.w3.org/2003/05/soap-envelope";
constexpr const char* k_wsa = "http://www.w3.org/2005/08/addressing";
constexpr const char* k_xdsb = "urn:ihe:iti:xds-b:2007";
constexpr const char* k_lcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
constexpr const char* k_xop = "http://www.w3.org/2004/08/xop/include";
constexpr const char* k_response_action = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse";
constexpr const char* k_error = "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error";

struct RegistryError {
    std::string code;
    std::string context;
    std::string location;
};

std::string xml_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string envelope(const std::string& relates_to, const std::string& body) {
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" "
                      "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><env:Header>"
                      "<wsa:Action env:mustUnderstand=\"1\">" + std::string(k_response_action) + "</wsa:Action>";
    if (!relates_to.empty()) xml += "<wsa:RelatesTo>" + xml_escape(relates_to) + "</wsa:RelatesTo>";
    return xml + "</env:Header><env:Body>" + body + "</env:Body></env:Envelope>";
}

std::string registry_response(const std::vector<RegistryError>& errors) {
    std::string xml = "<rs:RegistryResponse xmlns:rs=\"urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0\" status=\"urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:";
    if (errors.empty()) return xml + "Success\"/>";
    xml += "Failure\"><rs:RegistryErrorList highestSeverity=\"" + std::string(k_error) + "\">";
    for (const auto& error : errors) {
        xml += "<rs:RegistryError errorCode=\"" + xml_escape(error.code) + "\" codeContext=\"" + xml_escape(error.context) +
               "\" severity=\"" + k_error + "\"";
        if (!error.location.empty()) xml += " location=\"" + xml_escape(error.location) + "\"";
        xml += "/>";
    }
    return xml + "</rs:RegistryErrorList></rs:RegistryResponse>";
}

// XDS.b answers in kind: an MTOM request gets an MTOM (multipart/related) response, as the
// Axis2/CXF stacks of real repositories do; a plain SOAP request gets application/soap+xml.
HttpAnswer soap_answer(const std::string& xml, bool mtom) {
    const std::string soap_type = std::string(k_soap_xml) + "; charset=UTF-8; action=\"" + k_response_action + "\"";
    if (!mtom) return HttpAnswer{200, soap_type, xml, {}};
    std::string boundary = "MIMEBoundary_" + formats::random_uuid();
    std::string body = "--" + boundary + "\r\nContent-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"\r\n"
                       "Content-Transfer-Encoding: binary\r\nContent-ID: <0.root@healthdoc.sandbox>\r\n\r\n" +
                       xml + "\r\n--" + boundary + "--\r\n";
    return HttpAnswer{200,
                      "multipart/related; boundary=\"" + boundary +
                          "\"; type=\"application/xop+xml\"; start=\"<0.root@healthdoc.sandbox>\"; start-info=\"application/soap+xml\"",
                      body,
                      {}};
}

bool is_element(const pugi::xml_node& node, const char* ns, const char* local) {
    return node.type() == pugi::node_element && formats::XmlDocument::local_name(node.name()) == local &&
           formats::XmlDocument::namespace_uri(node) == ns;
}

pugi::xml_node child_element(const pugi::xml_node& parent, const char* ns, const char* local) {
    for (auto child : parent.children())
        if (is_element(child, ns, local)) return child;
    return {};
}

std::string trimmed(const std::string& text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The masterIdentifier value MHD gives a uniqueId (Appendix Z.9.1.1: urn:oid: / urn:uuid:).
std::string master_of(const std::string& unique_id) {
    bool oid = !unique_id.empty() && std::all_of(unique_id.begin(), unique_id.end(), [](unsigned char c) {
        return std::isdigit(c) || c == '.';
    });
    if (oid) return "urn:oid:" + unique_id;
    if (unique_id.size() == 36 && std::count(unique_id.begin(), unique_id.end(), '-') == 4) return "urn:uuid:" + unique_id;
    return unique_id;
}

} // namespace

std::pair<std::string, std::string> cx_to_identifier(const std::string& cx) {
    auto caret = cx.find("^^^");
    if (caret == std::string::npos) return {"", cx};
    std::string value = cx.substr(0, caret);
    std::string authority = cx.substr(caret + 3);
    // HD: namespace&universalId&universalIdType
    auto first = authority.find('&');
    if (first == std::string::npos) return {"", value};
    auto second = authority.find('&', first + 1);
    std::string universal = authority.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    if (universal.empty()) return {"", value};
    return {"urn:oid:" + universal, value};
}

HttpAnswer soap_fault(int status, const std::string& code, const std::string& reason) {
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"><env:Body><env:Fault>"
                      "<env:Code><env:Value>env:" + code + "</env:Value></env:Code>"
                      "<env:Reason><env:Text xml:lang=\"en\">" + xml_escape(reason) + "</env:Text></env:Reason>"
                      "</env:Fault></env:Body></env:Envelope>";
    return HttpAnswer{status, std::string(k_soap_xml) + "; charset=UTF-8", xml, {}};
}

HttpAnswer provide_and_register(Registry& registry, const std::string& body, const std::string& content_type) {
    std::string type = media_type(content_type);
    bool mtom = type == "multipart/related";
    std::optional<push::MultipartRelated> multipart;
    std::string envelope_text;
    if (mtom) {
        std::string error;
        multipart = push::parse_multipart_related(content_type, body, error);
        if (!multipart) return soap_fault(400, "Sender", error);
        envelope_text = multipart->parts[multipart->root].body;
    } else if (type == "application/soap+xml") {
        envelope_text = body;
    } else {
        return soap_fault(415, "Sender", "ITI-41 requests must be multipart/related (MTOM/XOP) or application/soap+xml.");
    }

    formats::Diagnostics diagnostics;
    auto document = formats::parse_xml(formats::SourceText("request", envelope_text), diagnostics);
    if (!document) return soap_fault(400, "Sender", "The SOAP envelope is not well-formed XML.");
    auto root = document->root();
    if (!is_element(root, k_soap12, "Envelope")) {
        bool other_version = formats::XmlDocument::local_name(root.name()) == "Envelope";
        return soap_fault(400, other_version ? "VersionMismatch" : "Sender", "The root element is not a SOAP 1.2 Envelope.");
    }
    auto header = child_element(root, k_soap12, "Header");
    auto soap_body = child_element(root, k_soap12, "Body");
    std::string message_id = trimmed(child_element(header, k_wsa, "MessageID").text().get());
    auto request = child_element(soap_body, k_xdsb, "ProvideAndRegisterDocumentSetRequest");
    if (!request) return soap_fault(400, "Sender", "The SOAP Body holds no xdsb:ProvideAndRegisterDocumentSetRequest.");
    auto submit = child_element(request, k_lcm, "SubmitObjectsRequest");
    if (!submit) return soap_fault(400, "Sender", "The request holds no lcm:SubmitObjectsRequest.");

    std::vector<RegistryError> errors;
    auto metadata = read_submission(submit);
    for (const auto& problem : metadata.problems) errors.push_back({problem.code, problem.context, problem.location});

    // xdsb:Document elements: inline base64, or an xop:Include pointing at a MIME part.
    std::map<std::string, std::string> contents;
    for (auto child : request.children()) {
        if (!is_element(child, k_xdsb, "Document")) continue;
        std::string id = child.attribute("id").value();
        auto include = child_element(child, k_xop, "Include");
        if (include) {
            const push::MimePart* part = multipart ? multipart->find(include.attribute("href").value()) : nullptr;
            if (!part) {
                errors.push_back({"XDSMissingDocument", "Document " + id + " refers to a MIME part that is not in the message.", id});
                continue;
            }
            contents[id] = part->body;
        } else {
            auto decoded = formats::base64_decode(child.text().get());
            if (!decoded) {
                errors.push_back({"XDSRepositoryMetadataError", "Document " + id + " is not valid base64.", id});
                continue;
            }
            contents[id] = std::move(*decoded);
        }
    }

    std::vector<StoredDocument> documents;
    for (const auto& entry : metadata.entries) {
        auto found = contents.find(entry.id);
        if (found == contents.end()) {
            errors.push_back({"XDSMissingDocument", "No Document element carries the content of DocumentEntry " + entry.id + ".", entry.id});
            continue;
        }
        const std::string& bytes = found->second;
        std::string sha1 = formats::sha1_hex(bytes);
        if (auto hash = entry.slot("hash"); !hash.empty()) {
            std::string lower_hash = hash;
            std::transform(lower_hash.begin(), lower_hash.end(), lower_hash.begin(), [](unsigned char c) { return std::tolower(c); });
            if (lower_hash != sha1)
                errors.push_back({"XDSNonIdenticalHash", "The hash slot of DocumentEntry " + entry.id + " does not match the SHA-1 of the document.", entry.id});
        }
        if (auto size = entry.slot("size"); !size.empty() && size != std::to_string(bytes.size()))
            errors.push_back({"XDSNonIdenticalSize", "The size slot of DocumentEntry " + entry.id + " does not match the document's size.", entry.id});

        StoredDocument stored;
        stored.id = formats::random_uuid();
        stored.entry_uuid = entry.id.rfind("urn:uuid:", 0) == 0 ? entry.id : "urn:uuid:" + formats::random_uuid();
        stored.master_system = "urn:ietf:rfc:3986";
        stored.master_value = master_of(entry.unique_id);
        std::tie(stored.patient_system, stored.patient_value) = cx_to_identifier(entry.patient_id);
        stored.type_system = entry.code(k_xds_type_code).system;
        stored.type_code = entry.code(k_xds_type_code).code;
        stored.content_type = entry.mime_type;
        stored.size = static_cast<std::int64_t>(bytes.size());
        stored.sha1_hex = sha1;
        stored.created = formats::utc_timestamp_now();
        stored.transport = "xds";
        stored.submission_set = metadata.submission_unique_id;
        stored.content = bytes;
        stored.document_reference = synthesise_document_reference(entry, stored);
        documents.push_back(std::move(stored));
    }
    for (const auto& [id, bytes] : contents)
        if (std::none_of(metadata.entries.begin(), metadata.entries.end(), [&](const auto& entry) { return entry.id == id; }))
            errors.push_back({"XDSMissingDocumentMetadata", "Document " + id + " has no DocumentEntry (ExtrinsicObject) in the metadata.", id});

    if (errors.empty()) {
        std::vector<Replacement> replacements;
        for (const auto& target : metadata.replaced) replacements.push_back(Replacement{target, ""});
        auto outcome = registry.store(documents, replacements);
        if (outcome.duplicate_master)
            errors.push_back({"XDSDuplicateUniqueIdInRegistry", "A document with this uniqueId is already registered.", ""});
        else if (outcome.missing_target)
            errors.push_back({"XDSUnresolvedReferenceException", "The RPLC association targets a document entry that is not registered.", *outcome.missing_target});
    }
    return soap_answer(envelope(message_id, registry_response(errors)), mtom);
}

} // namespace healthdoc::sandbox
