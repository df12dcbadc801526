#include "sandbox/server.hpp"

#include "formats/errors.hpp"
#include "sandbox/auth.hpp"
#include "sandbox/connection_drop.hpp"
#include "sandbox/mhd_recipient.hpp"
#include "sandbox/xds_repository.hpp"

#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <csignal>
#include <thread>

namespace healthdoc::sandbox {
namespace {

constexpr const char* k_host = "127.0.0.1";

enum class Api { fhir, xds };

void apply(const HttpAnswer& answer, httplib::Response& res) {
    res.status = answer.status;
    for (const auto& [name, value] : answer.headers) res.set_header(name, value);
    res.set_content(answer.body, answer.content_type.empty() ? "text/plain" : answer.content_type);
}

// Serves TLS 1.2+ only; with a client CA, a verified client certificate is required
// (mutual TLS as the DMP requires it).
bool setup_tls(SSL_CTX& ctx, const SandboxSettings& settings) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, settings.tls_cert.c_str()) != 1) return false;
    if (SSL_CTX_use_PrivateKey_file(&ctx, settings.tls_key.c_str(), SSL_FILETYPE_PEM) != 1) return false;
    if (SSL_CTX_check_private_key(&ctx) != 1) return false;
    if (!settings.client_ca.empty()) {
        if (SSL_CTX_load_verify_locations(&ctx, settings.client_ca.c_str(), nullptr) != 1) return false;
        if (auto* names = SSL_load_client_CA_file(settings.client_ca.c_str())) SSL_CTX_set_client_CA_list(&ctx, names);
        SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    return true;
}

} // namespace

struct SandboxServer::Impl {
    SandboxSettings settings;
    Registry registry;
    BearerAuth auth;
    FaultInjector faults;
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
    std::atomic<int> port{0};
    std::atomic<bool> bound{false};

    explicit Impl(SandboxSettings given)
        : settings(std::move(given)), registry(settings.database), auth(settings.token),
          faults(settings.faults, settings.fault_seed) {}

    std::string base() const {
        return std::string(settings.tls_cert.empty() ? "http" : "https") + "://" + k_host + ":" +
               std::to_string(port.load());
    }

    // Faults first (they stand for the network and a front proxy), then the token, then the
    // handler; a drop cuts the connection so the client never receives an answer.
    void handle(const httplib::Request& req, httplib::Response& res, Api api,
                const std::function<HttpAnswer(const httplib::Request&)>& handler) {
        auto decision = faults.decide(req.method, req.path);
        if (decision.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(decision.delay_ms));
        if (decision.drop == DropPoint::before_store) {
            drop_connection(req.remote_addr, req.remote_port, req.local_addr, req.local_port);
            res.status = 500;
            return;
        }
        if (decision.status != 0) {
            std::string reason = "Fault injected by the sandbox (status " + std::to_string(decision.status) + ").";
            HttpAnswer answer = api == Api::xds
                                    ? soap_fault(decision.status, decision.status < 500 ? "Sender" : "Receiver", reason)
                                    : operation_outcome(decision.status,
                                                        decision.status == 429 ? "throttled" : "transient", "", reason);
            if (decision.retry_after >= 0)
                answer.headers.emplace_back("Retry-After", std::to_string(decision.retry_after));
            apply(answer, res);
            return;
        }
        if (!auth.accepts(req.get_header_value("Authorization"))) {
            bool given = req.has_header("Authorization");
            std::string reason =
                given ? "The bearer token is not valid." : "A bearer token is required (Authorization: Bearer ...).";
            HttpAnswer answer =
                api == Api::xds ? soap_fault(401, "Sender", reason) : operation_outcome(401, "security", "", reason);
            answer.headers.emplace_back("WWW-Authenticate",
                                        given ? "Bearer realm=\"healthdoc-sandbox\", error=\"invalid_token\""
                                              : "Bearer realm=\"healthdoc-sandbox\"");
            apply(answer, res);
            return;
        }
        try {
            apply(handler(req), res);
        } catch (const std::exception&) {
            // Only the registry can throw here (SQLite failure): the server's fault, not the client's.
            apply(api == Api::xds
                      ? soap_fault(500, "Receiver", "The sandbox could not store the request.")
                      : operation_outcome(500, "exception", "", "The sandbox could not process the request."),
                  res);
        }
        if (decision.drop == DropPoint::after_store)
            drop_connection(req.remote_addr, req.remote_port, req.local_addr, req.local_port);
    }

    void routes() {
        auto& s = *server;
        auto route = [this](Api api, std::function<HttpAnswer(const httplib::Request&)> handler) {
            return [this, api, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
                handle(req, res, api, handler);
            };
        };
        auto provide = route(Api::fhir, [this](const httplib::Request& req) {
            return provide_document_bundle(registry, req.body, req.get_header_value("Content-Type"));
        });
        s.Post("/fhir", provide);
        s.Post("/fhir/", provide);
        s.Get("/fhir/metadata", route(Api::fhir, [](const httplib::Request&) { return capability_statement(); }));
        s.Get("/fhir/DocumentReference", route(Api::fhir, [this](const httplib::Request& req) {
                  return search_document_references(registry, req.params, base() + "/fhir");
              }));
        s.Get(R"(/fhir/DocumentReference/([A-Za-z0-9\-\.]{1,64}))",
              route(Api::fhir, [this](const httplib::Request& req) {
                  return read_document_reference(registry, req.matches[1], base() + "/fhir");
              }));
        s.Get(R"(/fhir/Binary/([A-Za-z0-9\-\.]{1,64}))", route(Api::fhir, [this](const httplib::Request& req) {
                  return retrieve_document(registry, req.matches[1], req.get_header_value("Accept"));
              }));
        // A FHIR document pushed with the MHD "FHIR Document Publish" option is also a Bundle.
        s.Get(R"(/fhir/Bundle/([A-Za-z0-9\-\.]{1,64}))", route(Api::fhir, [this](const httplib::Request& req) {
                  return retrieve_document(registry, req.matches[1], req.get_header_value("Accept"));
              }));
        s.Post("/xds/repository", route(Api::xds, [this](const httplib::Request& req) {
                   return provide_and_register(registry, req.body, req.get_header_value("Content-Type"));
               }));
        s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) return;
            if (req.path.rfind("/xds", 0) == 0)
                apply(soap_fault(res.status, "Sender", "No such endpoint; use POST /xds/repository."), res);
            else
                apply(operation_outcome(res.status, "not-found", "", "No such endpoint or method on the sandbox."),
                      res);
        });
        if (settings.log)
            s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
                settings.log(req.method + " " + req.path + " " + std::to_string(res.status));
            });
        s.set_socket_options([](socket_t sock) {
            // SO_REUSEADDR only: httplib's default SO_REUSEPORT would let two sandboxes share a port.
            int yes = 1;
            setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
        });
        s.set_payload_max_length(std::size_t{512} * 1024 * 1024);
        s.set_read_timeout(30, 0);
        s.set_write_timeout(30, 0);
        s.new_task_queue = [] { return new httplib::ThreadPool(16); };
    }
};

SandboxServer::SandboxServer(SandboxSettings settings) : m_impl(std::make_unique<Impl>(std::move(settings))) {
    const auto& s = m_impl->settings;
    if (s.tls_cert.empty() != s.tls_key.empty()) throw UsageError("--tls-cert and --tls-key go together");
    if (!s.client_ca.empty() && s.tls_cert.empty()) throw UsageError("--client-ca needs --tls-cert and --tls-key");
    if (s.tls_cert.empty()) {
        m_impl->server = std::make_unique<httplib::Server>();
    } else {
        auto tls_server = std::make_unique<httplib::SSLServer>([&s](SSL_CTX& ctx) { return setup_tls(ctx, s); });
        if (!tls_server->is_valid())
            throw UsageError("cannot use the TLS certificate, key or client CA (" + s.tls_cert.string() + ", " +
                             s.tls_key.string() + (s.client_ca.empty() ? "" : ", " + s.client_ca.string()) + ")");
        m_impl->server = std::move(tls_server);
    }
    m_impl->routes();
}

SandboxServer::~SandboxServer() {
    stop();
    if (m_impl->thread.joinable()) m_impl->thread.join();
}

int SandboxServer::bind() {
    if (m_impl->bound) return m_impl->port;
    int port = m_impl->settings.port;
    if (port == 0) {
        port = m_impl->server->bind_to_any_port(k_host);
        if (port <= 0) throw TransportError("cannot bind a free port on 127.0.0.1");
    } else if (!m_impl->server->bind_to_port(k_host, port)) {
        throw TransportError("cannot listen on 127.0.0.1:" + std::to_string(port) + " (port in use?)");
    }
    m_impl->port = port;
    m_impl->bound = true;
    return port;
}

void SandboxServer::run() {
    bind();
    std::signal(SIGPIPE, SIG_IGN);
    m_impl->server->listen_after_bind();
}

void SandboxServer::start() {
    bind();
    std::signal(SIGPIPE, SIG_IGN);
    m_impl->thread = std::thread([this] { m_impl->server->listen_after_bind(); });
    // listen_after_bind sets is_running before accepting; the socket already queues connections.
    for (int i = 0; i < 500 && !m_impl->server->is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

void SandboxServer::stop() {
    if (m_impl && m_impl->server) m_impl->server->stop();
}

int SandboxServer::port() const noexcept { return m_impl->port; }
bool SandboxServer::tls() const noexcept { return !m_impl->settings.tls_cert.empty(); }
std::string SandboxServer::fhir_base() const { return m_impl->base() + "/fhir"; }
std::string SandboxServer::xds_endpoint() const { return m_impl->base() + "/xds/repository"; }
Registry& SandboxServer::registry() noexcept { return m_impl->registry; }

} // namespace healthdoc::sandbox
