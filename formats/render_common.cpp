#include "formats/render_common.hpp"

#include <charconv>
#include <cmath>

namespace healthdoc::formats {

const std::string& finding_file(const DocumentReport& document, const Diagnostic& diagnostic) {
    return diagnostic.location.file.empty() ? document.file : diagnostic.location.file;
}

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD"; // U+FFFD

// Length of the valid UTF-8 sequence at text[i] and its code point; 0 when invalid
// (overlong forms, surrogates and values above U+10FFFF are invalid, RFC 3629).
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code_point) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length;
    char32_t minimum;
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2, minimum = 0x80, code_point = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, minimum = 0x800, code_point = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, minimum = 0x10000, code_point = lead & 0x07u;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        code_point = (code_point << 6) | (byte(i + k) & 0x3Fu);
    }
    if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
    return length;
}

void flatten(const nlohmann::ordered_json& value, const std::string& key,
             std::vector<std::pair<std::string, std::string>>& out) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [name, item] : value.items()) flatten(item, key.empty() ? name : key + "." + name, out);
    } else if (value.is_array() && !value.empty()) {
        for (std::size_t i = 0; i < value.size(); ++i) flatten(value[i], key + "[" + std::to_string(i) + "]", out);
    } else if (value.is_string()) {
        out.emplace_back(key.empty() ? "value" : key, value.get<std::string>());
    } else {
        out.emplace_back(key.empty() ? "value" : key,
                         value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    }
}

} // namespace

std::string sanitize_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        const std::size_t length = utf8_sequence(text, i, cp);
        if (length == 0) {
            out += k_replacement;
            ++i;
            continue;
        }
        if (cp == '\t' || cp == '\n' || cp == '\r')
            out += ' ';
        else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF)
            out += k_replacement;
        else
            out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

std::string format_fixed(double value, int decimals) {
    if (!std::isfinite(value) || value < 0) value = 0;
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
    if (result.ec != std::errc{}) return "0";
    return std::string(buffer, result.ptr);
}

std::vector<std::pair<std::string, std::string>> flatten_details(const nlohmann::ordered_json& details) {
    std::vector<std::pair<std::string, std::string>> out;
    if ((details.is_object() || details.is_array()) && details.empty()) return out;
    flatten(details, "", out);
    return out;
}

std::string dump_json(const nlohmann::ordered_json& value) {
    return value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

} // namespace healthdoc::formats
