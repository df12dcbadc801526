// MHD ITI-65 over HTTP: POST the transaction Bundle to the FHIR base, read the
// transaction-response or the OperationOutcome; ITI-67 to find a document already stored.
#include "push/mhd_bundle.hpp"
#include "push/retry_policy.hpp"
#include "push/transport.hpp"

#include "formats/base64.hpp"
#include "formats/errors.hpp"
#include "formats/hash.hpp"
#include "formats/text_utils.hpp"

#include <nlohmann/json.hpp>

namespace healthdoc::push {
namespace {

using formats::Severity;
using Json = nlohmann::json;

constexpr const char* k_fhir_json = "application/fhir+json";

Severity severity_of(const std::string& fhir_severity) {
    if (fhir_severity == "fatal") return Severity::fatal;
    if (fhir_severity == "error") return Severity::error;
    if (fhir_severity == "warning") return Severity::warning;
    return Severity::information;
}

// The server's OperationOutcome issues, as our diagnostics (rule push.server.<code>).
void report_outcome(const Json& outcome, formats::Diagnostics& out, Severity at_least) {
    if (!outcome.is_object() || !outcome.contains("issue") || !outcome["issue"].is_array()) return;
    for (const auto& issue : outcome["issue"]) {
        if (!issue.is_object()) continue;
        auto severity = severity_of(issue.value("severity", "error"));
        if (severity < at_least) severity = at_least;
        std::string message = issue.value("diagnostics", "");
        if (message.empty() && issue.contains("details") && issue["details"].is_object())
            message = issue["details"].value("text", "");
        if (message.empty()) message = "the server reported an issue without details";
        formats::Location location;
        if (issue.contains("expression") && issue["expression"].is_array() && !issue["expression"].empty() &&
            issue["expression"][0].is_string())
            location.path = issue["expression"][0].get<std::string>();
        out.report(severity, "push.server." + issue.value("code", std::string("processing")), "server: " + message,
                   location);
    }
}

std::string trimmed_base(std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

class MhdTransport final : public Transport {
public:
    explicit MhdTransport(TransportSettings settings) : m_settings(std::move(settings)) {
        m_settings.endpoint = trimmed_base(m_settings.endpoint);
    }

    std::string_view name() const override { return "mhd"; }
    const TransportSettings& settings() const override { return m_settings; }
    std::string payload_extension() const override { return ".json"; }

    std::optional<std::string> payload(const PreparedDocument& document, formats::Diagnostics& out) const override {
        if (!document.payload.empty()) return document.payload;
        MhdOptions options;
        options.source_id = m_settings.source_id;
        options.designation_type = m_settings.content_type_code;
        formats::Diagnostics found;
        MhdContent content{document.bytes, nullptr, document.source};
        nlohmann::ordered_json fhir_document;
        if (!document.fhir_document.empty()) {
            fhir_document = nlohmann::ordered_json::parse(document.fhir_document, nullptr, false);
            if (fhir_document.is_discarded()) {
                out.report(Severity::error, "push.mhd.unreadable-document", "the FHIR document is not valid JSON");
                return std::nullopt;
            }
            content.fhir_document = &fhir_document;
            // The document is a resource of the transaction; its JSON form is what travels.
            options.content_type = "application/fhir+json";
        }
        auto bundle =
            build_iti65_bundle(content, with_settings(document.entry, m_settings), document.header, options, found);
        out.append(found);
        if (found.has_at_least(Severity::error)) return std::nullopt;
        return serialize_iti65_bundle(bundle, document.fhir_document);
    }

    std::optional<HttpRequest> build(const PreparedDocument& document, formats::Diagnostics& out) const override {
        auto body = payload(document, out);
        if (!body) return std::nullopt;
        HttpRequest request;
        request.method = "POST";
        request.url = m_settings.endpoint;
        request.headers = {{"Content-Type", k_fhir_json}, {"Accept", k_fhir_json}};
        request.body = std::move(*body);
        return request;
    }

    SendResult interpret(const HttpResponse& response) const override {
        SendResult result;
        result.http_status = response.status;
        if (auto after = response.header("retry-after"); !after.empty()) result.retry_after = parse_retry_after(after);
        auto body = Json::parse(response.body, nullptr, false);
        bool json = !body.is_discarded() && body.is_object();
        if (response.status >= 200 && response.status < 300) {
            if (!json || body.value("resourceType", "") != "Bundle" ||
                body.value("type", "") != "transaction-response") {
                report_unusable_answer(response, "an ITI-65 transaction-response Bundle", result.diagnostics);
                result.status = SendStatus::no_answer; // stored or not, we cannot tell: look it up before resending
                return result;
            }
            Json ids = Json::array();
            for (const auto& entry : body.value("entry", Json::array()))
                if (entry.is_object() && entry.contains("response") && entry["response"].is_object())
                    ids.push_back({{"status", entry["response"].value("status", "")},
                                   {"location", entry["response"].value("location", "")}});
            result.status = SendStatus::accepted;
            result.server_ids = ids.dump();
            return result;
        }
        bool retryable = is_retryable(AttemptOutcome{response.status, result.retry_after});
        result.status = retryable ? SendStatus::no_answer : SendStatus::refused;
        result.duplicate = response.status == 409; // the masterIdentifier is already stored
        if (json && body.value("resourceType", "") == "OperationOutcome")
            report_outcome(body, result.diagnostics, retryable ? Severity::warning : Severity::error);
        if (result.diagnostics.empty())
            result.diagnostics.report(retryable ? Severity::warning : Severity::error, "push.server.http-status",
                                      "the server answered HTTP " + std::to_string(response.status) +
                                          (json ? "" : " without an OperationOutcome"));
        return result;
    }

    std::optional<std::string> find_stored(const PreparedDocument& document, HttpClient& client,
                                           const std::string& authorization) const override {
        HttpRequest request;
        request.url = m_settings.endpoint + "/DocumentReference?identifier=" +
                      formats::percent_encode(unique_id_uri(document.entry.unique_id));
        request.headers = {{"Accept", k_fhir_json}};
        if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
        auto response = client.send(request);
        if (response.status != 200)
            throw TransportError("ITI-67 search answered HTTP " + std::to_string(response.status), response.status);
        auto body = Json::parse(response.body, nullptr, false);
        if (body.is_discarded() || !body.is_object() || body.value("resourceType", "") != "Bundle")
            throw TransportError("ITI-67 search answered something that is not a Bundle");
        // Only the same bytes count as "already there": an id reused for other content is not.
        auto hash = formats::base64_encode(formats::sha1_raw(document.bytes));
        Json ids = Json::array();
        for (const auto& entry : body.value("entry", Json::array())) {
            if (!entry.is_object() || !entry.contains("resource") || !entry["resource"].is_object()) continue;
            const auto& resource = entry["resource"];
            if (resource.value("status", "") == "entered-in-error") continue;
            auto stored = resource.value("/content/0/attachment/hash"_json_pointer, std::string());
            if (!stored.empty() && stored != hash) continue;
            ids.push_back({{"status", "found"}, {"location", entry.value("fullUrl", "")}});
        }
        if (ids.empty()) return std::nullopt;
        return ids.dump();
    }

private:
    TransportSettings m_settings;
};

} // namespace

void report_unusable_answer(const HttpResponse& response, const std::string& what, formats::Diagnostics& out) {
    auto type = response.header("content-type");
    out.report(Severity::error, response.body.empty() ? "push.answer.empty" : "push.answer.unreadable",
               "the server answered HTTP " + std::to_string(response.status) + " with " +
                   (response.body.empty() ? std::string("an empty body")
                                          : "content of type '" + (type.empty() ? std::string("none") : type) + "'") +
                   " where " + what + " was expected");
}

std::unique_ptr<Transport> make_mhd_transport(TransportSettings settings) {
    return std::make_unique<MhdTransport>(std::move(settings));
}

} // namespace healthdoc::push
