// HL7 v3 TS date-times (CDA effectiveTime, birthTime...): YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ],
// kept as written with their precision and time zone, and converted to FHIR/ISO 8601.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::formats {

enum class Hl7Precision { year, month, day, hour, minute, second, fraction };

struct Hl7DateTime {
    std::string text; // exactly as written
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    std::string fraction;            // digits after the dot, as written
    std::optional<int> zone_minutes; // offset from UTC, when written
    Hl7Precision precision = Hl7Precision::year;

    // FHIR dateTime / date form: "2024-01-15T10:30:00+01:00", "2024-01", "1979-03-28". A time
    // without a zone is returned without one (FHIR requires a zone with a time: the caller
    // decides).
    std::string to_fhir() const;
    // Seconds since 1970-01-01T00:00:00Z when the value has a zone and at least minute
    // precision; std::nullopt otherwise (the instant is not known).
    std::optional<long long> to_unix_seconds() const;
    // XDS DTM form in UTC (YYYYMMDDHHMMSS, truncated to the precision written), as ITI-41
    // metadata requires; the value as written (without zone) when it has no zone.
    std::string to_xds_utc() const;
};

// Parses a TS value strictly. On failure returns std::nullopt and, when `why` is given, a
// short reason without the value ("month 13 is out of range", "a time zone needs 4 digits").
std::optional<Hl7DateTime> parse_hl7_datetime(std::string_view text, std::string* why = nullptr);

// The TS form of a FHIR date, dateTime or instant ("2013-05-28T22:12:21Z" -> "20130528221221+0000",
// "2024-03" -> "202403"), precision and zone kept; std::nullopt (with a short reason in `why`)
// when the text is not a valid FHIR date-time.
std::optional<std::string> hl7_from_fhir_datetime(std::string_view text, std::string* why = nullptr);

} // namespace healthdoc::formats
