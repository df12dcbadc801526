#include "push/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <string>

namespace healthdoc::push {

bool is_retryable(const AttemptOutcome& outcome) {
    const int s = outcome.http_status;
    if (s == 0 || s == 408 || s == 429) return true;
    return s >= 500 && s <= 599 && s != 501 && s != 505; // "not implemented" and version errors never heal
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        long long seconds = 0;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec != std::errc{} || ptr != value.data() + value.size()) return std::nullopt;
        seconds = std::min<long long>(seconds, 24 * 3600);
        return std::chrono::milliseconds(seconds * 1000);
    }
    // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
    std::tm tm{};
    std::string text(value);
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
    auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
    return std::max(delta, std::chrono::milliseconds(0));
}

RetryPolicy::RetryPolicy(RetrySettings settings, unsigned seed) : m_settings(settings), m_random(seed) {}

std::optional<std::chrono::milliseconds> RetryPolicy::delay_before(int next_attempt, const AttemptOutcome& outcome) {
    if (!is_retryable(outcome) || next_attempt > m_settings.max_attempts) return std::nullopt;
    if (outcome.retry_after) {
        if (*outcome.retry_after > m_settings.max_retry_after) return std::nullopt;
        return *outcome.retry_after;
    }
    // Full jitter (a uniform wait in [0, base * 2^(n-2)], capped) spreads the retries of many
    // parallel transfers so they do not hit a recovering server at the same instant.
    const int exponent = std::clamp(next_attempt - 2, 0, 20);
    auto ceiling = std::min<long long>(m_settings.base_delay.count() * (1LL << exponent), m_settings.max_delay.count());
    std::uniform_int_distribution<long long> pick(ceiling / 2, ceiling);
    return std::chrono::milliseconds(pick(m_random));
}

} // namespace healthdoc::push
