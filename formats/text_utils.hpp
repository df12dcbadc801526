// Small text helpers shared by the transports and the sandbox.
#pragma once

#include <string>
#include <string_view>

namespace healthdoc::formats {

// Decodes %XX escapes (RFC 3986 section 2.1); malformed escapes are kept as written.
std::string percent_decode(const std::string& text);

// Escapes every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~) as %XX: safe
// in a URL query value and in application/x-www-form-urlencoded bodies.
std::string percent_encode(const std::string& text);

// `text` without leading and trailing blanks (space, tab, CR, LF).
std::string trim(std::string_view text);

// XPath normalize-space(): runs of XML white space (space, tab, CR, LF) become one space, and
// none is left at either end.
std::string normalize_space(std::string_view text);

// The current time as UTC in a strftime `format` (e.g. "%Y%m%d%H%M%S" for an XDS DTM).
std::string utc_now(const char* format);

// The current time as ISO 8601 UTC with seconds, e.g. "2026-11-28T20:41:05Z".
std::string utc_timestamp_now();

} // namespace healthdoc::formats
