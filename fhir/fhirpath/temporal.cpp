#include "fhir/fhirpath/temporal.hpp"

#include <chrono>
#include <ctime>

namespace healthdoc::fhir::fhirpath {

namespace {

bool read_digits(std::string_view text, std::size_t& i, int count, int& out) {
    if (i + static_cast<std::size_t>(count) > text.size()) return false;
    int value = 0;
    for (int k = 0; k < count; ++k) {
        const char c = text[i + static_cast<std::size_t>(k)];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    i += static_cast<std::size_t>(count);
    out = value;
    return true;
}

bool read_time_part(std::string_view text, std::size_t& i, Temporal& t) {
    if (!read_digits(text, i, 2, t.hour) || t.hour > 23) return false;
    t.precision = Precision::hour;
    if (i < text.size() && text[i] == ':') {
        ++i;
        if (!read_digits(text, i, 2, t.minute) || t.minute > 59) return false;
        t.precision = Precision::minute;
        if (i < text.size() && text[i] == ':') {
            ++i;
            if (!read_digits(text, i, 2, t.second) || t.second > 60) return false;
            t.precision = Precision::second;
            if (i < text.size() && text[i] == '.') {
                ++i;
                int digits = 0;
                int ms = 0;
                while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
                    if (digits < 3) ms = ms * 10 + (text[i] - '0');
                    ++digits;
                    ++i;
                }
                if (digits == 0) return false;
                for (int k = digits; k < 3; ++k) ms *= 10;
                t.millisecond = ms;
                t.precision = Precision::millisecond;
            }
        }
    }
    return true;
}

bool read_zone(std::string_view text, std::size_t& i, Temporal& t) {
    if (i >= text.size()) return true;
    if (text[i] == 'Z') {
        ++i;
        t.tz_minutes = 0;
        t.tz_utc_letter = true;
        return true;
    }
    if (text[i] != '+' && text[i] != '-') return false;
    const int sign = text[i] == '-' ? -1 : 1;
    ++i;
    int hours = 0, minutes = 0;
    if (!read_digits(text, i, 2, hours) || i >= text.size() || text[i] != ':') return false;
    ++i;
    if (!read_digits(text, i, 2, minutes) || hours > 14 || minutes > 59) return false;
    t.tz_minutes = sign * (hours * 60 + minutes);
    return true;
}

bool read_date_part(std::string_view text, std::size_t& i, Temporal& t) {
    if (!read_digits(text, i, 4, t.year)) return false;
    t.precision = Precision::year;
    if (i < text.size() && text[i] == '-' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
        ++i;
        if (!read_digits(text, i, 2, t.month) || t.month < 1 || t.month > 12) return false;
        t.precision = Precision::month;
        if (i < text.size() && text[i] == '-') {
            ++i;
            if (!read_digits(text, i, 2, t.day) || t.day < 1 || t.day > days_in_month(t.year, t.month)) return false;
            t.precision = Precision::day;
        }
    }
    return true;
}

std::string two(int v) {
    std::string s = std::to_string(v);
    return s.size() < 2 ? "0" + s : s;
}

int level(Precision p) { return p == Precision::millisecond ? static_cast<int>(Precision::second) : static_cast<int>(p); }

// Milliseconds since the epoch of the fields, ignoring the zone.
std::int64_t local_ms(const Temporal& t) {
    const std::int64_t days = t.kind == TemporalKind::time ? 0 : days_from_civil(t.year, t.month, t.day);
    return ((days * 24 + t.hour) * 60 + t.minute) * 60000LL + t.second * 1000LL + t.millisecond;
}

void set_from_ms(Temporal& t, std::int64_t ms) {
    std::int64_t days = ms / 86400000LL;
    std::int64_t rest = ms % 86400000LL;
    if (rest < 0) {
        rest += 86400000LL;
        --days;
    }
    t.hour = static_cast<int>(rest / 3600000LL);
    t.minute = static_cast<int>(rest / 60000LL % 60);
    t.second = static_cast<int>(rest / 1000LL % 60);
    t.millisecond = static_cast<int>(rest % 1000LL);
    if (t.kind == TemporalKind::time) return;
    // civil_from_days (H. Hinnant's algorithm)
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    t.year = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
    t.month = static_cast<int>(m);
    t.day = static_cast<int>(d);
}

} // namespace

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t yoe = year - era * 400;
    const std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int days_in_month(int year, int month) {
    static const int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 31;
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
    return k_days[month - 1];
}

std::optional<Temporal> Temporal::parse_date(std::string_view text) {
    Temporal t;
    t.kind = TemporalKind::date;
    std::size_t i = 0;
    if (!read_date_part(text, i, t) || i != text.size()) return std::nullopt;
    return t;
}

std::optional<Temporal> Temporal::parse_date_time(std::string_view text) {
    Temporal t;
    t.kind = TemporalKind::date_time;
    std::size_t i = 0;
    if (!read_date_part(text, i, t)) return std::nullopt;
    if (i < text.size() && text[i] == 'T') {
        ++i;
        if (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (t.precision != Precision::day) return std::nullopt;
            if (!read_time_part(text, i, t)) return std::nullopt;
            if (!read_zone(text, i, t)) return std::nullopt;
        }
    } else if (i < text.size()) {
        return std::nullopt;
    }
    if (i != text.size()) return std::nullopt;
    return t;
}

std::optional<Temporal> Temporal::parse_time(std::string_view text) {
    Temporal t;
    t.kind = TemporalKind::time;
    std::size_t i = 0;
    if (!read_time_part(text, i, t) || i != text.size()) return std::nullopt;
    return t;
}

std::string Temporal::to_string() const {
    std::string out;
    if (kind != TemporalKind::time) {
        out = std::to_string(year);
        while (out.size() < 4) out.insert(0, "0");
        if (precision >= Precision::month) out += "-" + two(month);
        if (precision >= Precision::day) out += "-" + two(day);
        if (kind == TemporalKind::date || precision <= Precision::day) return out;
        out += "T";
    }
    out += two(hour);
    if (precision >= Precision::minute) out += ":" + two(minute);
    if (precision >= Precision::second) out += ":" + two(second);
    if (precision >= Precision::millisecond) {
        std::string ms = std::to_string(millisecond);
        while (ms.size() < 3) ms.insert(0, "0");
        out += "." + ms;
    }
    if (tz_minutes && kind == TemporalKind::date_time) {
        if (*tz_minutes == 0 && tz_utc_letter) {
            out += "Z";
        } else {
            const int m = *tz_minutes < 0 ? -*tz_minutes : *tz_minutes;
            out += (*tz_minutes < 0 ? "-" : "+") + two(m / 60) + ":" + two(m % 60);
        }
    }
    return out;
}

std::string Temporal::to_literal() const {
    if (kind == TemporalKind::time) return "@T" + to_string();
    if (kind == TemporalKind::date_time && precision <= Precision::day) return "@" + to_string() + "T";
    return "@" + to_string();
}

int Temporal::precision_digits() const {
    static const int k_date_digits[] = {4, 6, 8, 10, 12, 14, 17};
    static const int k_time_digits[] = {0, 0, 0, 2, 4, 6, 9};
    const int index = static_cast<int>(precision);
    return kind == TemporalKind::time ? k_time_digits[index] : k_date_digits[index];
}

bool comparable_kinds(const Temporal& a, const Temporal& b) {
    return (a.kind == TemporalKind::time) == (b.kind == TemporalKind::time);
}

std::optional<int> compare(const Temporal& a_in, const Temporal& b_in) {
    if (!comparable_kinds(a_in, b_in)) return std::nullopt;
    Temporal a = a_in;
    Temporal b = b_in;
    const int common = std::min(level(a.precision), level(b.precision));
    if (common >= static_cast<int>(Precision::hour)) {
        if (a.tz_minutes.has_value() != b.tz_minutes.has_value()) return std::nullopt;
        if (a.tz_minutes && *a.tz_minutes != *b.tz_minutes) {
            // Bring both to UTC so the fields compare directly.
            set_from_ms(a, local_ms(a) - *a.tz_minutes * 60000LL);
            set_from_ms(b, local_ms(b) - *b.tz_minutes * 60000LL);
        }
    }
    const int fields_a[] = {a.year, a.month, a.day, a.hour, a.minute, a.second * 1000 + a.millisecond};
    const int fields_b[] = {b.year, b.month, b.day, b.hour, b.minute, b.second * 1000 + b.millisecond};
    const int first = a.kind == TemporalKind::time ? static_cast<int>(Precision::hour) : 0;
    for (int i = first; i <= common; ++i) {
        if (fields_a[i] != fields_b[i]) return fields_a[i] < fields_b[i] ? -1 : 1;
    }
    if (level(a.precision) != level(b.precision)) return std::nullopt;
    return 0;
}

bool equivalent(const Temporal& a, const Temporal& b) {
    if (level(a.precision) != level(b.precision)) return false;
    auto result = compare(a, b);
    return result && *result == 0;
}

Temporal add(const Temporal& value, std::int64_t amount, CalendarUnit unit) {
    Temporal t = value;
    switch (unit) {
    case CalendarUnit::year:
    case CalendarUnit::month: {
        std::int64_t months = static_cast<std::int64_t>(t.year) * 12 + (t.month - 1);
        months += unit == CalendarUnit::year ? amount * 12 : amount;
        if (months < 0 || months > 9999LL * 12 + 11) return t;
        t.year = static_cast<int>(months / 12);
        t.month = static_cast<int>(months % 12) + 1;
        t.day = std::min(t.day, days_in_month(t.year, t.month));
        return t;
    }
    case CalendarUnit::week: amount *= 7; [[fallthrough]];
    case CalendarUnit::day:
        if (t.kind == TemporalKind::time) return t;
        if (t.precision < Precision::day) return t;
        set_from_ms(t, local_ms(t) + amount * 86400000LL);
        return t;
    case CalendarUnit::hour: amount *= 3600000LL; break;
    case CalendarUnit::minute: amount *= 60000LL; break;
    case CalendarUnit::second: amount *= 1000LL; break;
    case CalendarUnit::millisecond: break;
    }
    if (t.kind == TemporalKind::date) {
        const std::int64_t days = amount / 86400000LL;
        if (t.precision >= Precision::day) set_from_ms(t, local_ms(t) + days * 86400000LL);
        return t;
    }
    std::int64_t ms = local_ms(t) + amount;
    if (t.kind == TemporalKind::time) {
        ms %= 86400000LL;
        if (ms < 0) ms += 86400000LL;
    }
    set_from_ms(t, ms);
    return t;
}

Temporal now_local() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm local{};
    localtime_r(&seconds, &local);
    Temporal t;
    t.kind = TemporalKind::date_time;
    t.precision = Precision::millisecond;
    t.year = local.tm_year + 1900;
    t.month = local.tm_mon + 1;
    t.day = local.tm_mday;
    t.hour = local.tm_hour;
    t.minute = local.tm_min;
    t.second = local.tm_sec;
    t.millisecond = static_cast<int>(ms);
    t.tz_minutes = static_cast<int>(local.tm_gmtoff / 60);
    return t;
}

} // namespace healthdoc::fhir::fhirpath
