#include "push/http_client.hpp"

#include "formats/errors.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace healthdoc::push {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
        text.remove_suffix(1);
    return std::string(text);
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* response = static_cast<HttpResponse*>(user);
    std::string_view line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
        response->headers.clear(); // a new response (after 100-continue or a redirect)
        return size * count;
    }
    auto colon = line.find(':');
    if (colon != std::string_view::npos)
        response->headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
    return size * count;
}

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

std::string HttpResponse::header(std::string_view name) const {
    auto wanted = lower(name);
    for (const auto& [key, value] : headers)
        if (key == wanted) return value;
    return {};
}

bool is_secret_header(std::string_view name) {
    auto n = lower(name);
    return n == "authorization" || n == "proxy-authorization" || n == "cookie" || n == "set-cookie" || n == "x-api-key";
}

HttpClient::HttpClient(HttpSettings settings) : m_settings(std::move(settings)) {
    global_init();
    m_curl = curl_easy_init();
    if (!m_curl) throw TransportError("cannot initialise libcurl");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(m_curl)); }

HttpResponse HttpClient::send(const HttpRequest& request) {
    auto* curl = static_cast<CURL*>(m_curl);
    curl_easy_reset(curl); // keeps the connection cache
    HttpResponse response;
    char error[CURL_ERROR_SIZE] = {0};

    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_settings.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_settings.total_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
    // Certificate checks are never switched off; TLS below 1.2 is refused.
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    const auto& tls = m_settings.tls;
    if (!tls.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, tls.ca_bundle.c_str());
    if (!tls.client_cert.empty()) {
        curl_easy_setopt(curl, CURLOPT_SSLCERT, tls.client_cert.c_str());
        curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, tls.pkcs12 ? "P12" : "PEM");
    }
    if (!tls.client_key.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, tls.client_key.c_str());
    if (!tls.key_password.empty()) curl_easy_setopt(curl, CURLOPT_KEYPASSWD, tls.key_password.c_str());

    curl_slist* headers = nullptr;
    // An empty Expect: avoids curl's 1-second wait for "100 Continue" on large bodies.
    headers = curl_slist_append(headers, "Expect:");
    for (const auto& [name, value] : request.headers)
        headers = curl_slist_append(headers, (name + ": " + value).c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }

    if (m_settings.trace) {
        m_settings.trace("> " + request.method + " " + request.url);
        for (const auto& [name, value] : request.headers)
            m_settings.trace("> " + name + ": " + (is_secret_header(name) ? std::string("[redacted]") : value));
        m_settings.trace("> (" + std::to_string(request.body.size()) + " bytes of body)");
    }

    CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (code != CURLE_OK) {
        std::string reason = error[0] ? error : curl_easy_strerror(code);
        if (m_settings.trace) m_settings.trace("! " + reason);
        throw TransportError(request.url + ": " + reason, 0);
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    if (m_settings.trace) {
        m_settings.trace("< HTTP " + std::to_string(response.status));
        for (const auto& [name, value] : response.headers)
            m_settings.trace("< " + name + ": " + (is_secret_header(name) ? std::string("[redacted]") : value));
    }
    return response;
}

} // namespace healthdoc::push
