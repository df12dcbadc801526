// Character encodings of input bytes: byte order marks, UTF-8 validation, and transcoding of
// UTF-16 and the Latin single-byte charsets to UTF-8. Pure functions on memory; no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::formats {

// How the leading bytes of an input say it is encoded.
enum class ByteEncoding {
    utf8,     // no BOM, nothing else recognised: UTF-8 or a single-byte charset
    utf8_bom, // EF BB BF
    utf16le,  // FF FE, or "<" followed by NUL (XML 1.0 appendix F)
    utf16be,  // FE FF, or NUL followed by "<"
    utf32,    // 00 00 FE FF / FF FE 00 00 / "<" as a 4-byte unit: recognised but not supported
};

struct EncodingSniff {
    ByteEncoding encoding = ByteEncoding::utf8;
    std::size_t bom_size = 0; // bytes of byte order mark to skip (0 when none)
};

// Judges the encoding from the first four bytes only. Never throws.
EncodingSniff sniff_encoding(std::string_view bytes);

// Appends the UTF-8 encoding of the code point `c` (one to four bytes).
void append_utf8(std::string& out, char32_t c);

// Byte offset of the first byte of `text` that does not start or continue a valid UTF-8
// sequence (overlong forms, surrogates, code points above U+10FFFF and sequences cut by the end
// all count as invalid); std::string_view::npos when all of `text` is valid.
std::size_t find_invalid_utf8(std::string_view text) noexcept;

// The result of a transcoding that may stop early.
struct Transcoded {
    std::string text;                              // UTF-8 decoded before any error
    std::size_t error_at = std::string_view::npos; // offset in `text` where undecodable input began; npos if none
};

// UTF-16 (without BOM: strip it first) to UTF-8. Stops at an unpaired surrogate or a trailing
// odd byte, reporting where in the output that happened.
Transcoded utf16_to_utf8(std::string_view bytes, bool big_endian);

// The single-byte charsets French documents still declare.
enum class SingleByteCharset { iso_8859_1, iso_8859_15, windows_1252 };

// Transcodes `bytes` in `charset` to UTF-8; every byte maps to a character, so it cannot fail.
std::string single_byte_to_utf8(std::string_view bytes, SingleByteCharset charset);

// What an encoding name (as written in an XML declaration, any case) means to us.
enum class DeclaredEncoding { utf8, utf16, single_byte, unsupported };
struct EncodingName {
    DeclaredEncoding kind = DeclaredEncoding::unsupported;
    SingleByteCharset charset = SingleByteCharset::iso_8859_1; // when kind == single_byte
};
// Classifies "UTF-8", "US-ASCII", "ISO-8859-1", "latin1", "windows-1252", "UTF-16"... by their
// IANA names and common aliases; anything else is `unsupported`.
EncodingName classify_encoding_name(std::string_view name);

// The encoding pseudo-attribute of an XML declaration at the very start of `text` (which must
// be ASCII-compatible, BOM already removed) and the offset of its value in `text`;
// std::nullopt when there is no declaration or it names no encoding.
struct DeclaredEncodingValue {
    std::string_view name;
    std::size_t offset = 0;
};
std::optional<DeclaredEncodingValue> xml_declared_encoding(std::string_view text) noexcept;

} // namespace healthdoc::formats
