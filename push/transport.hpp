// A transport turns one prepared document into the HTTP request of its profile (MHD ITI-65 or
// XDS.b ITI-41) and the server's answer into an outcome and diagnostics. Transports hold no
// connection: the push run gives them a client per thread. Implementations are immutable and
// used from many threads at once.
#pragma once

#include "cda/header.hpp"
#include "cda/xds_metadata.hpp"
#include "formats/diagnostic.hpp"
#include "formats/source_text.hpp"
#include "push/http_client.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace healthdoc::push {

// A document ready to send: its bytes, the header read from it and the XDS metadata mapped
// from that header.
struct PreparedDocument {
    std::string name;  // as the user named it
    std::string bytes; // the document as written (CDA XML, or a FHIR document in JSON or XML)
    cda::CdaHeader header;
    cda::XdsDocumentEntry entry;
    cda::HeaderSource source = cda::HeaderSource::cda; // what `header` was read from
    std::string fhir_document;                         // a FHIR document as JSON text: MHD sends it as a Bundle entry
    std::string payload;                               // a ready ITI-65 Bundle given as input, sent as it is (MHD only)
};

enum class SendStatus {
    accepted,  // stored by the server
    refused,   // the server said no; sending it again will not help
    no_answer, // no usable answer (connection, timeout, 5xx, 429...): may be retried
};

struct SendResult {
    SendStatus status = SendStatus::no_answer;
    int http_status = 0;
    std::optional<std::chrono::milliseconds> retry_after;
    std::string server_ids; // JSON text: what the server said it created
    bool duplicate = false; // refused because the server already holds this document id
    formats::Diagnostics diagnostics;
};

// What every transport's settings share.
struct TransportSettings {
    std::string endpoint;           // FHIR base (MHD) or XDS.b repository URL
    std::string source_id;          // submission set sourceId (OID)
    cda::XdsCode content_type_code; // submission set contentTypeCode / designationType (JDV_J59)
    cda::XdsCode class_code;        // classCode when the header mapping could not derive it (no ASS_X04 table)
    cda::XdsCode format_code;       // formatCode of a structured document (no ASS_A11 table)
    cda::XdsCode facility_type;     // healthcareFacilityTypeCode when the document has none (FHIR)
    cda::XdsCode practice_setting;  // practiceSettingCode when the document has none (FHIR)
    std::string saml_assertion;     // XDS: the VIHF assertion (XML text); secret-like, never printed
};

class Transport {
public:
    virtual ~Transport() = default;
    virtual std::string_view name() const = 0;
    virtual const TransportSettings& settings() const = 0;
    // The payload on its own, for `convert --to mhd|xds` and `push --save-payloads`: the ITI-65
    // Bundle (JSON), or the ProvideAndRegisterDocumentSetRequest with the document inline
    // (XML). std::nullopt after reporting why it cannot be built (missing metadata) into `out`.
    virtual std::optional<std::string> payload(const PreparedDocument& document, formats::Diagnostics& out) const = 0;
    // The file extension of payload(): ".json" or ".xml".
    virtual std::string payload_extension() const = 0;
    // The request that submits `document` (without the Authorization header), or std::nullopt
    // after reporting why it cannot be built into `out`.
    virtual std::optional<HttpRequest> build(const PreparedDocument& document, formats::Diagnostics& out) const = 0;
    // Reads the server's answer to a request built by build().
    virtual SendResult interpret(const HttpResponse& response) const = 0;
    // Whether the server already holds `document` (MHD: ITI-67 search by masterIdentifier),
    // with its ids as JSON text; std::nullopt when it does not or the transport cannot tell.
    // Throws TransportError when the server cannot be asked.
    virtual std::optional<std::string> find_stored(const PreparedDocument& document, HttpClient& client,
                                                   const std::string& authorization) const = 0;
};

// `entry` with the settings' classCode, formatCode, facility type and practice setting where the
// mapping left them empty.
cda::XdsDocumentEntry with_settings(cda::XdsDocumentEntry entry, const TransportSettings& settings);

// Reads a CDA document for sending: parses it, reads its header and maps its XDS metadata
// (findings into `out`). std::nullopt, after a fatal finding, when it is not a CDA document.
std::optional<PreparedDocument> prepare_document(const formats::SourceText& source, formats::Diagnostics& out);

// Reads any input push accepts: a CDA document (prepare_document), a FHIR document Bundle
// (prepare_fhir_document) or a ready ITI-65 Bundle (prepare_ready_bundle), in JSON or XML.
// A FHIR document takes the settings' facility type and practice setting where it has none
// (no FHIR document element carries a practice setting).
std::optional<PreparedDocument> prepare_input(const formats::SourceText& source, formats::Diagnostics& out,
                                              const TransportSettings& settings = {});

std::unique_ptr<Transport> make_mhd_transport(TransportSettings settings);
std::unique_ptr<Transport> make_xds_transport(TransportSettings settings);

// Diagnostics for an answer a transport could not make sense of (rule push.answer.*), with the
// HTTP status and content type, never the body itself (it may echo patient data).
void report_unusable_answer(const HttpResponse& response, const std::string& what, formats::Diagnostics& out);

} // namespace healthdoc::push
