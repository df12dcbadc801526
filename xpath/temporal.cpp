// Parsing, formatting and ordering of the XSD date/time types (no durations).
#include "xpath/temporal.hpp"

#include <chrono>
#include <cstdio>

namespace healthdoc::xpath {
namespace {

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(std::int64_t y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Reads exactly `n` digits at `i`.
bool digits(std::string_view s, std::size_t& i, std::size_t n, std::int64_t& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (std::size_t k = 0; k < n; ++k) {
        char c = s[i + k];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    i += n;
    return true;
}

bool expect(std::string_view s, std::size_t& i, char c) {
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
}

bool parse_year_month_day(std::string_view s, std::size_t& i, DateTime& v) {
    bool negative = i < s.size() && s[i] == '-';
    if (negative) ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    std::size_t n = i - start;
    if (n < 4 || n > 9 || (n > 4 && s[start] == '0')) return false;
    i = start;
    std::int64_t year, month, day;
    if (!digits(s, i, n, year) || !expect(s, i, '-') || !digits(s, i, 2, month) || !expect(s, i, '-') ||
        !digits(s, i, 2, day))
        return false;
    if (year == 0) return false;
    v.year = negative ? -year : year;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(v.year, static_cast<int>(month))) return false;
    v.month = static_cast<int>(month);
    v.day = static_cast<int>(day);
    return true;
}

bool parse_clock(std::string_view s, std::size_t& i, DateTime& v, bool& end_of_day) {
    std::int64_t h, m, sec;
    if (!digits(s, i, 2, h) || !expect(s, i, ':') || !digits(s, i, 2, m) || !expect(s, i, ':') || !digits(s, i, 2, sec))
        return false;
    std::int64_t micro = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::size_t start = i;
        std::int64_t scale = 100000;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            micro += (s[i] - '0') * scale;
            scale /= 10;
            ++i;
        }
        if (i == start) return false;
    }
    if (m > 59 || sec > 59) return false;
    if (h == 24) {
        if (m != 0 || sec != 0 || micro != 0) return false;
        end_of_day = true;
        h = 0;
    } else if (h > 23) {
        return false;
    }
    v.hour = static_cast<int>(h);
    v.minute = static_cast<int>(m);
    v.microsecond = sec * 1000000 + micro;
    return true;
}

bool parse_timezone(std::string_view s, std::size_t& i, DateTime& v) {
    if (i == s.size()) return true;
    if (s[i] == 'Z') {
        ++i;
        v.has_timezone = true;
        v.timezone_minutes = 0;
        return i == s.size();
    }
    if (s[i] != '+' && s[i] != '-') return false;
    bool negative = s[i++] == '-';
    std::int64_t h, m;
    if (!digits(s, i, 2, h) || !expect(s, i, ':') || !digits(s, i, 2, m) || i != s.size()) return false;
    if (h > 14 || m > 59 || (h == 14 && m != 0)) return false;
    v.has_timezone = true;
    v.timezone_minutes = static_cast<int>((negative ? -1 : 1) * (h * 60 + m));
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// Days from 0001-01-01 to y-m-d (proleptic Gregorian; astronomical years for negatives).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468 + 719162; // shift epoch 1970 -> 0001
}

void add_one_day(DateTime& v) {
    if (++v.day > days_in_month(v.year, v.month)) {
        v.day = 1;
        if (++v.month > 12) {
            v.month = 1;
            ++v.year;
            if (v.year == 0) v.year = 1;
        }
    }
}

std::string two(std::int64_t n) {
    char b[8];
    std::snprintf(b, sizeof b, "%02d", static_cast<int>(n));
    return b;
}

} // namespace

std::optional<DateTime> parse_date(std::string_view text) {
    text = trim(text);
    DateTime v;
    std::size_t i = 0;
    if (!parse_year_month_day(text, i, v) || !parse_timezone(text, i, v) || i != text.size()) return std::nullopt;
    return v;
}

std::optional<DateTime> parse_datetime(std::string_view text) {
    text = trim(text);
    DateTime v;
    std::size_t i = 0;
    bool end_of_day = false;
    if (!parse_year_month_day(text, i, v) || !expect(text, i, 'T') || !parse_clock(text, i, v, end_of_day) ||
        !parse_timezone(text, i, v) || i != text.size())
        return std::nullopt;
    if (end_of_day) add_one_day(v);
    return v;
}

std::optional<DateTime> parse_time(std::string_view text) {
    text = trim(text);
    DateTime v;
    std::size_t i = 0;
    bool end_of_day = false;
    if (!parse_clock(text, i, v, end_of_day) || !parse_timezone(text, i, v) || i != text.size()) return std::nullopt;
    return v;
}

std::string format_temporal(const DateTime& v, Type type) {
    std::string out;
    if (type != Type::time) {
        char b[32];
        std::snprintf(b, sizeof b, "%s%04lld-%02d-%02d", v.year < 0 ? "-" : "",
                      static_cast<long long>(v.year < 0 ? -v.year : v.year), v.month, v.day);
        out = b;
        if (type == Type::dateTime) out += 'T';
    }
    if (type != Type::date) {
        out += two(v.hour) + ":" + two(v.minute) + ":" + two(v.microsecond / 1000000);
        if (auto frac = v.microsecond % 1000000) {
            char b[16];
            std::snprintf(b, sizeof b, ".%06lld", static_cast<long long>(frac));
            std::string f = b;
            while (f.back() == '0') f.pop_back();
            out += f;
        }
    }
    if (v.has_timezone) {
        if (v.timezone_minutes == 0) {
            out += 'Z';
        } else {
            int tz = v.timezone_minutes < 0 ? -v.timezone_minutes : v.timezone_minutes;
            out += (v.timezone_minutes < 0 ? "-" : "+") + two(tz / 60) + ":" + two(tz % 60);
        }
    }
    return out;
}

int128 instant_of(const DateTime& v) {
    int128 days = days_from_civil(v.year, v.month, v.day);
    int128 minutes = days * 1440 + v.hour * 60 + v.minute - (v.has_timezone ? v.timezone_minutes : 0);
    return minutes * 60000000 + v.microsecond;
}

DateTime now_utc() {
    using namespace std::chrono;
    auto now = system_clock::now();
    auto days = floor<std::chrono::days>(now);
    year_month_day ymd{days};
    auto micros = duration_cast<microseconds>(now - days).count();
    DateTime v;
    v.year = static_cast<int>(ymd.year());
    v.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    v.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    v.hour = static_cast<int>(micros / 3600000000LL);
    v.minute = static_cast<int>(micros / 60000000LL % 60);
    v.microsecond = micros % 60000000LL;
    v.has_timezone = true;
    return v;
}

} // namespace healthdoc::xpath
