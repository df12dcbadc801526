#include "cda/validation.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/push_progress.hpp"
#include "cli/submission_options.hpp"
#include "formats/errors.hpp"
#include "formats/input_files.hpp"
#include "push/credentials.hpp"
#include "push/ledger.hpp"
#include "push/push_run.hpp"
#include "push/secrets.hpp"
#include "push/transport.hpp"
#include "push/xds_message.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace healthdoc::cli {

namespace {

struct PushOptions {
    std::vector<std::string> inputs;
    std::string endpoint;
    std::string transport = "mhd";
    SubmissionOptions submission;
    ReportOptions report;
    // auth and TLS
    std::string token_file, token_env;
    std::string oauth_token_url, oauth_client_id, oauth_secret_file, oauth_secret_env, oauth_scope;
    std::string cert, key, pkcs12, key_password_file, key_password_env, ca_bundle;
    std::string saml_assertion;
    // behaviour
    bool no_validate = false, force = false, dry_run = false;
    std::string save_payloads, ledger, schemas;
    int attempts = 5;
    double connect_timeout = 10, timeout = 120;
};

std::string read_whole_file(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read the " + what + " " + path);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

push::HttpSettings http_settings(const PushOptions& options, const GlobalOptions& global) {
    push::HttpSettings http;
    http.connect_timeout = std::chrono::milliseconds(static_cast<long long>(options.connect_timeout * 1000));
    http.total_timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout * 1000));
    http.tls.ca_bundle = options.ca_bundle;
    if (!options.pkcs12.empty()) {
        http.tls.client_cert = options.pkcs12;
        http.tls.pkcs12 = true;
    } else {
        http.tls.client_cert = options.cert;
        http.tls.client_key = options.key;
    }
    http.tls.key_password = push::read_secret(options.key_password_file, options.key_password_env, "key password");
    if (global.verbose) http.trace = [](std::string_view line) { std::cerr << "healthdoc: " << line << '\n'; };
    return http;
}

std::shared_ptr<push::Credentials> credentials(const PushOptions& options, const push::HttpSettings& http) {
    auto token = push::read_secret(options.token_file, options.token_env, "bearer token");
    if (!options.oauth_token_url.empty()) {
        if (!token.empty()) throw UsageError("give a bearer token or OAuth2 client credentials, not both");
        if (options.oauth_client_id.empty()) throw UsageError("--oauth-token-url needs --oauth-client-id");
        push::OAuth2Settings oauth;
        oauth.token_url = options.oauth_token_url;
        oauth.client_id = options.oauth_client_id;
        oauth.client_secret =
            push::read_secret(options.oauth_secret_file, options.oauth_secret_env, "OAuth2 client secret");
        if (oauth.client_secret.empty())
            throw UsageError("the OAuth2 client secret is needed: --oauth-secret-file FILE or --oauth-secret-env NAME");
        oauth.scope = options.oauth_scope;
        return push::Credentials::oauth2(std::move(oauth), http);
    }
    if (!token.empty()) return push::Credentials::bearer(std::move(token));
    return std::make_shared<push::Credentials>();
}

int exit_code_for_push(const formats::RunReport& run, bool warnings_as_errors) {
    bool failed = false, refused = false;
    for (const auto& document : run.documents) {
        auto outcome = push::PushRun::outcome_of(document);
        if (document.unreadable) return k_exit_usage;
        if (outcome == push::PushOutcome::failed) failed = true;
        if (outcome == push::PushOutcome::refused || outcome == push::PushOutcome::invalid) refused = true;
        if (warnings_as_errors && document.diagnostics.has_at_least(formats::Severity::warning)) refused = true;
    }
    if (failed) return k_exit_transport;
    return refused ? k_exit_findings : k_exit_ok;
}

int run_push(const PushOptions& options, const GlobalOptions& global) {
    auto started = std::chrono::steady_clock::now();
    auto settings_for_transport = transport_settings(options.submission, options.endpoint);
    if (!options.saml_assertion.empty()) {
        settings_for_transport.saml_assertion = read_whole_file(options.saml_assertion, "SAML assertion");
        push::require_saml_assertion(settings_for_transport.saml_assertion, options.saml_assertion);
    }
    auto transport = options.transport == "xds" ? push::make_xds_transport(settings_for_transport)
                                                : push::make_mhd_transport(settings_for_transport);

    push::PushSettings settings;
    settings.ledger_path = options.ledger.empty() ? push::default_ledger_path() : std::filesystem::path(options.ledger);
    settings.validate = !options.no_validate;
    settings.force = options.force;
    settings.dry_run = options.dry_run;
    if (!options.save_payloads.empty()) settings.save_payloads = options.save_payloads;
    settings.jobs = global.jobs == 0 ? 4 : global.jobs;
    settings.retry.max_attempts = std::max(1, options.attempts);
    settings.http = http_settings(options, global);
    auto auth = credentials(options, settings.http);

    formats::RunReport run;
    run.command = "push";
    cda::ValidationSettings validation;
    if (!options.schemas.empty()) validation.schemas = options.schemas;
    cda::Validator validator(validation, run.run_diagnostics);
    auto inputs = formats::expand_inputs(options.inputs, {".xml", ".json"});
    if (global.verbose)
        std::cerr << "healthdoc: " << inputs.size() << " input(s) to " << options.endpoint << " over "
                  << transport->name() << ", ledger " << settings.ledger_path.string() << ", " << settings.jobs
                  << " transfer(s) at once\n";

    push::PushRun pusher(settings, *transport, auth, &validator);
    ProgressBar bar(!global.quiet && ::isatty(STDERR_FILENO) && !global.verbose);
    run.documents = pusher.run(inputs, [&](const push::PushProgress& progress) { bar.update(progress); });
    bar.finish();
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    finish_run(run, options.report, global);
    return exit_code_for_push(run, options.report.warnings_as_errors);
}

} // namespace

void setup_push(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<PushOptions>();
    auto* command = app.add_subcommand("push", "Send documents to the health space (MHD ITI-65 or XDS.b ITI-41)");
    command
        ->add_option("inputs", options->inputs,
                     "CDA documents or ready ITI-65 Bundles (FHIR JSON): files or directories (*.xml, *.json)")
        ->required();
    command->add_option("--endpoint", options->endpoint, "FHIR base URL (mhd) or XDS.b repository URL (xds)")
        ->required();
    command->add_option("--transport", options->transport, "mhd (FHIR base) or xds (XDS.b repository)")
        ->check(CLI::IsMember({"mhd", "xds"}))
        ->capture_default_str();
    add_submission_options(*command, options->submission);
    add_report_options(*command, options->report);

    auto* auth = "Authentication and TLS (secrets only from files or environment variables)";
    command->add_option("--token-file", options->token_file, "Bearer token file")->group(auth);
    command->add_option("--token-env", options->token_env, "Environment variable holding the bearer token")
        ->group(auth);
    command
        ->add_option("--oauth-token-url", options->oauth_token_url, "OAuth2 token endpoint (client credentials grant)")
        ->group(auth);
    command->add_option("--oauth-client-id", options->oauth_client_id, "OAuth2 client id")->group(auth);
    command->add_option("--oauth-secret-file", options->oauth_secret_file, "OAuth2 client secret file")->group(auth);
    command
        ->add_option("--oauth-secret-env", options->oauth_secret_env,
                     "Environment variable holding the OAuth2 client secret")
        ->group(auth);
    command->add_option("--oauth-scope", options->oauth_scope, "OAuth2 scope")->group(auth);
    command->add_option("--cert", options->cert, "Client certificate (PEM) for mutual TLS")->group(auth);
    command->add_option("--key", options->key, "Client private key (PEM)")->group(auth);
    command->add_option("--pkcs12", options->pkcs12, "Client certificate and key as PKCS#12")->group(auth);
    command->add_option("--key-password-file", options->key_password_file, "File holding the key or PKCS#12 password")
        ->group(auth);
    command->add_option("--key-password-env", options->key_password_env, "Environment variable holding that password")
        ->group(auth);
    command->add_option("--ca-bundle", options->ca_bundle, "PEM file of trusted CAs (default: the system's)")
        ->group(auth);
    command
        ->add_option("--saml-assertion", options->saml_assertion, "SAML assertion (the DMP's VIHF) for XDS WS-Security")
        ->group(auth);

    command->add_flag("--no-validate", options->no_validate, "Send documents even when they have errors");
    command->add_flag("--force", options->force, "Send again documents the ledger says were accepted");
    command->add_flag("--dry-run", options->dry_run, "Build and validate the payloads; send nothing");
    command->add_option("--save-payloads", options->save_payloads, "Write each payload to this folder");
    command->add_option("--ledger", options->ledger, "Ledger file (default: $XDG_STATE_HOME/healthdoc/ledger.sqlite)");
    command->add_option("--schemas", options->schemas, "CDA schema for the validation before sending");
    command->add_option("--attempts", options->attempts, "Attempts per document, the first included")
        ->capture_default_str();
    command->add_option("--connect-timeout", options->connect_timeout, "Connection timeout, seconds")
        ->capture_default_str();
    command->add_option("--timeout", options->timeout, "Whole-request timeout, seconds")->capture_default_str();
    command->callback([options, &context] { context.exit_code = run_push(*options, context.global); });
}

} // namespace healthdoc::cli
