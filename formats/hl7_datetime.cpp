#include "formats/hl7_datetime.hpp"

#include <cstdio>
#include <ctime>

namespace healthdoc::formats {
namespace {

bool digits(std::string_view text) {
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return !text.empty();
}

int number(std::string_view text) {
    int value = 0;
    for (char c : text) value = value * 10 + (c - '0');
    return value;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
    static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : k_days[month - 1];
}

std::optional<Hl7DateTime> fail(std::string* why, const char* reason) {
    if (why) *why = reason;
    return std::nullopt;
}

// Days from 1970-01-01 to year-month-day (proleptic Gregorian), H. Hinnant's algorithm.
long long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = static_cast<unsigned>((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

} // namespace

std::optional<Hl7DateTime> parse_hl7_datetime(std::string_view text, std::string* why) {
    Hl7DateTime value;
    value.text = std::string(text);
    std::string_view body = text;
    auto zone_at = body.find_first_of("+-");
    if (zone_at != std::string_view::npos) {
        auto zone = body.substr(zone_at + 1);
        if (zone.size() != 4 || !digits(zone)) return fail(why, "a time zone needs 4 digits (+HHMM or -HHMM)");
        int hours = number(zone.substr(0, 2)), minutes = number(zone.substr(2, 2));
        if (hours > 14 || minutes > 59) return fail(why, "the time zone offset is out of range");
        value.zone_minutes = (body[zone_at] == '-' ? -1 : 1) * (hours * 60 + minutes);
        body = body.substr(0, zone_at);
    }
    auto dot = body.find('.');
    if (dot != std::string_view::npos) {
        value.fraction = std::string(body.substr(dot + 1));
        if (!digits(value.fraction)) return fail(why, "fractional seconds must be digits");
        body = body.substr(0, dot);
        if (body.size() != 14) return fail(why, "fractional seconds need a full date and time before them");
    }
    if (!digits(body)) return fail(why, "a date-time is digits only (YYYYMMDDHHMMSS)");
    static constexpr std::size_t k_lengths[] = {4, 6, 8, 10, 12, 14};
    std::size_t level = 0;
    while (level < 6 && k_lengths[level] != body.size()) ++level;
    if (level == 6) return fail(why, "a date-time has 4, 6, 8, 10, 12 or 14 digits before any fraction or zone");
    value.year = number(body.substr(0, 4));
    if (level >= 1) {
        value.month = number(body.substr(4, 2));
        if (value.month < 1 || value.month > 12) return fail(why, "the month is out of range");
    }
    if (level >= 2) {
        value.day = number(body.substr(6, 2));
        if (value.day < 1 || value.day > days_in_month(value.year, value.month))
            return fail(why, "the day does not exist in that month");
    }
    if (level >= 3 && (value.hour = number(body.substr(8, 2))) > 23) return fail(why, "the hour is out of range");
    if (level >= 4 && (value.minute = number(body.substr(10, 2))) > 59) return fail(why, "the minute is out of range");
    if (level >= 5 && (value.second = number(body.substr(12, 2))) > 60) return fail(why, "the second is out of range");
    if (value.zone_minutes && level < 3) return fail(why, "a time zone needs at least an hour");
    value.precision = value.fraction.empty() ? static_cast<Hl7Precision>(level) : Hl7Precision::fraction;
    return value;
}

std::string Hl7DateTime::to_fhir() const {
    char buffer[64];
    switch (precision) {
    case Hl7Precision::year: std::snprintf(buffer, sizeof buffer, "%04d", year); return buffer;
    case Hl7Precision::month: std::snprintf(buffer, sizeof buffer, "%04d-%02d", year, month); return buffer;
    case Hl7Precision::day: std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day); return buffer;
    default: break;
    }
    // FHIR dateTime has no hour-only or minute-only form: seconds are written as 00.
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second);
    std::string out = buffer;
    if (!fraction.empty()) out += "." + fraction;
    if (zone_minutes) {
        int z = *zone_minutes < 0 ? -*zone_minutes : *zone_minutes;
        std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", *zone_minutes < 0 ? '-' : '+', z / 60, z % 60);
        out += buffer;
    }
    return out;
}

std::optional<long long> Hl7DateTime::to_unix_seconds() const {
    if (!zone_minutes || precision < Hl7Precision::hour) return std::nullopt;
    long long seconds = days_from_civil(year, month, day) * 86400LL + hour * 3600LL + minute * 60LL + second;
    return seconds - *zone_minutes * 60LL;
}

std::string Hl7DateTime::to_xds_utc() const {
    auto instant = to_unix_seconds();
    if (!instant) {
        auto zone = text.find_first_of("+-");
        return text.substr(0, zone);
    }
    std::time_t t = static_cast<std::time_t>(*instant);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S", &tm);
    static constexpr std::size_t k_digits[] = {4, 6, 8, 10, 12, 14, 14};
    return std::string(buffer).substr(0, k_digits[static_cast<int>(precision)]);
}

} // namespace healthdoc::formats

namespace healthdoc::formats {

std::optional<std::string> hl7_from_fhir_datetime(std::string_view text, std::string* why) {
    // FHIR date/dateTime/instant: YYYY[-MM[-DD[Thh:mm:ss[.f+](Z|(+|-)hh:mm)]]].
    auto is_digits = [](std::string_view part) { return digits(part); };
    std::string out;
    std::size_t at = 0;
    auto take = [&](std::size_t count) -> std::optional<std::string_view> {
        if (text.size() < at + count || !is_digits(text.substr(at, count))) return std::nullopt;
        auto part = text.substr(at, count);
        at += count;
        return part;
    };
    auto expect = [&](char separator) {
        if (at < text.size() && text[at] == separator) {
            ++at;
            return true;
        }
        return false;
    };
    auto year = take(4);
    if (!year) {
        if (why) *why = "a FHIR date starts with a 4-digit year";
        return std::nullopt;
    }
    out += *year;
    for (int part = 0; part < 2 && expect('-'); ++part) {
        auto value = take(2);
        if (!value) {
            if (why) *why = "month and day have 2 digits";
            return std::nullopt;
        }
        out += *value;
    }
    if (expect('T')) {
        if (out.size() != 8) {
            if (why) *why = "a time needs a full date";
            return std::nullopt;
        }
        auto hour = take(2);
        bool ok = hour && expect(':');
        auto minute = ok ? take(2) : std::nullopt;
        ok = ok && minute && expect(':');
        auto second = ok ? take(2) : std::nullopt;
        if (!second) {
            if (why) *why = "a FHIR time is hh:mm:ss";
            return std::nullopt;
        }
        out += std::string(*hour) + std::string(*minute) + std::string(*second);
        if (expect('.')) {
            std::size_t start = at;
            while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
            if (at == start) {
                if (why) *why = "a fraction of a second needs digits";
                return std::nullopt;
            }
            out += "." + std::string(text.substr(start, at - start));
        }
        if (expect('Z')) {
            out += "+0000";
        } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
            out += text[at++];
            auto zone_hour = take(2);
            bool zone_ok = zone_hour && expect(':');
            auto zone_minute = zone_ok ? take(2) : std::nullopt;
            if (!zone_minute) {
                if (why) *why = "a time zone is Z or +hh:mm";
                return std::nullopt;
            }
            out += std::string(*zone_hour) + std::string(*zone_minute);
        }
    }
    if (at != text.size()) {
        if (why) *why = "unexpected characters after the date-time";
        return std::nullopt;
    }
    if (!parse_hl7_datetime(out, why)) return std::nullopt;
    return out;
}

} // namespace healthdoc::formats
