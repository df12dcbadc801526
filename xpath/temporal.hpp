// Lexical forms and ordering of xs:date, xs:dateTime and xs:time.
#pragma once

#include "xpath/value.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::xpath {

std::optional<DateTime> parse_date(std::string_view text);
std::optional<DateTime> parse_datetime(std::string_view text);
std::optional<DateTime> parse_time(std::string_view text);
std::string format_temporal(const DateTime& value, Type type);

// Microseconds since 0001-01-01T00:00:00Z (proleptic Gregorian) of the value's starting
// instant; values without a timezone take the implicit timezone, UTC (as in Saxon's default
// setups when TZ is UTC: fixed here so results do not depend on the machine).
// xs:time values are placed on 1972-12-31 as the spec says.
int128 instant_of(const DateTime& value);

// Current date-time in UTC with timezone Z.
DateTime now_utc();

} // namespace healthdoc::xpath
