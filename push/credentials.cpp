#include "push/credentials.hpp"

#include "formats/base64.hpp"
#include "formats/errors.hpp"
#include "formats/text_utils.hpp"

#include <nlohmann/json.hpp>

namespace healthdoc::push {

Credentials::Credentials() = default;

std::shared_ptr<Credentials> Credentials::bearer(std::string token) {
    auto credentials = std::make_shared<Credentials>();
    credentials->m_kind = Kind::bearer;
    credentials->m_token = std::move(token);
    return credentials;
}

std::shared_ptr<Credentials> Credentials::oauth2(OAuth2Settings settings, HttpSettings http) {
    auto credentials = std::make_shared<Credentials>();
    credentials->m_kind = Kind::oauth2;
    credentials->m_oauth2 = std::move(settings);
    credentials->m_client = std::make_unique<HttpClient>(std::move(http));
    return credentials;
}

std::string Credentials::authorization() {
    std::lock_guard lock(m_mutex);
    switch (m_kind) {
    case Kind::none: return "";
    case Kind::bearer: return "Bearer " + m_token;
    case Kind::oauth2:
        if (m_token.empty() || (m_expires && *m_expires - std::chrono::minutes(1) <= std::chrono::steady_clock::now()))
            fetch_token();
        return "Bearer " + m_token;
    }
    return "";
}

void Credentials::invalidate() {
    std::lock_guard lock(m_mutex);
    if (m_kind == Kind::oauth2) m_token.clear();
}

int Credentials::tokens_fetched() const {
    std::lock_guard lock(m_mutex);
    return m_fetched;
}

void Credentials::fetch_token() {
    HttpRequest request;
    request.method = "POST";
    request.url = m_oauth2.token_url;
    request.headers = {
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"Accept", "application/json"},
        {"Authorization", "Basic " + formats::base64_encode(formats::percent_encode(m_oauth2.client_id) + ":" +
                                                            formats::percent_encode(m_oauth2.client_secret))},
    };
    request.body = "grant_type=client_credentials";
    if (!m_oauth2.scope.empty()) request.body += "&scope=" + formats::percent_encode(m_oauth2.scope);
    auto response = m_client->send(request); // TransportError when nothing answers
    if (response.status == 400 || response.status == 401)
        throw UsageError("the OAuth2 token endpoint refused the client credentials (HTTP " +
                         std::to_string(response.status) + "): check the client id and secret");
    if (response.status < 200 || response.status >= 300)
        throw TransportError("the OAuth2 token endpoint answered HTTP " + std::to_string(response.status));
    auto answer = nlohmann::json::parse(response.body, nullptr, false);
    if (!answer.is_object() || !answer.contains("access_token") || !answer["access_token"].is_string() ||
        answer["access_token"].get<std::string>().empty())
        throw UsageError("the OAuth2 token endpoint's answer holds no access_token");
    m_token = answer["access_token"].get<std::string>();
    m_expires.reset();
    if (answer.contains("expires_in") && answer["expires_in"].is_number())
        m_expires = std::chrono::steady_clock::now() + std::chrono::seconds(answer["expires_in"].get<long long>());
    ++m_fetched;
}

} // namespace healthdoc::push
