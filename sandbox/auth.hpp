// The sandbox's optional bearer-token requirement (RFC 6750). The token never leaves this
// object: it is not printed, logged or echoed in any answer.
#pragma once

#include <optional>
#include <string>

namespace healthdoc::sandbox {

// Checks Authorization headers against the expected token in constant time.
class BearerAuth {
public:
    // No token: every request is accepted.
    explicit BearerAuth(std::optional<std::string> token = std::nullopt) : m_token(std::move(token)) {}

    bool required() const noexcept { return m_token.has_value(); }
    // True when no token is required, or `authorization` is "Bearer <token>" (scheme compared
    // without case) with exactly the expected token.
    bool accepts(const std::string& authorization) const;

private:
    std::optional<std::string> m_token;
};

// Compares two strings in time that depends only on their lengths.
bool constant_time_equal(const std::string& a, const std::string& b);

} // namespace healthdoc::sandbox
