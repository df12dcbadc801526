// One push run: for each input, read, validate, map the header, build the payload, consult the
// ledger, send with retries, and record the outcome. Nothing accepted is sent again (unless
// forced); a document whose fate is uncertain (a run killed or a connection dropped after the
// request left) is looked up on the server before it is sent again.
#pragma once

#include "cda/validation.hpp"
#include "formats/input_files.hpp"
#include "formats/report.hpp"
#include "push/credentials.hpp"
#include "push/http_client.hpp"
#include "push/retry_policy.hpp"
#include "push/transport.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace healthdoc::push {

struct PushSettings {
    std::filesystem::path ledger_path;                  // the SQLite ledger
    bool validate = true;                               // refuse to send a document with errors
    bool force = false;                                 // send again what the ledger says was accepted
    bool dry_run = false;                               // build and validate, send nothing, touch no ledger
    std::optional<std::filesystem::path> save_payloads; // write each payload there
    unsigned jobs = 4;                                  // parallel transfers
    RetrySettings retry;
    HttpSettings http;
};

// What happened to one document ("outcome" in the report details).
enum class PushOutcome { accepted, already_accepted, found_on_server, refused, invalid, failed, planned };
std::string_view to_string(PushOutcome outcome);

struct PushProgress {
    std::size_t done = 0, total = 0, accepted = 0, failures = 0;
    double seconds = 0;
};

class PushRun {
public:
    // `validator` may be null (no validation). The transport and credentials outlive the run.
    PushRun(PushSettings settings, const Transport& transport, std::shared_ptr<Credentials> credentials,
            const cda::Validator* validator);

    // Pushes `inputs` on up to settings.jobs threads; reports in input order. Each report's
    // details hold outcome, documentId, attempts and serverIds. `progress` (optional) is called
    // after each document, from the worker threads, one call at a time.
    std::vector<formats::DocumentReport> run(const std::vector<formats::InputRef>& inputs,
                                             const std::function<void(const PushProgress&)>& progress = {});

    // The outcome recorded in a report by run().
    static std::optional<PushOutcome> outcome_of(const formats::DocumentReport& report);

private:
    PushSettings m_settings;
    const Transport& m_transport;
    std::shared_ptr<Credentials> m_credentials;
    const cda::Validator* m_validator;
};

} // namespace healthdoc::push
