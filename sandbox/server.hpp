// The sandbox HTTP server: a local stand-in of the health-space API on 127.0.0.1 only
// (cpp-httplib), wiring the MHD and XDS.b handlers to one SQLite registry, with optional
// bearer token, TLS / mutual TLS and fault injection.
//
// Endpoints (base = http[s]://127.0.0.1:<port>):
//   POST {base}/fhir                          ITI-65 Provide Document Bundle
//   GET  {base}/fhir/DocumentReference?...    ITI-67 Find Document References
//   GET  {base}/fhir/DocumentReference/<id>   read
//   GET  {base}/fhir/Binary/<id>              ITI-68 Retrieve Document
//   GET  {base}/fhir/metadata                 CapabilityStatement
//   POST {base}/xds/repository                ITI-41 Provide and Register Document Set-b
#pragma once

#include "sandbox/faults.hpp"
#include "sandbox/registry.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace healthdoc::sandbox {

struct SandboxSettings {
    std::filesystem::path database;   // SQLite file (created when absent)
    int port = 0;                     // 0: any free port
    std::optional<std::string> token; // bearer token every request must carry; never printed
    std::filesystem::path tls_cert;   // PEM certificate chain; with tls_key, serves HTTPS
    std::filesystem::path tls_key;    // PEM private key
    std::filesystem::path client_ca;  // PEM CA bundle: client certificates required and verified
    std::vector<FaultRule> faults;
    std::uint64_t fault_seed = 0;
    // Called once per answered request with "METHOD /path STATUS" (no headers, no query, no
    // secrets), from the server's threads; may be empty.
    std::function<void(const std::string&)> log;
};

// One sandbox instance. Construct, then start() (background thread) or bind() + run().
class SandboxServer {
public:
    // Opens the registry and prepares TLS. Throws OutputError (database), UsageError (TLS files
    // unusable, cert without key).
    explicit SandboxServer(SandboxSettings settings);
    // Stops serving and waits for the background thread, if any.
    ~SandboxServer();
    SandboxServer(const SandboxServer&) = delete;
    SandboxServer& operator=(const SandboxServer&) = delete;

    // Binds 127.0.0.1:<port> and returns the bound port. Throws TransportError when it cannot.
    int bind();
    // Serves until stop() (binds first when needed). Ignores SIGPIPE for the whole process, as
    // dropped connections make writes fail.
    void run();
    // bind() when needed, then run() on a background thread; returns once requests are accepted.
    void start();
    // Stops accepting and lets run() return. Safe from any thread, idempotent.
    void stop();

    int port() const noexcept;
    bool tls() const noexcept;
    // "http://127.0.0.1:<port>/fhir" (https with TLS).
    std::string fhir_base() const;
    // "http://127.0.0.1:<port>/xds/repository" (https with TLS).
    std::string xds_endpoint() const;
    Registry& registry() noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace healthdoc::sandbox
