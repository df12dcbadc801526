#include "push/xds_message.hpp"

#include "formats/errors.hpp"
#include "formats/ids.hpp"
#include "formats/source_text.hpp"
#include "formats/xml_document.hpp"
#include "push/mtom.hpp"

#include <pugixml.hpp>

#include <sstream>

namespace healthdoc::push {
namespace {

using formats::Severity;
using formats::XmlDocument;

constexpr const char* k_soap = "http://www.w3.org/2003/05/soap-envelope";
constexpr const char* k_soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr const char* k_saml = "urn:oasis:names:tc:SAML:2.0:assertion";
constexpr const char* k_addressing = "http://www.w3.org/2005/08/addressing";
constexpr const char* k_wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
constexpr const char* k_rs = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0";
constexpr const char* k_action = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b";

std::string without_xml_declaration(const std::string& xml) {
    auto start = xml.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (start != std::string::npos && xml.compare(start, 5, "<?xml") == 0) {
        auto end = xml.find("?>", start);
        if (end != std::string::npos) return xml.substr(end + 2);
    }
    return xml;
}

bool is(const pugi::xml_node& node, const char* ns, std::string_view local) {
    return node.type() == pugi::node_element && XmlDocument::local_name(node.name()) == local &&
           XmlDocument::namespace_uri(node) == ns;
}

pugi::xml_node child(const pugi::xml_node& parent, const char* ns, std::string_view local) {
    for (auto c = parent.first_child(); c; c = c.next_sibling())
        if (is(c, ns, local)) return c;
    return {};
}

// The first element named `local` in namespace `ns` under `root`, depth first, iterative.
pugi::xml_node find(const pugi::xml_node& root, const char* ns, std::string_view local) {
    for (auto node = root; node;) {
        if (is(node, ns, local)) return node;
        if (node.first_child()) {
            node = node.first_child();
            continue;
        }
        while (node && node != root && !node.next_sibling()) node = node.parent();
        if (!node || node == root) break;
        node = node.next_sibling();
    }
    return {};
}

std::string lowercase(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

void unreadable(RegistryAnswer& answer, formats::Diagnostics& out, int http_status, const std::string& content_type,
                const std::string& why) {
    answer.status = RegistryAnswer::Status::unreadable;
    out.report(Severity::error, "push.answer.unreadable",
               "the repository answered HTTP " + std::to_string(http_status) + " (" +
                   (content_type.empty() ? std::string("no content type") : content_type) + ") " + why);
}

} // namespace

void require_saml_assertion(const std::string& xml, const std::string& file) {
    formats::Diagnostics parse;
    auto document = formats::parse_xml(formats::SourceText(file, xml), parse);
    if (!document || !is(document->root(), k_saml, "Assertion"))
        throw UsageError(file + ": not a SAML 2.0 Assertion (a well-formed saml2:Assertion element is expected)");
}

SoapMessage build_iti41_message(const std::string& provide_and_register, const std::string& document_content_id,
                                const std::string& document_bytes, const std::string& endpoint,
                                const std::string& saml_assertion) {
    std::ostringstream envelope;
    envelope << "<s:Envelope xmlns:s=\"" << k_soap << "\" xmlns:a=\"" << k_addressing << "\"><s:Header>"
             << "<a:Action s:mustUnderstand=\"1\">" << k_action << "</a:Action>"
             << "<a:MessageID>urn:uuid:" << formats::random_uuid() << "</a:MessageID>"
             << "<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>";
    pugi::xml_document to; // pugixml escapes the URL
    auto to_node = to.append_child("a:To");
    to_node.append_attribute("s:mustUnderstand") = "1";
    to_node.text() = endpoint.c_str();
    to_node.print(envelope, "", pugi::format_raw);
    if (!saml_assertion.empty())
        envelope << "<wsse:Security xmlns:wsse=\"" << k_wsse << "\">" << without_xml_declaration(saml_assertion)
                 << "</wsse:Security>";
    envelope << "</s:Header><s:Body>" << provide_and_register << "</s:Body></s:Envelope>";

    // A boundary that cannot occur in the parts: a fresh UUID.
    std::string boundary = "MIMEBoundary_" + formats::random_uuid();
    std::string root_id = "root." + formats::random_uuid() + "@healthdoc";
    SoapMessage message;
    message.content_type = "multipart/related; boundary=\"" + boundary + "\"; type=\"application/xop+xml\"; start=\"<" +
                           root_id + ">\"; start-info=\"application/soap+xml\"; action=\"" + k_action + "\"";
    std::string& body = message.body;
    body.reserve(document_bytes.size() + envelope.str().size() + 512);
    body += "--" + boundary + "\r\n";
    body += "Content-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"\r\n";
    body += "Content-Transfer-Encoding: binary\r\nContent-ID: <" + root_id + ">\r\n\r\n";
    body += envelope.str();
    body += "\r\n--" + boundary + "\r\n";
    body += "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n";
    body += "Content-ID: <" + document_content_id + ">\r\n\r\n";
    body += document_bytes;
    body += "\r\n--" + boundary + "--\r\n";
    return message;
}

RegistryAnswer read_registry_answer(int http_status, const std::string& content_type, const std::string& body,
                                    formats::Diagnostics& out) {
    RegistryAnswer answer;
    if (body.empty()) {
        unreadable(answer, out, http_status, content_type, "with an empty body where a RegistryResponse was expected");
        return answer;
    }
    std::string xml = body;
    auto type = lowercase(content_type);
    if (type.rfind("multipart/related", 0) == 0) {
        std::string error;
        auto parts = parse_multipart_related(content_type, body, error);
        if (!parts) {
            unreadable(answer, out, http_status, content_type, "with a broken MIME message: " + error);
            return answer;
        }
        xml = parts->parts[parts->root].body;
    } else if (type.find("xml") == std::string::npos) {
        unreadable(answer, out, http_status, content_type,
                   "with content that is not XML where a SOAP message was expected");
        return answer;
    }
    formats::Diagnostics parse;
    auto document = formats::parse_xml(formats::SourceText("answer", xml), parse);
    if (!document) {
        unreadable(answer, out, http_status, content_type, "with XML that is not well-formed");
        return answer;
    }
    if (auto fault = find(document->root(), k_soap, "Fault")) {
        answer.status = RegistryAnswer::Status::soap_fault;
        std::string code = child(child(fault, k_soap, "Code"), k_soap, "Value").child_value();
        std::string reason = child(child(fault, k_soap, "Reason"), k_soap, "Text").child_value();
        answer.errors.push_back({code, reason, "error", ""});
        out.report(Severity::error, "push.server.soap-fault",
                   "server: SOAP fault " + (code.empty() ? std::string("(no code)") : code) +
                       (reason.empty() ? "" : ": " + reason));
        return answer;
    }
    if (auto fault = find(document->root(), k_soap11, "Fault")) { // a SOAP 1.1 server
        answer.status = RegistryAnswer::Status::soap_fault;
        std::string code = fault.child("faultcode").child_value();
        std::string reason = fault.child("faultstring").child_value();
        answer.errors.push_back({code, reason, "error", ""});
        out.report(Severity::error, "push.server.soap-fault",
                   "server: SOAP fault " + (code.empty() ? std::string("(no code)") : code) +
                       (reason.empty() ? "" : ": " + reason));
        return answer;
    }
    auto response = find(document->root(), k_rs, "RegistryResponse");
    if (!response) {
        unreadable(answer, out, http_status, content_type, "without a RegistryResponse");
        return answer;
    }
    std::string status = response.attribute("status").value();
    auto suffix = status.substr(status.rfind(':') + 1);
    if (suffix == "Success")
        answer.status = RegistryAnswer::Status::success;
    else if (suffix == "PartialSuccess")
        answer.status = RegistryAnswer::Status::partial_success;
    else if (suffix == "Failure")
        answer.status = RegistryAnswer::Status::failure;
    else {
        unreadable(answer, out, http_status, content_type, "with a RegistryResponse of unknown status");
        return answer;
    }
    for (auto error = child(child(response, k_rs, "RegistryErrorList"), k_rs, "RegistryError"); error;
         error = error.next_sibling()) {
        if (!is(error, k_rs, "RegistryError")) continue;
        RegistryError e{error.attribute("errorCode").value(), error.attribute("codeContext").value(),
                        error.attribute("severity").value(), error.attribute("location").value()};
        bool warning = e.severity.find("Warning") != std::string::npos;
        formats::Location location;
        location.path = e.location;
        out.report(warning ? Severity::warning : Severity::error,
                   "push.server." + (e.code.empty() ? std::string("registry-error") : e.code),
                   "server: " + (e.context.empty() ? e.code : e.context), location);
        answer.errors.push_back(std::move(e));
    }
    return answer;
}

} // namespace healthdoc::push
