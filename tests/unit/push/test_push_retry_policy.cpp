#include "push/retry_policy.hpp"
#include "tests/support/test_support.hpp"

using namespace healthdoc::push;
using namespace std::chrono_literals;

TEST_CASE("push::is_retryable") {
    CHECK(is_retryable({0, {}}));
    CHECK(is_retryable({408, {}}));
    CHECK(is_retryable({429, {}}));
    CHECK(is_retryable({500, {}}));
    CHECK(is_retryable({503, {}}));
    CHECK_FALSE(is_retryable({501, {}}));
    CHECK_FALSE(is_retryable({400, {}}));
    CHECK_FALSE(is_retryable({401, {}}));
    CHECK_FALSE(is_retryable({404, {}}));
    CHECK_FALSE(is_retryable({422, {}}));
}

TEST_CASE("push::parse_retry_after") {
    CHECK(parse_retry_after("3") == std::optional(3000ms));
    CHECK(parse_retry_after(" 0 ") == std::optional(0ms));
    CHECK_FALSE(parse_retry_after("soon").has_value());
    CHECK_FALSE(parse_retry_after("-1").has_value());
    CHECK_FALSE(parse_retry_after("").has_value());
    std::tm tm{};
    tm.tm_year = 94;
    tm.tm_mon = 10;
    tm.tm_mday = 6;
    tm.tm_hour = 8;
    tm.tm_min = 49;
    tm.tm_sec = 30;
    auto now = std::chrono::system_clock::from_time_t(timegm(&tm));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == std::optional(7000ms));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now) == std::optional(0ms));
}

TEST_CASE("push::retry_policy") {
    RetrySettings settings;
    settings.max_attempts = 4;
    settings.base_delay = 100ms;
    settings.max_delay = 250ms;
    RetryPolicy policy(settings, 42);

    SUBCASE("backoff grows, is jittered within bounds and capped") {
        for (int attempt = 2; attempt <= 4; ++attempt) {
            auto delay = policy.delay_before(attempt, {503, {}});
            REQUIRE(delay.has_value());
            auto ceiling = std::min<long long>(100LL << (attempt - 2), 250);
            CHECK(delay->count() >= ceiling / 2);
            CHECK(delay->count() <= ceiling);
        }
    }
    SUBCASE("attempts are bounded") { CHECK_FALSE(policy.delay_before(5, {503, {}}).has_value()); }
    SUBCASE("permanent errors are not retried") { CHECK_FALSE(policy.delay_before(2, {400, {}}).has_value()); }
    SUBCASE("Retry-After is honoured, and too long a one gives up") {
        CHECK(policy.delay_before(2, {429, 1500ms}) == std::optional(1500ms));
        CHECK_FALSE(policy.delay_before(2, {429, std::chrono::milliseconds(10min)}).has_value());
    }
}
