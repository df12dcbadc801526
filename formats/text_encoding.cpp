#include "formats/text_encoding.hpp"

#include <cstring>

#include <array>
#include <cstdint>

namespace healthdoc::formats {
namespace {

unsigned char byte_at(std::string_view s, std::size_t i) { return static_cast<unsigned char>(s[i]); }

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool equals_ignoring_case_and_punctuation(std::string_view name, std::string_view canonical) {
    // Aliases differ in case and in '-', '_' and ' ' ("ISO_8859-1", "iso8859-1", "Latin-1").
    std::size_t j = 0;
    for (char c : name) {
        if (c == '-' || c == '_' || c == ' ') continue;
        if (j >= canonical.size() || ascii_upper(c) != canonical[j]) return false;
        ++j;
    }
    return j == canonical.size();
}

// windows-1252 0x80..0x9F (WHATWG encoding index); the five undefined bytes map to the C1
// control of the same value, as browsers do.
constexpr std::array<std::uint16_t, 32> k_cp1252_high = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::uint32_t iso_8859_15(unsigned char b) {
    switch (b) {
    case 0xA4: return 0x20AC;
    case 0xA6: return 0x0160;
    case 0xA8: return 0x0161;
    case 0xB4: return 0x017D;
    case 0xB8: return 0x017E;
    case 0xBC: return 0x0152;
    case 0xBD: return 0x0153;
    case 0xBE: return 0x0178;
    default: return b;
    }
}

} // namespace

EncodingSniff sniff_encoding(std::string_view bytes) {
    auto n = bytes.size();
    auto b = [&](std::size_t i) { return i < n ? byte_at(bytes, i) : 0x100u; };
    if (b(0) == 0x00 && b(1) == 0x00 && b(2) == 0xFE && b(3) == 0xFF) return {ByteEncoding::utf32, 4};
    if (b(0) == 0xFF && b(1) == 0xFE && b(2) == 0x00 && b(3) == 0x00) return {ByteEncoding::utf32, 4};
    if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return {ByteEncoding::utf8_bom, 3};
    if (b(0) == 0xFF && b(1) == 0xFE) return {ByteEncoding::utf16le, 2};
    if (b(0) == 0xFE && b(1) == 0xFF) return {ByteEncoding::utf16be, 2};
    // XML 1.0 appendix F: without a BOM, "<" in a wider unit betrays the encoding.
    if (b(0) == 0x3C && b(1) == 0x00 && b(2) == 0x00 && b(3) == 0x00) return {ByteEncoding::utf32, 0};
    if (b(0) == 0x00 && b(1) == 0x00 && b(2) == 0x00 && b(3) == 0x3C) return {ByteEncoding::utf32, 0};
    if (b(0) == 0x3C && b(1) == 0x00 && b(2) != 0x00 && b(3) == 0x00) return {ByteEncoding::utf16le, 0};
    if (b(0) == 0x00 && b(1) == 0x3C && b(2) == 0x00 && b(3) != 0x00) return {ByteEncoding::utf16be, 0};
    return {ByteEncoding::utf8, 0};
}

std::size_t find_invalid_utf8(std::string_view text) noexcept {
    const auto n = text.size();
    std::size_t i = 0;
    while (i < n) {
        // ASCII fast path, eight bytes at a time: most health documents are almost all ASCII.
        while (i + 8 <= n) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + i, sizeof word);
            if (word & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = byte_at(text, i);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        std::uint32_t cp = 0;
        std::uint32_t min = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2, cp = c & 0x1Fu, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3, cp = c & 0x0Fu, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4, cp = c & 0x07u, min = 0x10000;
        } else {
            return i; // continuation byte out of place, C0/C1 overlong lead, or F5..FF
        }
        if (i + length > n) return i;
        for (std::size_t k = 1; k < length; ++k) {
            unsigned char cc = byte_at(text, i + k);
            if ((cc & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += length;
    }
    return std::string_view::npos;
}

Transcoded utf16_to_utf8(std::string_view bytes, bool big_endian) {
    Transcoded result;
    result.text.reserve(bytes.size() / 2 + bytes.size() / 8);
    const auto n = bytes.size();
    auto unit = [&](std::size_t i) -> std::uint32_t {
        auto a = byte_at(bytes, i);
        auto b = byte_at(bytes, i + 1);
        return big_endian ? (std::uint32_t{a} << 8 | b) : (std::uint32_t{b} << 8 | a);
    };
    std::size_t i = 0;
    while (i + 1 < n) {
        std::uint32_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 3 >= n) break;
            std::uint32_t low = unit(i + 2);
            if (low < 0xDC00 || low > 0xDFFF) break;
            append_utf8(result.text, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
            i += 4;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            break;
        } else {
            append_utf8(result.text, u);
            i += 2;
        }
    }
    if (i < n) result.error_at = result.text.size();
    return result;
}

std::string single_byte_to_utf8(std::string_view bytes, SingleByteCharset charset) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 8);
    for (char ch : bytes) {
        auto b = static_cast<unsigned char>(ch);
        if (b < 0x80) {
            out.push_back(ch);
            continue;
        }
        std::uint32_t cp = b;
        if (charset == SingleByteCharset::windows_1252 && b < 0xA0)
            cp = k_cp1252_high[b - 0x80];
        else if (charset == SingleByteCharset::iso_8859_15)
            cp = iso_8859_15(b);
        append_utf8(out, cp);
    }
    return out;
}

EncodingName classify_encoding_name(std::string_view name) {
    auto is = [&](std::string_view canonical) { return equals_ignoring_case_and_punctuation(name, canonical); };
    if (is("UTF8") || is("USASCII") || is("ASCII") || is("ANSIX3.41968") || is("ISO646US"))
        return {DeclaredEncoding::utf8, {}};
    if (is("UTF16") || is("UTF16LE") || is("UTF16BE") || is("UCS2") || is("ISO10646UCS2"))
        return {DeclaredEncoding::utf16, {}};
    if (is("ISO88591") || is("LATIN1") || is("L1") || is("ISOIR100") || is("CP819") || is("IBM819") ||
        is("ISO885911987"))
        return {DeclaredEncoding::single_byte, SingleByteCharset::iso_8859_1};
    if (is("ISO885915") || is("LATIN9") || is("LATIN0") || is("L9"))
        return {DeclaredEncoding::single_byte, SingleByteCharset::iso_8859_15};
    if (is("WINDOWS1252") || is("CP1252") || is("XCP1252"))
        return {DeclaredEncoding::single_byte, SingleByteCharset::windows_1252};
    return {DeclaredEncoding::unsupported, {}};
}

std::optional<DeclaredEncodingValue> xml_declared_encoding(std::string_view text) noexcept {
    // XML 1.0 §2.8: XMLDecl ::= '<?xml' VersionInfo EncodingDecl? SDDecl? S? '?>', only at offset 0.
    if (text.substr(0, 5) != "<?xml" || text.size() < 6) return std::nullopt;
    char after = text[5];
    if (after != ' ' && after != '\t' && after != '\r' && after != '\n') return std::nullopt;
    auto end = text.find("?>", 5);
    if (end == std::string_view::npos) return std::nullopt;
    auto decl = text.substr(0, end);
    std::size_t i = 5;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (i < decl.size()) {
        while (i < decl.size() && is_space(decl[i])) ++i;
        auto name_start = i;
        while (i < decl.size() && !is_space(decl[i]) && decl[i] != '=') ++i;
        auto name = decl.substr(name_start, i - name_start);
        while (i < decl.size() && is_space(decl[i])) ++i;
        if (i >= decl.size() || decl[i] != '=') return std::nullopt;
        ++i;
        while (i < decl.size() && is_space(decl[i])) ++i;
        if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return std::nullopt;
        char quote = decl[i++];
        auto value_end = decl.find(quote, i);
        if (value_end == std::string_view::npos) return std::nullopt;
        if (name == "encoding") return DeclaredEncodingValue{decl.substr(i, value_end - i), i};
        i = value_end + 1;
    }
    return std::nullopt;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

} // namespace healthdoc::formats
