// The SOAP side of ITI-41: the SOAP 1.2 envelope with WS-Addressing (and a SAML assertion in a
// WS-Security header when given), packaged as MTOM/XOP (multipart/related, the document as a
// binary part), and the reading of the answer: a RegistryResponse, inline or MTOM, or a SOAP
// Fault.
#pragma once

#include "formats/diagnostic.hpp"

#include <string>
#include <vector>

namespace healthdoc::push {

struct SoapMessage {
    std::string content_type; // the whole Content-Type header value
    std::string body;
};

// The MTOM message carrying `provide_and_register` (whose Document element holds an xop:Include
// of `document_content_id`) and the document bytes as that part. `saml_assertion` (XML text,
// may be empty) goes into wsse:Security as it is.
SoapMessage build_iti41_message(const std::string& provide_and_register, const std::string& document_content_id,
                                const std::string& document_bytes, const std::string& endpoint,
                                const std::string& saml_assertion);

// Throws UsageError unless `xml` (read from `file`) is one well-formed SAML 2.0 Assertion: it
// is copied into the message byte for byte, so that its signature stays valid.
void require_saml_assertion(const std::string& xml, const std::string& file);

struct RegistryError {
    std::string code, context, severity, location;
};

struct RegistryAnswer {
    enum class Status { success, partial_success, failure, soap_fault, unreadable };
    Status status = Status::unreadable;
    std::vector<RegistryError> errors; // RegistryErrorList, or the SOAP fault's code and reason
};

// Reads an ITI-41 answer. Never throws: what cannot be read is Status::unreadable, with
// diagnostics (push.answer.*) saying why, never echoing the body.
RegistryAnswer read_registry_answer(int http_status, const std::string& content_type, const std::string& body,
                                    formats::Diagnostics& out);

} // namespace healthdoc::push
