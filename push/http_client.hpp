// A small HTTP(S) client over libcurl for the transports: certificate verification always on,
// TLS 1.2 at least, optional client certificate (PEM or PKCS#12) and CA bundle, timeouts,
// and a --verbose trace in which credentials never appear.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace healthdoc::push {

struct TlsSettings {
    std::string ca_bundle;    // PEM file of trusted CAs; empty = the system store
    std::string client_cert;  // PEM certificate, or a PKCS#12 file when `pkcs12` is set
    std::string client_key;   // PEM private key (may be in client_cert)
    std::string key_password; // secret: the key's or the PKCS#12 file's password
    bool pkcs12 = false;
};

struct HttpSettings {
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds total_timeout{120000};
    TlsSettings tls;
    // Receives trace lines (request line, headers with credentials redacted, status) when set.
    std::function<void(std::string_view)> trace;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    HttpHeaders headers;
    std::string body;
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers; // names lower-cased
    std::string body;
    // The first value of header `name` (case-insensitive), "" when absent.
    std::string header(std::string_view name) const;
};

// Header names whose values are secrets and are shown as "[redacted]" in traces.
bool is_secret_header(std::string_view name);

// One client per thread: it keeps its connection open between requests (not thread-safe).
class HttpClient {
public:
    explicit HttpClient(HttpSettings settings);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends `request` and returns the answer, whatever its status. Throws TransportError (status
    // 0) when no answer came: connection refused or dropped, timeout, TLS failure.
    HttpResponse send(const HttpRequest& request);

private:
    HttpSettings m_settings;
    void* m_curl; // CURL*, kept opaque so that only this file's source includes curl.h
};

} // namespace healthdoc::push
