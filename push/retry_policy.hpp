// When and how long to wait before sending again: exponential backoff with full jitter on
// connection failures, 408, 429 and 5xx, honouring the server's Retry-After, with a bounded
// number of attempts.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace healthdoc::push {

struct RetrySettings {
    int max_attempts = 5;                              // attempts in all, the first included
    std::chrono::milliseconds base_delay{500};         // delay scale of the first retry
    std::chrono::milliseconds max_delay{30000};        // cap of one wait
    std::chrono::milliseconds max_retry_after{120000}; // a longer Retry-After is not honoured: give up
};

// What one attempt ended with: an HTTP status, or 0 when no answer came (connection refused,
// reset, timeout).
struct AttemptOutcome {
    int http_status = 0;
    std::optional<std::chrono::milliseconds> retry_after; // parsed from the Retry-After header
};

// True when the outcome is worth another attempt: no answer, 408, 429, or 5xx other than 501/505.
bool is_retryable(const AttemptOutcome& outcome);

// Parses a Retry-After header value: delta-seconds or an HTTP-date (RFC 9110 10.2.3);
// std::nullopt when it is neither.
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

class RetryPolicy {
public:
    explicit RetryPolicy(RetrySettings settings = {}, unsigned seed = std::random_device{}());

    // The wait before attempt number `next_attempt` (2 for the first retry) after `outcome`, or
    // std::nullopt when no further attempt should be made (not retryable, attempts exhausted,
    // or a Retry-After beyond max_retry_after).
    std::optional<std::chrono::milliseconds> delay_before(int next_attempt, const AttemptOutcome& outcome);

    const RetrySettings& settings() const noexcept { return m_settings; }

private:
    RetrySettings m_settings;
    std::mt19937 m_random;
};

} // namespace healthdoc::push
