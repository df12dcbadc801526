// FHIRPath Date, DateTime and Time values with partial precision (a date may be just a year)
// and optional time-zone offsets, their comparison rules (an unknown result when precisions
// differ) and calendar arithmetic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::fhir::fhirpath {

enum class TemporalKind { date, date_time, time };

// Ordered from the coarsest to the finest.
enum class Precision { year, month, day, hour, minute, second, millisecond };

struct Temporal {
    TemporalKind kind = TemporalKind::date;
    Precision precision = Precision::day;
    int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0;
    std::optional<int> tz_minutes; // offset east of UTC; absent when not written
    bool tz_utc_letter = false;    // written as "Z"

    // "2015", "2015-02", "2015-02-04"; std::nullopt when malformed or out of range.
    static std::optional<Temporal> parse_date(std::string_view text);
    // FHIR dateTime/instant text and FHIRPath literal text: "2015", "2015-02-04T14",
    // "2015-02-04T14:34:28.123+10:00", "2015T" (a DateTime with year precision).
    static std::optional<Temporal> parse_date_time(std::string_view text);
    // "14", "14:34", "14:34:28.123" (no time zone); std::nullopt when malformed.
    static std::optional<Temporal> parse_time(std::string_view text);

    // ISO 8601 text without the FHIRPath '@' ("1974-12-25", "2015-02-04T14:34:28.123+10:00", "14:34").
    std::string to_string() const;
    // FHIRPath literal form: '@' for dates and date-times, "@T" for times.
    std::string to_literal() const;
    // Digits of precision as the precision() function counts them (4 for a year, 17 for a
    // date-time to the millisecond, 9 for a time to the millisecond).
    int precision_digits() const;
};

// Compares a and b per FHIRPath: -1/0/1, or std::nullopt when the answer is unknown
// (different precisions with an equal common prefix, or a time zone on one side only).
// Both must be dates/date-times, or both times; otherwise std::nullopt too.
std::optional<int> compare(const Temporal& a, const Temporal& b);
// True when both are comparable kinds (date with date-time, time with time).
bool comparable_kinds(const Temporal& a, const Temporal& b);
// Equivalence: same precision and same instant; false when precisions differ.
bool equivalent(const Temporal& a, const Temporal& b);

// Calendar units of date arithmetic.
enum class CalendarUnit { year, month, week, day, hour, minute, second, millisecond };

// `value` + `amount` `unit`s (amount already truncated to an integer); months and years keep
// the day clamped to the month's last day. Never throws.
Temporal add(const Temporal& value, std::int64_t amount, CalendarUnit unit);

// The current instant in the local time zone (DateTime, millisecond precision).
Temporal now_local();

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t year, int month, int day);
// Number of days in `month` of `year`.
int days_in_month(int year, int month);

} // namespace healthdoc::fhir::fhirpath
