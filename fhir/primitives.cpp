// Hand-written scanners for the FHIR R4 primitive types: each one accepts exactly what the
// regular expression of the core StructureDefinition (element <type>.value, extension
// ".../regex") accepts, plus the rules the regexes cannot say (real calendar dates, 32-bit
// ranges, the JSON type). No std::regex: values can be megabytes long and std::regex recurses.
#include "fhir/primitives.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace healthdoc::fhir {

namespace {

// R4 "string": "Strings SHALL NOT exceed 1MB in size".
constexpr std::size_t k_max_string_bytes = std::size_t{1024} * 1024;
constexpr std::int64_t k_int32_max = 2147483647;
constexpr std::int64_t k_int32_min = -2147483648LL;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "a date", "an integer": the type name with its indefinite article.
std::string named(std::string_view type) {
    bool vowel = !type.empty() && std::string_view("aeiouAEIOU").find(type.front()) != std::string_view::npos;
    return (vowel ? "an " : "a ") + std::string(type);
}

// Java's \s, which the FHIR regexes were written for: [ \t\n\x0B\f\r].
bool is_regex_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r'; }

// Reads exactly `count` digits at `pos` into `out`.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
    if (pos + count > text.size()) return false;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        char c = text[pos + i];
        if (!is_digit(c)) return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    pos += count;
    return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
    static constexpr std::array<int, 12> k_days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) return 29;
    return k_days[static_cast<std::size_t>(month - 1)];
}

// The date part shared by date, dateTime and instant; `parts` is how many of year, month, day
// were written (1..3). Years 0001-9999 (the regexes exclude 0000), real calendar days.
bool scan_date(std::string_view text, std::size_t& pos, int& parts) {
    int year = 0, month = 0, day = 0;
    if (!read_digits(text, pos, 4, year) || year == 0) return false;
    parts = 1;
    if (pos == text.size() || text[pos] != '-') return true;
    ++pos;
    if (!read_digits(text, pos, 2, month) || month < 1 || month > 12) return false;
    parts = 2;
    if (pos == text.size() || text[pos] != '-') return true;
    ++pos;
    if (!read_digits(text, pos, 2, day) || day < 1 || day > days_in_month(year, month)) return false;
    parts = 3;
    return true;
}

// hh:mm:ss(.fraction)? with hours 00-23 and seconds 00-60 (the regexes allow a leap second).
bool scan_time(std::string_view text, std::size_t& pos) {
    int hour = 0, minute = 0, second = 0;
    if (!read_digits(text, pos, 2, hour) || hour > 23) return false;
    if (!expect(text, pos, ':') || !read_digits(text, pos, 2, minute) || minute > 59) return false;
    if (!expect(text, pos, ':') || !read_digits(text, pos, 2, second) || second > 60) return false;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::size_t first = pos;
        while (pos < text.size() && is_digit(text[pos])) ++pos;
        if (pos == first) return false;
    }
    return true;
}

// Z, or +hh:mm / -hh:mm with hh 00-13 and mm 00-59, or exactly 14:00.
bool scan_zone(std::string_view text, std::size_t& pos) {
    if (pos >= text.size()) return false;
    if (text[pos] == 'Z') {
        ++pos;
        return true;
    }
    if (text[pos] != '+' && text[pos] != '-') return false;
    ++pos;
    int hours = 0, minutes = 0;
    if (!read_digits(text, pos, 2, hours) || !expect(text, pos, ':') || !read_digits(text, pos, 2, minutes))
        return false;
    if (hours == 14) return minutes == 0;
    return hours <= 13 && minutes <= 59;
}

bool valid_date(std::string_view text) {
    std::size_t pos = 0;
    int parts = 0;
    return scan_date(text, pos, parts) && pos == text.size();
}

// A time is only allowed after a full date, and then it needs seconds and a zone.
bool valid_date_time(std::string_view text) {
    std::size_t pos = 0;
    int parts = 0;
    if (!scan_date(text, pos, parts)) return false;
    if (pos == text.size()) return true;
    if (parts != 3 || !expect(text, pos, 'T')) return false;
    return scan_time(text, pos) && scan_zone(text, pos) && pos == text.size();
}

bool valid_instant(std::string_view text) {
    std::size_t pos = 0;
    int parts = 0;
    if (!scan_date(text, pos, parts) || parts != 3 || !expect(text, pos, 'T')) return false;
    return scan_time(text, pos) && scan_zone(text, pos) && pos == text.size();
}

bool valid_time(std::string_view text) {
    std::size_t pos = 0;
    return scan_time(text, pos) && pos == text.size();
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool valid_decimal_text(std::string_view text) {
    std::size_t pos = 0;
    if (pos < text.size() && text[pos] == '-') ++pos;
    if (pos >= text.size() || !is_digit(text[pos])) return false;
    if (text[pos] == '0') {
        ++pos;
    } else {
        while (pos < text.size() && is_digit(text[pos])) ++pos;
    }
    if (pos < text.size() && text[pos] == '.') {
        std::size_t first = ++pos;
        while (pos < text.size() && is_digit(text[pos])) ++pos;
        if (pos == first) return false;
    }
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
        std::size_t first = pos;
        while (pos < text.size() && is_digit(text[pos])) ++pos;
        if (pos == first) return false;
    }
    return pos == text.size();
}

enum class IntegerText { ok, not_whole, out_of_range };

// The integer regexes (-?(0|[1-9][0-9]*) for integer; no sign for positiveInt and unsignedInt)
// and the range, read from the number as written.
IntegerText read_integer_text(std::string_view text, bool sign_allowed, std::int64_t min, std::int64_t max) {
    std::size_t pos = 0;
    bool negative = false;
    if (sign_allowed && pos < text.size() && text[pos] == '-') {
        negative = true;
        ++pos;
    }
    std::size_t first = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    std::size_t digits = pos - first;
    if (digits == 0 || pos != text.size()) {
        // A minus sign on a type without one, a fraction or an exponent: not a whole number
        // as the type writes it, unless it is simply a negative whole number (out of range).
        if (!sign_allowed && !text.empty() && text[0] == '-' && valid_decimal_text(text) &&
            text.find_first_of(".eE") == std::string_view::npos)
            return IntegerText::out_of_range;
        return IntegerText::not_whole;
    }
    if (digits > 1 && text[first] == '0') return IntegerText::not_whole;
    if (digits > 10) return IntegerText::out_of_range;
    std::int64_t value = 0;
    for (std::size_t i = first; i < pos; ++i) value = value * 10 + (text[i] - '0');
    if (negative) value = -value;
    return value < min || value > max ? IntegerText::out_of_range : IntegerText::ok;
}

IntegerText read_integer_json(const nlohmann::json& value, std::int64_t min, std::int64_t max) {
    if (value.is_number_integer()) {
        if (value.is_number_unsigned()) {
            auto number = value.get<std::uint64_t>();
            return number > static_cast<std::uint64_t>(max) ? IntegerText::out_of_range : IntegerText::ok;
        }
        auto number = value.get<std::int64_t>();
        return number < min || number > max ? IntegerText::out_of_range : IntegerText::ok;
    }
    // A float: nlohmann gives one for "1.5", "1e3", "1.0" and for integers beyond 64 bits.
    double number = value.get<double>();
    if (!(number >= static_cast<double>(min) && number <= static_cast<double>(max))) return IntegerText::out_of_range;
    return IntegerText::not_whole;
}

std::optional<std::string> integer_problem(std::string_view type, const nlohmann::json& value,
                                           const std::string* written, std::int64_t min, std::int64_t max,
                                           const char* range_text) {
    bool sign_allowed = min < 0;
    // Without the text, a float in range was still written with a fraction or an exponent
    // (1.5, 1.0, 1e3), which the integer regexes refuse.
    IntegerText result =
        written ? read_integer_text(*written, sign_allowed, min, max) : read_integer_json(value, min, max);
    switch (result) {
    case IntegerText::ok: return std::nullopt;
    case IntegerText::not_whole:
        return named(type) + " must be a whole number written without a fraction, an exponent or " + "leading zeros";
    case IntegerText::out_of_range: return named(type) + " must be " + range_text;
    }
    return std::nullopt;
}

// [^\s]+(\s[^\s]+)*: no leading or trailing whitespace, never two whitespace characters in a row.
bool valid_code(std::string_view text) {
    if (text.empty() || is_regex_space(text.front()) || is_regex_space(text.back())) return false;
    for (std::size_t i = 1; i < text.size(); ++i)
        if (is_regex_space(text[i]) && is_regex_space(text[i - 1])) return false;
    return true;
}

// [A-Za-z0-9\-\.]{1,64}
bool valid_id(std::string_view text) {
    if (text.empty() || text.size() > 64) return false;
    for (char c : text) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '.';
        if (!ok) return false;
    }
    return true;
}

// urn:oid:[0-2](\.(0|[1-9][0-9]*))+
bool valid_oid(std::string_view text) {
    constexpr std::string_view prefix = "urn:oid:";
    if (text.substr(0, prefix.size()) != prefix) return false;
    std::size_t pos = prefix.size();
    if (pos >= text.size() || text[pos] < '0' || text[pos] > '2') return false;
    ++pos;
    int arcs = 0;
    while (pos < text.size()) {
        if (text[pos] != '.') return false;
        ++pos;
        std::size_t first = pos;
        while (pos < text.size() && is_digit(text[pos])) ++pos;
        if (pos == first || (pos - first > 1 && text[first] == '0')) return false;
        ++arcs;
    }
    return arcs > 0;
}

// urn:uuid: and 8-4-4-4-12 lowercase hexadecimal digits.
bool valid_uuid(std::string_view text) {
    constexpr std::string_view prefix = "urn:uuid:";
    if (text.size() != prefix.size() + 36 || text.substr(0, prefix.size()) != prefix) return false;
    std::string_view body = text.substr(prefix.size());
    for (std::size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!is_digit(c) && !(c >= 'a' && c <= 'f')) {
            return false;
        }
    }
    return true;
}

// \S*
bool valid_uri(std::string_view text) {
    for (char c : text)
        if (is_regex_space(c)) return false;
    return true;
}

// [ \r\n\t\S]+ : every character but a vertical tab or a form feed.
bool valid_string_characters(std::string_view text) {
    for (char c : text)
        if (c == '\x0B' || c == '\f') return false;
    return true;
}

// Base64 (RFC 4648, padded): groups of four characters of [A-Za-z0-9+/], '=' padding only at
// the end. Whitespace is skipped anywhere: the reference validator accepts it with a warning.
bool valid_base64(std::string_view text) {
    std::size_t count = 0, padding = 0;
    for (char c : text) {
        if (is_regex_space(c)) continue;
        bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' || c == '/';
        if (c == '=') {
            ++padding;
            if (padding > 2) return false;
        } else if (!alphabet || padding > 0) {
            return false;
        }
        ++count;
    }
    if (count == 0 || count % 4 != 0) return false;
    return true;
}

std::string must_be_json(std::string_view type, const char* what) {
    return "the value of " + named(type) + " must be a JSON " + what;
}

std::optional<std::string> string_value_problem(std::string_view type, std::string_view text) {
    auto name = named(type);
    if (text.empty()) return name + " must not be an empty string";
    if (text.size() > k_max_string_bytes) return name + " must not exceed 1 MB";
    if (type == "string" || type == "markdown") {
        if (!valid_string_characters(text)) return name + " must not contain vertical tabs or form feeds";
        return std::nullopt;
    }
    if (type == "code") {
        if (!valid_code(text))
            return std::string(
                "a code must not start or end with whitespace or contain two whitespace characters in a row");
        return std::nullopt;
    }
    if (type == "id") {
        if (!valid_id(text)) return std::string("an id must be 1 to 64 letters, digits, '-' or '.'");
        return std::nullopt;
    }
    if (type == "oid") {
        if (!valid_oid(text))
            return std::string(
                "an oid must be written urn:oid: followed by dot-separated numbers without leading zeros, "
                "the first one 0, 1 or 2");
        return std::nullopt;
    }
    if (type == "uuid") {
        if (!valid_uuid(text))
            return std::string("a uuid must be written urn:uuid: followed by a UUID in lowercase hexadecimal "
                               "(8-4-4-4-12 digits)");
        return std::nullopt;
    }
    if (type == "uri" || type == "url" || type == "canonical") {
        if (!valid_uri(text)) return name + " must not contain whitespace";
        // As the reference validator reads URIs: "oid:" and "uuid:" are not schemes, and the
        // urn:uuid: form must hold what the uuid type holds. (Not urn:oid: forms: a core example
        // uses urn:oid:X.Y.Z as a placeholder.)
        if (text.substr(0, 4) == "oid:" || text.substr(0, 5) == "uuid:")
            return name + " must not start with oid: or uuid: (write urn:oid: or urn:uuid:)";
        if (text.substr(0, 9) == "urn:uuid:" && !valid_uuid(text))
            return name + " starting with urn:uuid: must hold a UUID in lowercase hexadecimal (8-4-4-4-12 digits)";
        return std::nullopt;
    }
    if (type == "base64Binary") {
        if (!valid_base64(text))
            return std::string("a base64Binary must be valid base64: groups of four characters of A-Z, a-z, 0-9, '+' "
                               "or '/', padded with '=' at the end");
        return std::nullopt;
    }
    if (type == "date") {
        if (!valid_date(text))
            return std::string("a date must be written YYYY, YYYY-MM or YYYY-MM-DD with a real calendar date");
        return std::nullopt;
    }
    if (type == "dateTime") {
        if (!valid_date_time(text))
            return std::string("a dateTime must be written YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss(.sss) "
                               "with a time zone, with a real calendar date and hours from 00 to 23");
        return std::nullopt;
    }
    if (type == "instant") {
        if (!valid_instant(text))
            return std::string("an instant must be written YYYY-MM-DDThh:mm:ss(.sss) with a time zone (Z or "
                               "+hh:mm), with a real calendar date and hours from 00 to 23");
        return std::nullopt;
    }
    if (type == "time") {
        if (!valid_time(text))
            return std::string("a time must be written hh:mm:ss(.sss) without a time zone, hours from 00 to 23");
        return std::nullopt;
    }
    return std::nullopt; // xhtml (checked by the narrative rules) and types without a pattern.
}

bool is_known_type(std::string_view type) {
    static constexpr std::array<std::string_view, 20> k_types{
        "boolean",      "integer", "positiveInt", "unsignedInt", "decimal", "string", "markdown",
        "code",         "id",      "oid",         "uuid",        "uri",     "url",    "canonical",
        "base64Binary", "date",    "dateTime",    "instant",     "time",    "xhtml"};
    for (auto known : k_types)
        if (known == type) return true;
    return false;
}

} // namespace

JsonPrimitiveKind json_kind_of(std::string_view primitive_type) {
    if (primitive_type == "boolean") return JsonPrimitiveKind::boolean;
    if (primitive_type == "integer" || primitive_type == "decimal" || primitive_type == "positiveInt" ||
        primitive_type == "unsignedInt")
        return JsonPrimitiveKind::number;
    return JsonPrimitiveKind::string;
}

std::optional<std::string> primitive_problem(std::string_view type, const nlohmann::json& value,
                                             const std::string* written) {
    if (!is_known_type(type)) return std::nullopt;
    switch (json_kind_of(type)) {
    case JsonPrimitiveKind::boolean:
        if (!value.is_boolean()) return must_be_json(type, "true or false");
        return std::nullopt;
    case JsonPrimitiveKind::number:
        if (!value.is_number()) return must_be_json(type, "number");
        if (type == "decimal") {
            if (written && !valid_decimal_text(*written))
                return std::string("a decimal must be written as a JSON number without leading zeros");
            return std::nullopt;
        }
        if (type == "integer")
            return integer_problem(type, value, written, k_int32_min, k_int32_max,
                                   "a whole number from -2147483648 to 2147483647");
        if (type == "positiveInt")
            return integer_problem(type, value, written, 1, k_int32_max, "a whole number from 1 to 2147483647");
        return integer_problem(type, value, written, 0, k_int32_max, "a whole number from 0 to 2147483647");
    case JsonPrimitiveKind::string:
        if (!value.is_string()) return must_be_json(type, "string");
        return string_value_problem(type, value.get_ref<const std::string&>());
    }
    return std::nullopt;
}

} // namespace healthdoc::fhir
