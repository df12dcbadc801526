// How push authenticates to the health space: nothing, a static bearer token, or an OAuth2
// client-credentials grant (RFC 6749 4.4) whose access token is reused until it expires.
// Values are secrets: they go into the Authorization header (which traces redact) and nowhere else.
#pragma once

#include "push/http_client.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace healthdoc::push {

struct OAuth2Settings {
    std::string token_url;
    std::string client_id;
    std::string client_secret; // secret
    std::string scope;         // may be empty
};

class Credentials {
public:
    // No Authorization header.
    Credentials();
    // "Authorization: Bearer <token>" on every request.
    static std::shared_ptr<Credentials> bearer(std::string token);
    // Tokens fetched from `settings.token_url` with the client's id and secret (HTTP Basic, as
    // RFC 6749 2.3.1 recommends), over a client built from `http` (same TLS settings).
    static std::shared_ptr<Credentials> oauth2(OAuth2Settings settings, HttpSettings http);

    // The Authorization header value for the next request, "" for none. For OAuth2, fetches a
    // token when there is none or it expires within a minute. Thread-safe. Throws
    // TransportError when the token endpoint cannot be reached, UsageError when it refuses the
    // client (wrong id or secret) or answers something that is not a token.
    std::string authorization();
    // Forgets a cached OAuth2 token (after a 401), so the next call fetches a new one.
    void invalidate();
    // How many tokens were fetched (for tests and --verbose).
    int tokens_fetched() const;

private:
    enum class Kind { none, bearer, oauth2 };
    Kind m_kind = Kind::none;
    std::string m_token;
    std::optional<std::chrono::steady_clock::time_point> m_expires;
    OAuth2Settings m_oauth2;
    std::unique_ptr<HttpClient> m_client;
    int m_fetched = 0;
    mutable std::mutex m_mutex;

    void fetch_token();
};

} // namespace healthdoc::push
