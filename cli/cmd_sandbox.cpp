#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "formats/errors.hpp"
#include "push/secrets.hpp"
#include "sandbox/auth.hpp"
#include "sandbox/faults.hpp"
#include "sandbox/server.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <pthread.h>

namespace healthdoc::cli {

namespace {
struct SandboxOptions {
    int port = 8080;
    std::string db;
    std::string token_file;
    std::string token_env;
    std::string tls_cert;
    std::string tls_key;
    std::string client_ca;
    std::vector<std::string> faults;
    std::string faults_file;
    std::uint64_t fault_seed = 0;
};

int run_sandbox(const SandboxOptions& options, const GlobalOptions& global) {
    sandbox::SandboxSettings settings;
    settings.database = options.db;
    settings.port = options.port;
    if (!options.token_file.empty()) settings.token = push::read_secret_file(options.token_file, "bearer token");
    if (!options.token_env.empty()) settings.token = push::read_secret_env(options.token_env, "bearer token");
    settings.tls_cert = options.tls_cert;
    settings.tls_key = options.tls_key;
    settings.client_ca = options.client_ca;
    for (const auto& rule : options.faults) settings.faults.push_back(sandbox::parse_fault_rule(rule));
    if (!options.faults_file.empty())
        for (auto& rule : sandbox::read_fault_file(options.faults_file)) settings.faults.push_back(rule);
    settings.fault_seed = options.fault_seed;
    auto log_mutex = std::make_shared<std::mutex>();
    if (global.verbose)
        settings.log = [log_mutex](const std::string& line) {
            std::lock_guard lock(*log_mutex);
            std::cerr << "sandbox: " << line << '\n';
        };

    // SIGINT/SIGTERM are blocked before any server thread exists (threads inherit the mask) and
    // taken synchronously by sigwait below, so no handler runs inside httplib's threads.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigset_t previous;
    pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
    try {
        sandbox::SandboxServer server(std::move(settings));
        server.start();
        // Tests and scripts wait for these lines: one per endpoint, flushed at once.
        std::printf("FHIR base: %s\n", server.fhir_base().c_str());
        std::printf("XDS.b repository: %s\n", server.xds_endpoint().c_str());
        std::fflush(stdout);
        if (!global.quiet)
            std::cerr << "sandbox: serving " << server.registry().count() << " stored document(s) from " << options.db
                      << "; stop with Ctrl-C\n";
        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        server.stop();
        if (!global.quiet) std::cerr << "sandbox: stopped\n";
    } catch (...) {
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        throw;
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return k_exit_ok;
}
} // namespace

void setup_sandbox(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<SandboxOptions>();
    auto* command = app.add_subcommand("sandbox", "Serve a local stand-in of the health-space API on 127.0.0.1");
    command->add_option("--port", options->port, "TCP port on 127.0.0.1 (0: any free port, printed)")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    command->add_option("--db", options->db, "SQLite file holding the stored documents (created if absent)")
        ->required();
    auto* token_file = command->add_option("--token-file", options->token_file,
                                           "Require 'Authorization: Bearer <token>', the token read from this file");
    auto* token_env = command->add_option("--token-env", options->token_env,
                                          "Require a bearer token, read from this environment variable");
    token_file->excludes(token_env);
    auto* cert = command->add_option("--tls-cert", options->tls_cert, "Serve HTTPS with this PEM certificate (chain)");
    auto* key = command->add_option("--tls-key", options->tls_key, "PEM private key of --tls-cert");
    cert->needs(key);
    key->needs(cert);
    command
        ->add_option("--client-ca", options->client_ca,
                     "Require client certificates issued by this PEM CA (mutual TLS)")
        ->needs(cert);
    command->add_option(
        "--fault", options->faults,
        "Inject a fault (repeatable), e.g. status=503,count=2 | status=429,retry-after=1,count=1 | "
        "random=0.3,status=503 | delay-ms=500 | drop=after-store,count=1 [,path=/fhir,method=POST,skip=N]");
    command->add_option("--faults", options->faults_file, "JSON file with an array of fault rules (same keys)");
    command->add_option("--fault-seed", options->fault_seed, "Seed of the random faults (reproducible runs)")
        ->capture_default_str();
    command->callback([options, &context] { context.exit_code = run_sandbox(*options, context.global); });
}

} // namespace healthdoc::cli
