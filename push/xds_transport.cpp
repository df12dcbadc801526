// XDS.b ITI-41 over HTTP: POST the MTOM SOAP message to the repository and read the
// RegistryResponse. XDS has no look-up in the repository actor, so an uncertain document is
// recognised on the resend: a registry that already holds this uniqueId with the same hash.
#include "formats/ids.hpp"
#include "push/retry_policy.hpp"
#include "push/transport.hpp"
#include "push/xds_message.hpp"
#include "push/xds_submit_request.hpp"

#include <nlohmann/json.hpp>

namespace healthdoc::push {
namespace {

using formats::Severity;

class XdsTransport final : public Transport {
public:
    explicit XdsTransport(TransportSettings settings) : m_settings(std::move(settings)) {}

    std::string_view name() const override { return "xds"; }
    const TransportSettings& settings() const override { return m_settings; }
    std::string payload_extension() const override { return ".xml"; }

    std::optional<std::string> payload(const PreparedDocument& document, formats::Diagnostics& out) const override {
        if (refuse_fhir_input(document, out)) return std::nullopt;
        formats::Diagnostics found;
        auto xml = build_provide_and_register(with_settings(document.entry, m_settings), options(),
                                              {document.bytes, ""}, found);
        out.append(found);
        if (found.has_at_least(Severity::error)) return std::nullopt;
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml + "\n";
    }

    std::optional<HttpRequest> build(const PreparedDocument& document, formats::Diagnostics& out) const override {
        if (refuse_fhir_input(document, out)) return std::nullopt;
        formats::Diagnostics found;
        std::string content_id = "document." + formats::random_uuid() + "@healthdoc";
        auto xml =
            build_provide_and_register(with_settings(document.entry, m_settings), options(), {"", content_id}, found);
        out.append(found);
        if (found.has_at_least(Severity::error)) return std::nullopt;
        auto message =
            build_iti41_message(xml, content_id, document.bytes, m_settings.endpoint, m_settings.saml_assertion);
        HttpRequest request;
        request.method = "POST";
        request.url = m_settings.endpoint;
        request.headers = {{"Content-Type", message.content_type},
                           {"Accept", "multipart/related, application/soap+xml"}};
        request.body = std::move(message.body);
        return request;
    }

    SendResult interpret(const HttpResponse& response) const override {
        SendResult result;
        result.http_status = response.status;
        if (auto after = response.header("retry-after"); !after.empty()) result.retry_after = parse_retry_after(after);
        if (is_retryable(AttemptOutcome{response.status, result.retry_after})) {
            result.status = SendStatus::no_answer;
            result.diagnostics.report(Severity::warning, "push.server.http-status",
                                      "the repository answered HTTP " + std::to_string(response.status));
            return result;
        }
        auto answer =
            read_registry_answer(response.status, response.header("content-type"), response.body, result.diagnostics);
        using Status = RegistryAnswer::Status;
        switch (answer.status) {
        case Status::success:
        case Status::partial_success: {
            result.status = SendStatus::accepted;
            nlohmann::json ids = {{"status", answer.status == Status::success ? "Success" : "PartialSuccess"}};
            result.server_ids = ids.dump();
            break;
        }
        case Status::failure:
            result.status = SendStatus::refused;
            result.duplicate = answer.errors.size() == 1 && answer.errors[0].code == "XDSDuplicateUniqueIdInRegistry";
            break;
        case Status::soap_fault:
        case Status::unreadable:
            result.status =
                response.status >= 200 && response.status < 300 ? SendStatus::no_answer : SendStatus::refused;
            break;
        }
        return result;
    }

    std::optional<std::string> find_stored(const PreparedDocument&, HttpClient&, const std::string&) const override {
        return std::nullopt; // the repository actor offers no query (ITI-18 is the registry's)
    }

private:
    static bool refuse_fhir_input(const PreparedDocument& document, formats::Diagnostics& out) {
        if (document.payload.empty()) return false;
        out.report(Severity::error, "push.xds.fhir-input",
                   "an ITI-65 Bundle can only be pushed over MHD (--transport mhd)");
        return true;
    }

    XdsSubmissionOptions options() const {
        XdsSubmissionOptions o;
        o.source_id = m_settings.source_id;
        o.content_type_code = m_settings.content_type_code;
        return o;
    }

    TransportSettings m_settings;
};

} // namespace

std::unique_ptr<Transport> make_xds_transport(TransportSettings settings) {
    return std::make_unique<XdsTransport>(std::move(settings));
}

} // namespace healthdoc::push
