#include "push/push_run.hpp"

#include "formats/atomic_file.hpp"
#include "formats/errors.hpp"
#include "formats/hash.hpp"
#include "formats/parallel.hpp"
#include "push/ledger.hpp"
#include "push/ready_bundle.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace healthdoc::push {
namespace {

using formats::Severity;
using Clock = std::chrono::steady_clock;

// HTTP clients keep their connection between requests but are not thread-safe: each worker
// borrows one for a document and gives it back.
class ClientPool {
public:
    explicit ClientPool(HttpSettings settings) : m_settings(std::move(settings)) {}
    std::unique_ptr<HttpClient> take() {
        std::lock_guard lock(m_mutex);
        if (m_free.empty()) return std::make_unique<HttpClient>(m_settings);
        auto client = std::move(m_free.back());
        m_free.pop_back();
        return client;
    }
    void give_back(std::unique_ptr<HttpClient> client) {
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(client));
    }

private:
    HttpSettings m_settings;
    std::vector<std::unique_ptr<HttpClient>> m_free;
    std::mutex m_mutex;
};

struct DocumentJob {
    explicit DocumentJob(formats::DocumentReport& target) : report(target) {}
    formats::DocumentReport& report;
    PushOutcome outcome = PushOutcome::failed;
    int attempts = 0;
    std::string document_id, server_ids;
};

void finish(DocumentJob& job, PushOutcome outcome) {
    job.outcome = outcome;
    job.report.details["outcome"] = std::string(to_string(outcome));
    job.report.details["documentId"] = job.document_id;
    job.report.details["attempts"] = job.attempts;
    auto ids = nlohmann::ordered_json::parse(job.server_ids.empty() ? "null" : job.server_ids, nullptr, false);
    job.report.details["serverIds"] = ids.is_discarded() ? nlohmann::ordered_json(job.server_ids) : ids;
}

// What every document of a run shares.
struct RunContext {
    const PushSettings& settings;
    const Transport& transport;
    Credentials& credentials;
    const cda::Validator* validator;
    Ledger* ledger; // null on a dry run
    ClientPool& clients;
};

// Reads `input` and makes it ready to send: a CDA document validated and mapped, or a ready
// ITI-65 Bundle checked. std::nullopt when it cannot or must not be sent (findings in `report`).
std::optional<PreparedDocument> read_and_prepare(const RunContext& run, const formats::InputRef& input,
                                                 formats::DocumentReport& report) {
    auto& out = report.diagnostics;
    formats::SourceText source;
    try {
        source = input.is_stdin() ? formats::SourceText::from_stdin() : formats::SourceText::from_file(input.path);
    } catch (const Error& error) {
        report.unreadable = true;
        out.report(Severity::fatal, "io.read.failed", error.what(), formats::Location{report.file, 0, 0, {}});
        return std::nullopt;
    }
    auto format = formats::detect_format(source).format;
    report.kind = std::string(formats::to_string(format));
    std::optional<PreparedDocument> prepared;
    if (format == formats::Format::fhir_json || format == formats::Format::fhir_xml) {
        // A FHIR document Bundle (wrapped like a CDA document), or a ready ITI-65 Bundle
        // (checked, then sent as it is).
        prepared = prepare_fhir_input(source, out, run.transport.settings());
        if (!prepared) {
            report.unreadable = out.has_at_least(Severity::fatal);
            return std::nullopt;
        }
    } else {
        if (run.validator) {
            auto validation = run.validator->validate(source);
            report.unreadable = validation.unreadable;
            out.append(validation.diagnostics);
            if (validation.unreadable || (run.settings.validate && out.has_at_least(Severity::error))) {
                if (!validation.unreadable)
                    out.report(Severity::error, "push.not-sent.invalid",
                               "the document has errors and was not sent (--no-validate sends it anyway)",
                               formats::Location{report.file, 0, 0, {}});
                return std::nullopt;
            }
        }
        prepared = prepare_document(source, out);
        if (!prepared) return std::nullopt;
    }
    return prepared;
}

// Sends `request` for `prepared` with the ledger and retries, and returns what happened.
PushOutcome send_with_retries(const RunContext& run, const PreparedDocument& prepared, const HttpRequest& request,
                              DocumentJob& job) {
    auto& out = job.report.diagnostics;
    LedgerKey key{request.url, prepared.entry.unique_id, formats::sha256_hex(prepared.bytes)};
    auto client = run.clients.take();
    struct GiveBack {
        ClientPool& pool;
        std::unique_ptr<HttpClient>& client;
        ~GiveBack() { pool.give_back(std::move(client)); }
    } give_back{run.clients, client};

    auto look_up = [&]() -> bool {
        try {
            if (auto ids = run.transport.find_stored(prepared, *client, run.credentials.authorization())) {
                run.ledger->mark_accepted(key, *ids);
                job.server_ids = *ids;
                out.report(Severity::information, "push.found-on-server",
                           "the server already holds this document (an earlier attempt reached it): not sent again");
                return true;
            }
        } catch (const TransportError&) {
            // Cannot tell: sending again is still safe, the server refuses a duplicate id.
        }
        return false;
    };

    bool uncertain = false; // an attempt may have been stored without us hearing it
    if (auto known = run.ledger->find(key); known && !run.settings.force) {
        uncertain = known->state == LedgerState::sending;
        if (known->state == LedgerState::accepted) {
            job.server_ids = known->server_ids;
            out.report(Severity::information, "push.skipped.already-accepted",
                       "already accepted by this endpoint in an earlier run (" + known->updated_at +
                           "): not sent again (--force resends)");
            return PushOutcome::already_accepted;
        }
        if (known->state == LedgerState::sending && look_up()) return PushOutcome::found_on_server;
    }

    RetryPolicy policy(run.settings.retry);
    bool reauthenticated = false;
    for (int attempt = 1;; ++attempt) {
        job.attempts = attempt;
        run.ledger->mark_sending(key);
        SendResult result;
        bool request_left = false;
        try {
            auto sending = request;
            if (auto authorization = run.credentials.authorization(); !authorization.empty())
                sending.headers.emplace_back("Authorization", authorization);
            request_left = true;
            auto response = client->send(sending);
            result = run.transport.interpret(response);
        } catch (const TransportError& error) {
            result.status = SendStatus::no_answer;
            result.diagnostics.report(Severity::warning, "push.transport.no-answer",
                                      std::string("attempt ") + std::to_string(attempt) + ": " + error.what());
        } catch (const UsageError& error) { // the OAuth2 endpoint refused our credentials
            out.report(Severity::error, "push.auth.refused", error.what());
            run.ledger->mark_refused(key, error.what());
            return PushOutcome::refused;
        }
        if (result.http_status == 401 && !reauthenticated && run.credentials.tokens_fetched() > 0) {
            run.credentials.invalidate(); // an expired OAuth2 token: fetch a new one once
            reauthenticated = true;
            continue;
        }
        if (result.status == SendStatus::accepted) {
            out.append(result.diagnostics);
            run.ledger->mark_accepted(key, result.server_ids);
            job.server_ids = result.server_ids;
            return PushOutcome::accepted;
        }
        // The id is already stored. When our own earlier attempt may have stored it (its answer
        // was lost, in this run or the last), that is this document, not a conflict: the
        // ledger key includes the content hash, and MHD checks the stored hash on look-up.
        if (result.status == SendStatus::refused && result.duplicate) {
            if (look_up()) return PushOutcome::found_on_server;
            if (uncertain) {
                run.ledger->mark_accepted(key, "");
                out.report(Severity::information, "push.found-on-server",
                           "the server already holds this document id, stored by an earlier attempt whose answer "
                           "was lost: not sent twice");
                return PushOutcome::found_on_server;
            }
        }
        if (result.status == SendStatus::refused) {
            out.append(result.diagnostics);
            if (result.http_status == 401 || result.http_status == 403)
                out.report(Severity::error, "push.auth.refused",
                           "the server refused the credentials (HTTP " + std::to_string(result.http_status) +
                               "): check the token, client credentials or client certificate");
            std::string reason = "HTTP " + std::to_string(result.http_status);
            for (const auto& d : result.diagnostics.items())
                if (d.severity >= Severity::error) {
                    reason += ": " + d.message;
                    break;
                }
            run.ledger->mark_refused(key, reason);
            return PushOutcome::refused;
        }
        auto wait = policy.delay_before(attempt + 1, AttemptOutcome{result.http_status, result.retry_after});
        if (!wait) {
            out.append(result.diagnostics);
            out.report(Severity::error, "push.transport.failed",
                       "no usable answer after " + std::to_string(attempt) +
                           " attempt(s); the ledger keeps the document as uncertain, and the next run looks it up "
                           "before sending it again");
            return PushOutcome::failed;
        }
        std::this_thread::sleep_for(*wait);
        // No answer, or a success we could not read: the request may have been stored. Ask
        // before resending, and remember it for a duplicate-id answer.
        bool maybe_stored =
            request_left && (result.http_status == 0 || (result.http_status >= 200 && result.http_status < 300));
        uncertain = uncertain || maybe_stored;
        if (maybe_stored && look_up()) return PushOutcome::found_on_server;
    }
}

// One document, from its input to its outcome.
PushOutcome push_document(const RunContext& run, const formats::InputRef& input, DocumentJob& job) {
    auto& report = job.report;
    auto prepared = read_and_prepare(run, input, report);
    if (!prepared) return PushOutcome::invalid;
    job.document_id = prepared->entry.unique_id;
    auto request = run.transport.build(*prepared, report.diagnostics);
    if (!request) return PushOutcome::invalid;
    if (run.settings.save_payloads) {
        formats::Diagnostics ignored; // the same findings as build() just reported
        if (auto payload = run.transport.payload(*prepared, ignored)) {
            auto name = std::filesystem::path(report.file).stem().string() + "." + std::string(run.transport.name()) +
                        run.transport.payload_extension();
            formats::write_file_atomically((*run.settings.save_payloads / name).string(), *payload);
        }
    }
    if (run.settings.dry_run) return PushOutcome::planned;
    return send_with_retries(run, *prepared, *request, job);
}

} // namespace

std::string_view to_string(PushOutcome outcome) {
    switch (outcome) {
    case PushOutcome::accepted: return "accepted";
    case PushOutcome::already_accepted: return "already-accepted";
    case PushOutcome::found_on_server: return "found-on-server";
    case PushOutcome::refused: return "refused";
    case PushOutcome::invalid: return "invalid";
    case PushOutcome::failed: return "failed";
    case PushOutcome::planned: return "planned";
    }
    return "failed";
}

std::optional<PushOutcome> PushRun::outcome_of(const formats::DocumentReport& report) {
    auto name = report.details.value("outcome", std::string());
    for (auto o : {PushOutcome::accepted, PushOutcome::already_accepted, PushOutcome::found_on_server,
                   PushOutcome::refused, PushOutcome::invalid, PushOutcome::failed, PushOutcome::planned})
        if (to_string(o) == name) return o;
    return std::nullopt;
}

PushRun::PushRun(PushSettings settings, const Transport& transport, std::shared_ptr<Credentials> credentials,
                 const cda::Validator* validator)
    : m_settings(std::move(settings)), m_transport(transport), m_credentials(std::move(credentials)),
      m_validator(validator) {
    if (!m_credentials) m_credentials = std::make_shared<Credentials>();
}

std::vector<formats::DocumentReport> PushRun::run(const std::vector<formats::InputRef>& inputs,
                                                  const std::function<void(const PushProgress&)>& progress) {
    std::vector<formats::DocumentReport> reports(inputs.size());
    std::unique_ptr<Ledger> ledger;
    if (!m_settings.dry_run) ledger = std::make_unique<Ledger>(m_settings.ledger_path);
    if (m_settings.save_payloads) std::filesystem::create_directories(*m_settings.save_payloads);
    ClientPool clients(m_settings.http);
    std::mutex progress_mutex;
    PushProgress counters;
    counters.total = inputs.size();
    auto started = Clock::now();

    RunContext context{m_settings, m_transport, *m_credentials, m_validator, ledger.get(), clients};
    auto push_one = [&](std::size_t index) {
        auto document_started = Clock::now();
        auto& report = reports[index];
        report.file = inputs[index].path;
        DocumentJob job(report);
        auto outcome = push_document(context, inputs[index], job);
        finish(job, outcome);
        report.seconds = std::chrono::duration<double>(Clock::now() - document_started).count();
        std::lock_guard lock(progress_mutex);
        ++counters.done;
        if (outcome == PushOutcome::accepted || outcome == PushOutcome::already_accepted ||
            outcome == PushOutcome::found_on_server)
            ++counters.accepted;
        else if (outcome != PushOutcome::planned)
            ++counters.failures;
        counters.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        if (progress) progress(counters);
    };

    formats::parallel_for(inputs.size(), m_settings.jobs, push_one);
    return reports;
}

} // namespace healthdoc::push
