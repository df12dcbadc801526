// read_fhir_json: a JSON parser (RFC 8259) that builds the nlohmann::json tree in place and
// records where each value was written and how each decimal was written. An explicit stack
// replaces recursion, so the nesting depth is bounded by the limit alone, never by the C++ stack.
#include "fhir/fhir_json.hpp"

#include "formats/line_index.hpp"
#include "formats/text_encoding.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <vector>

namespace healthdoc::fhir {
namespace {

using formats::Diagnostics;
using formats::Location;
using formats::Severity;
using nlohmann::json;

// Thrown once a fatal diagnostic has been reported: the document cannot be read on.
struct Stop {};

constexpr std::array<bool, 256> plain_string_bytes() {
    std::array<bool, 256> table{};
    for (int c = 0x20; c < 0x80; ++c) table[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return table;
}
constexpr std::array<bool, 256> k_plain = plain_string_bytes();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Length of the valid UTF-8 sequence starting at `p` (a byte >= 0x80), 0 when it is invalid
// (stray continuation byte, overlong form, surrogate, above U+10FFFF, or cut by `end`).
std::size_t utf8_sequence_length(const char* p, const char* end) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(p[i]); };
    auto in = [&](std::size_t i, unsigned lo, unsigned hi) { return p + i < end && byte(i) >= lo && byte(i) <= hi; };
    unsigned lead = byte(0);
    if (lead >= 0xC2 && lead <= 0xDF) return in(1, 0x80, 0xBF) ? 2 : 0;
    if (lead == 0xE0) return in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    if (lead == 0xED) return in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0; // no surrogates
    if (lead >= 0xE1 && lead <= 0xEF) return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    if (lead == 0xF0) return in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    if (lead >= 0xF1 && lead <= 0xF3) return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    if (lead == 0xF4) return in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    return 0;
}

// For a number std::from_chars found out of range: true when it is too large (rather than
// too close to zero) for a double, judged from its decimal exponent.
bool overflows_double(std::string_view text) {
    long long exponent_shift = 0; // decimal exponent of the first significant digit, before 'e'
    bool seen_point = false, seen_significant = false;
    long long integer_digits = 0, leading_fraction_zeros = 0;
    std::size_t i = text[0] == '-' ? 1 : 0;
    for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
        char c = text[i];
        if (c == '.') {
            seen_point = true;
        } else if (!seen_point) {
            if (seen_significant || c != '0') {
                seen_significant = true;
                ++integer_digits;
            }
        } else if (!seen_significant) {
            if (c == '0')
                ++leading_fraction_zeros;
            else
                seen_significant = true;
        }
    }
    if (!seen_significant) return false;
    exponent_shift = integer_digits > 0 ? integer_digits - 1 : -(leading_fraction_zeros + 1);
    long long exponent = 0;
    bool negative_exponent = false;
    if (i < text.size()) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative_exponent = text[i++] == '-';
        for (; i < text.size(); ++i) exponent = std::min<long long>(exponent * 10 + (text[i] - '0'), 1'000'000'000);
    }
    return exponent_shift + (negative_exponent ? -exponent : exponent) > 0;
}

class Reader {
public:
    Reader(std::string_view text, const std::string& file, Diagnostics& diagnostics, std::size_t max_depth,
           JsonSourceMap& map, JsonComments comments)
        : m_p(text.data()), m_end(text.data() + text.size()), m_line_start(text.data()), m_column_at(text.data()),
          m_file(file), m_diagnostics(diagnostics), m_max_depth(max_depth), m_map(map), m_comments(comments) {}

    void parse(json& root) {
        skip_whitespace();
        json* target = &root;
        while (target) {
            parse_value(*target);
            target = after_value();
        }
    }

private:
    struct Frame {
        json* container;
        std::size_t pending_start; // arrays: first entry of m_pending for this array's items
        bool is_object;
        bool discarding_member; // the member being read repeats an earlier name
    };
    // An array item's position and decimal text, recorded once the array stops growing.
    struct PendingItem {
        std::size_t index;
        TextPosition position;
        std::string_view decimal;
    };

    // Line and column of `p`, counting columns in code points from a cursor that only moves
    // forward on the current line (values are met in text order), so the whole read is O(n).
    TextPosition here(const char* p) {
        if (p < m_column_at) {
            m_column_at = m_line_start;
            m_column = 1;
        }
        for (; m_column_at < p; ++m_column_at)
            m_column += (static_cast<unsigned char>(*m_column_at) & 0xC0) != 0x80 ? 1u : 0u;
        return {m_line, m_column};
    }

    void skip_whitespace() {
        while (m_p < m_end) {
            char c = *m_p;
            if (c == ' ' || c == '\t' || c == '\r') {
                ++m_p;
            } else if (c == '\n') {
                new_line(m_p + 1);
            } else if (c == '/' && m_p + 1 < m_end && (m_p[1] == '/' || m_p[1] == '*')) {
                skip_comment();
            } else {
                break;
            }
        }
    }

    // `next` follows a line break.
    void new_line(const char* next) {
        m_p = next;
        ++m_line;
        m_line_start = m_column_at = m_p;
        m_column = 1;
    }

    // Skips the comment at m_p (// or /*), reporting it unless comments are allowed.
    void skip_comment() {
        const char* start = m_p;
        const auto position = here(start);
        if (m_comments == JsonComments::refused)
            m_diagnostics.report(Severity::error, "fhir.json.comment",
                                 "comments are not allowed in JSON (RFC 8259); this one is read as whitespace",
                                 Location{m_file, position.line, position.column, ""});
        if (start[1] == '/') {
            m_p = start + 2;
            while (m_p < m_end && *m_p != '\n') ++m_p;
            return; // the line break is whitespace
        }
        m_p = start + 2;
        for (;;) {
            if (m_p + 1 >= m_end) {
                m_diagnostics.report(Severity::fatal, "json.syntax.invalid",
                                     "the comment opened here is never closed by */",
                                     Location{m_file, position.line, position.column, ""});
                throw Stop{};
            }
            if (*m_p == '*' && m_p[1] == '/') {
                m_p += 2;
                return;
            }
            if (*m_p == '\n')
                new_line(m_p + 1);
            else
                ++m_p;
        }
    }

    [[noreturn]] void fail(const char* p, const char* rule, std::string message) {
        auto position = here(p);
        m_diagnostics.report(Severity::fatal, rule, std::move(message),
                             Location{m_file, position.line, position.column, ""});
        throw Stop{};
    }

    [[noreturn]] void fail_utf8(const char* p) {
        fail(p, "json.encoding.invalid-utf8",
             "the document is not valid UTF-8 from this point (a byte sequence that encodes no character)");
    }

    // A syntax error at `p`, where `expected` was expected; invalid UTF-8 there is reported as such.
    [[noreturn]] void unexpected(const char* p, const std::string& expected) {
        if (p >= m_end) fail(p, "json.syntax.invalid", "expected " + expected + ", found the end of the document");
        if (static_cast<unsigned char>(*p) >= 0x80 && utf8_sequence_length(p, m_end) == 0) fail_utf8(p);
        fail(p, "json.syntax.invalid", "expected " + expected + " at this point (RFC 8259)");
    }

    void record(json& value, TextPosition position, std::string_view decimal) {
        if (m_discarding) return;
        if (!m_stack.empty() && !m_stack.back().is_object) {
            m_pending.push_back({m_stack.back().container->get_ref<json::array_t&>().size() - 1, position, decimal});
            return;
        }
        m_map.set_position(value, position);
        if (!decimal.empty()) m_map.set_decimal_text(value, std::string(decimal));
    }

    void check_depth(const char* p) {
        if (m_stack.size() >= m_max_depth)
            fail(p, "json.limits.too-deep",
                 "the document nests objects and arrays deeper than " + std::to_string(m_max_depth) +
                     " levels (--max-depth)");
    }

    void parse_value(json& target) {
        const char* start = m_p;
        if (start == m_end) unexpected(start, "a JSON value");
        switch (*start) {
        case '{':
            check_depth(start);
            target = json::object();
            record(target, here(start), {});
            open_container(target, true, '}');
            return;
        case '[':
            check_depth(start);
            target = json::array();
            record(target, here(start), {});
            open_container(target, false, ']');
            return;
        case '"': {
            auto position = here(start);
            ++m_p;
            target = scan_string();
            record(target, position, {});
            return;
        }
        case 't': parse_literal(target, "true", json(true)); return;
        case 'f': parse_literal(target, "false", json(false)); return;
        case 'n': parse_literal(target, "null", json(nullptr)); return;
        default:
            if (*start == '-' || is_digit(*start)) return parse_number(target);
            unexpected(start, "a JSON value (object, array, string, number, true, false or null)");
        }
    }

    // After '{' or '[': an empty container is complete; otherwise a frame is pushed and
    // m_next names the slot of the first member or item.
    void open_container(json& container, bool is_object, char close) {
        ++m_p;
        skip_whitespace();
        if (m_p < m_end && *m_p == close) {
            ++m_p;
            return;
        }
        m_stack.push_back(Frame{&container, m_pending.size(), is_object, false});
        m_next = is_object ? member_slot() : new_item();
    }

    void parse_literal(json& target, std::string_view word, json value) {
        const char* start = m_p;
        if (static_cast<std::size_t>(m_end - start) < word.size() || std::memcmp(start, word.data(), word.size()) != 0)
            unexpected(start, "a JSON value (object, array, string, number, true, false or null)");
        m_p += word.size();
        target = std::move(value);
        record(target, here(start), {});
    }

    void parse_number(json& target) {
        const char* start = m_p;
        const char* p = start;
        const bool negative = *p == '-';
        if (negative) ++p;
        if (p == m_end || !is_digit(*p)) unexpected(p, "a digit in the number");
        const char* integer_start = p;
        if (*p == '0') {
            ++p;
            if (p < m_end && is_digit(*p))
                fail(p, "json.syntax.invalid", "a number cannot have leading zeros (RFC 8259)");
        } else {
            while (p < m_end && is_digit(*p)) ++p;
        }
        const std::size_t integer_digits = static_cast<std::size_t>(p - integer_start);
        bool has_fraction_or_exponent = false;
        if (p < m_end && *p == '.') {
            ++p;
            if (p == m_end || !is_digit(*p)) unexpected(p, "a digit after the decimal point");
            while (p < m_end && is_digit(*p)) ++p;
            has_fraction_or_exponent = true;
        }
        if (p < m_end && (*p == 'e' || *p == 'E')) {
            ++p;
            if (p < m_end && (*p == '+' || *p == '-')) ++p;
            if (p == m_end || !is_digit(*p)) unexpected(p, "a digit in the exponent");
            while (p < m_end && is_digit(*p)) ++p;
            has_fraction_or_exponent = true;
        }
        m_p = p;
        const auto position = here(start);
        if (!has_fraction_or_exponent && integer_digits <= 20) {
            std::uint64_t magnitude = 0;
            bool overflow = false;
            for (const char* d = integer_start; d < p; ++d) {
                auto digit = static_cast<std::uint64_t>(*d - '0');
                if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) overflow = true;
                magnitude = magnitude * 10 + digit;
            }
            constexpr auto k_int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
            if (!overflow && negative && magnitude <= k_int64_max + 1) {
                target = magnitude == k_int64_max + 1 ? std::numeric_limits<std::int64_t>::min()
                                                      : -static_cast<std::int64_t>(magnitude);
                record(target, position, {});
                return;
            }
            if (!overflow && !negative) {
                if (magnitude <= k_int64_max)
                    target = static_cast<std::int64_t>(magnitude);
                else
                    target = magnitude;
                record(target, position, {});
                return;
            }
        }
        const std::string_view text(start, static_cast<std::size_t>(p - start));
        double value = 0;
        auto result = std::from_chars(start, p, value);
        if (result.ec == std::errc::result_out_of_range) {
            if (overflows_double(text)) {
                value = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
                m_diagnostics.report(Severity::error, "fhir.json.number-out-of-range",
                                     "the number is too large for a 64-bit floating-point value; it is kept as written",
                                     Location{m_file, position.line, position.column, ""});
            } else {
                value = negative ? -0.0 : 0.0;
            }
        }
        target = value;
        record(target, position, text);
    }

    // Reads a string whose opening quote is just behind m_p; returns its value, a view of the
    // text when it has no escapes (the common case: no copy), else of m_scratch.
    std::string_view scan_string() {
        const char* start = m_p;
        const char* p = start;
        const char* chunk = start;
        bool escaped = false;
        for (;;) {
            while (p < m_end && k_plain[static_cast<unsigned char>(*p)]) ++p;
            if (p == m_end) unexpected(p, "'\"' to close the string");
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') {
                m_p = p + 1;
                if (!escaped) return {start, static_cast<std::size_t>(p - start)};
                m_scratch.append(chunk, p);
                return m_scratch;
            }
            if (c == '\\') {
                if (!escaped) m_scratch.clear();
                escaped = true;
                m_scratch.append(chunk, p);
                p = decode_escape(p);
                chunk = p;
            } else if (c < 0x20) {
                fail(p, "json.syntax.invalid",
                     "a control character (such as a line break or tab) inside a string must be escaped (RFC 8259)");
            } else {
                auto length = utf8_sequence_length(p, m_end);
                if (length == 0) fail_utf8(p);
                p += length;
            }
        }
    }

    std::uint32_t read_hex4(const char* p) {
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            int digit = p + i < m_end ? hex_value(p[i]) : -1;
            if (digit < 0) unexpected(p + i, "four hexadecimal digits after \\u");
            value = value * 16 + static_cast<std::uint32_t>(digit);
        }
        return value;
    }

    // Decodes the escape at `p` (a backslash) into m_scratch; returns what follows it.
    const char* decode_escape(const char* p) {
        if (p + 1 >= m_end) unexpected(p + 1, "an escaped character after '\\'");
        char simple = 0;
        switch (p[1]) {
        case '"': simple = '"'; break;
        case '\\': simple = '\\'; break;
        case '/': simple = '/'; break;
        case 'b': simple = '\b'; break;
        case 'f': simple = '\f'; break;
        case 'n': simple = '\n'; break;
        case 'r': simple = '\r'; break;
        case 't': simple = '\t'; break;
        case 'u': break;
        default: unexpected(p + 1, "one of \" \\ / b f n r t u after '\\'");
        }
        if (simple) {
            m_scratch += simple;
            return p + 2;
        }
        std::uint32_t code_point = read_hex4(p + 2);
        const char* next = p + 6;
        if (code_point >= 0xDC00 && code_point <= 0xDFFF) fail_surrogate(p);
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
            if (m_end - next < 6 || next[0] != '\\' || next[1] != 'u') fail_surrogate(p);
            std::uint32_t low = read_hex4(next + 2);
            if (low < 0xDC00 || low > 0xDFFF) fail_surrogate(p);
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
            next += 6;
        }
        formats::append_utf8(m_scratch, code_point);
        return next;
    }

    [[noreturn]] void fail_surrogate(const char* p) {
        fail(p, "json.encoding.invalid-utf8",
             "an escaped UTF-16 surrogate (\\uD800-\\uDFFF) is not part of a high-low pair, so the string is not "
             "valid Unicode");
    }

    // Reads `"name" :` of the next member of the object on top of the stack; returns the slot
    // its value goes in (a scratch slot for a repeated name, whose value is read and dropped).
    json* member_slot() {
        if (m_p == m_end || *m_p != '"') unexpected(m_p, "a member name in double quotes");
        const char* key_start = m_p;
        ++m_p;
        const std::string_view key = scan_string();
        skip_whitespace();
        if (m_p == m_end || *m_p != ':') unexpected(m_p, "':' after the member name");
        ++m_p;
        skip_whitespace();
        Frame& frame = m_stack.back();
        auto& object = frame.container->get_ref<json::object_t&>();
        auto hint = object.lower_bound(key);
        if (hint == object.end() || hint->first != key) return &object.emplace_hint(hint, key, nullptr)->second;
        report_duplicate(key_start, key);
        if (m_discarding) return &hint->second; // inside a value already dropped: nothing is kept
        frame.discarding_member = true;
        m_discarding = true;
        m_discarded = nullptr;
        return &m_discarded;
    }

    void report_duplicate(const char* key_start, std::string_view key) {
        bool nameable = !key.empty() && key.size() <= 64;
        for (char c : key)
            if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == '@'))
                nameable = false;
        auto position = here(key_start);
        m_diagnostics.report(Severity::error, "fhir.json.duplicate-key",
                             (nameable ? "the member \"" + std::string(key) + "\"" : std::string("a member name")) +
                                 " appears more than once in this object; the first occurrence is kept",
                             Location{m_file, position.line, position.column, ""});
    }

    json* new_item() {
        auto& array = m_stack.back().container->get_ref<json::array_t&>();
        array.emplace_back();
        return &array.back();
    }

    void finish_array(const Frame& frame) {
        auto& array = frame.container->get_ref<json::array_t&>();
        for (std::size_t i = frame.pending_start; i < m_pending.size(); ++i) {
            const auto& item = m_pending[i];
            m_map.set_position(array[item.index], item.position);
            if (!item.decimal.empty()) m_map.set_decimal_text(array[item.index], std::string(item.decimal));
        }
        m_pending.resize(frame.pending_start);
    }

    // After a complete value: reads separators and closing brackets up to the slot of the next
    // value; nullptr when the document is complete.
    json* after_value() {
        if (m_next) return std::exchange(m_next, nullptr); // a container just opened
        for (;;) {
            skip_whitespace();
            if (m_stack.empty()) {
                if (m_p != m_end) unexpected(m_p, "the end of the document after the top-level value");
                return nullptr;
            }
            Frame& frame = m_stack.back();
            const char c = m_p < m_end ? *m_p : '\0';
            if (frame.is_object) {
                if (frame.discarding_member) {
                    frame.discarding_member = false;
                    m_discarding = false;
                    m_discarded = nullptr;
                }
                if (c == ',' && m_p < m_end) {
                    ++m_p;
                    skip_whitespace();
                    return member_slot();
                }
                if (c != '}' || m_p == m_end) unexpected(m_p, "',' or '}' after the object member");
            } else {
                if (c == ',' && m_p < m_end) {
                    ++m_p;
                    skip_whitespace();
                    return new_item();
                }
                if (c != ']' || m_p == m_end) unexpected(m_p, "',' or ']' after the array item");
                finish_array(frame);
            }
            ++m_p;
            m_stack.pop_back();
        }
    }

    const char* m_p;
    const char* m_end;
    std::uint32_t m_line = 1;
    const char* m_line_start;
    const char* m_column_at;
    std::uint32_t m_column = 1;
    const std::string& m_file;
    Diagnostics& m_diagnostics;
    std::size_t m_max_depth;
    JsonSourceMap& m_map;
    JsonComments m_comments;
    std::vector<Frame> m_stack;
    std::vector<PendingItem> m_pending;
    json* m_next = nullptr;
    std::string m_scratch;
    json m_discarded;
    bool m_discarding = false;
};

// UTF-16 without a byte order mark, recognised as RFC 4627 section 3 did: a JSON text starts
// with an ASCII character, so a zero byte beside it betrays the byte order.
formats::ByteEncoding sniff_json_encoding(std::string_view bytes, std::size_t& bom_size) {
    auto sniff = formats::sniff_encoding(bytes);
    bom_size = sniff.bom_size;
    if (sniff.encoding == formats::ByteEncoding::utf8 && bytes.size() >= 2) {
        if (bytes[0] != 0 && bytes[1] == 0) return formats::ByteEncoding::utf16le;
        if (bytes[0] == 0 && bytes[1] != 0) return formats::ByteEncoding::utf16be;
    }
    return sniff.encoding;
}

} // namespace

std::unique_ptr<FhirJson> read_fhir_json(const formats::SourceText& source, formats::Diagnostics& diagnostics,
                                         const formats::JsonLimits& limits, JsonComments comments) {
    const std::string& file = source.name();
    if (source.size() > limits.max_bytes) {
        diagnostics.report(Severity::fatal, "json.limits.too-large",
                           "the document is larger than the " + std::to_string(limits.max_bytes / (1024 * 1024)) +
                               " MiB limit (--max-size)",
                           Location{file, 0, 0, ""});
        return nullptr;
    }
    std::size_t bom_size = 0;
    const auto encoding = sniff_json_encoding(source.bytes(), bom_size);
    std::string transcoded;
    std::string_view text = source.bytes().substr(bom_size);
    if (encoding == formats::ByteEncoding::utf32) {
        diagnostics.report(Severity::fatal, "json.encoding.invalid-utf8",
                           "the document is encoded in UTF-32, which is not supported (use UTF-8)",
                           Location{file, 1, 1, ""});
        return nullptr;
    }
    if (encoding == formats::ByteEncoding::utf16le || encoding == formats::ByteEncoding::utf16be) {
        auto decoded = formats::utf16_to_utf8(text, encoding == formats::ByteEncoding::utf16be);
        transcoded = std::move(decoded.text);
        if (decoded.error_at != std::string_view::npos) {
            auto position = formats::LineIndex(transcoded).position(decoded.error_at);
            diagnostics.report(Severity::fatal, "json.encoding.invalid-utf8",
                               "the UTF-16 document has an unpaired surrogate or an odd trailing byte here",
                               Location{file, position.line, position.column, ""});
            return nullptr;
        }
        text = transcoded;
    }
    auto document = std::make_unique<FhirJson>();
    try {
        Reader(text, file, diagnostics, limits.max_depth, document->map, comments).parse(document->root);
    } catch (const Stop&) {
        return nullptr;
    }
    return document;
}

} // namespace healthdoc::fhir
