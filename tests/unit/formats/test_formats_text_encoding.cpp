#include "formats/text_encoding.hpp"

#include "tests/support/test_support.hpp"

#include <string>

using namespace healthdoc::formats;
using namespace std::string_literals;

TEST_CASE("formats::sniff_encoding") {
    SUBCASE("byte order marks") {
        CHECK(sniff_encoding("\xEF\xBB\xBF<a/>").encoding == ByteEncoding::utf8_bom);
        CHECK(sniff_encoding("\xEF\xBB\xBF<a/>").bom_size == 3);
        CHECK(sniff_encoding("\xFF\xFE<\0"s).encoding == ByteEncoding::utf16le);
        CHECK(sniff_encoding("\xFF\xFE<\0"s).bom_size == 2);
        CHECK(sniff_encoding("\xFE\xFF\0<"s).encoding == ByteEncoding::utf16be);
        CHECK(sniff_encoding("\xFF\xFE\0\0"s).encoding == ByteEncoding::utf32);
        CHECK(sniff_encoding("\0\0\xFE\xFF"s).encoding == ByteEncoding::utf32);
    }
    SUBCASE("XML appendix F patterns without BOM") {
        CHECK(sniff_encoding("<\0?\0"s).encoding == ByteEncoding::utf16le);
        CHECK(sniff_encoding("<\0?\0"s).bom_size == 0);
        CHECK(sniff_encoding("\0<\0?"s).encoding == ByteEncoding::utf16be);
        CHECK(sniff_encoding("<\0\0\0"s).encoding == ByteEncoding::utf32);
    }
    SUBCASE("plain bytes, short and empty inputs") {
        CHECK(sniff_encoding("<?xml").encoding == ByteEncoding::utf8);
        CHECK(sniff_encoding("").encoding == ByteEncoding::utf8);
        CHECK(sniff_encoding("\xFF").encoding == ByteEncoding::utf8);
    }
}

TEST_CASE("formats::find_invalid_utf8") {
    constexpr auto ok = std::string_view::npos;
    CHECK(find_invalid_utf8("") == ok);
    CHECK(find_invalid_utf8("plain ascii") == ok);
    CHECK(find_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == ok); // é € 😀
    CHECK(find_invalid_utf8("caf\xE9") == 3);                                    // latin1 é
    CHECK(find_invalid_utf8("ab\xC0\x80") == 2);                                 // overlong NUL
    CHECK(find_invalid_utf8("ab\xE0\x80\xAF") == 2);                             // overlong 3-byte
    CHECK(find_invalid_utf8("\xED\xA0\x80") == 0);                               // surrogate U+D800
    CHECK(find_invalid_utf8("x\xF4\x90\x80\x80") == 1);                          // above U+10FFFF
    CHECK(find_invalid_utf8("xy\xE2\x82") == 2);                                 // cut by the end
    CHECK(find_invalid_utf8("\x80") == 0);                                       // stray continuation
    CHECK(find_invalid_utf8("\xC3\xA9\xFF") == 2);
}

TEST_CASE("formats::utf16_to_utf8") {
    SUBCASE("little and big endian, with a surrogate pair") {
        auto le = "a\0\xE9\0\xAC\x20\x3D\xD8\x00\xDE"s; // a é € 😀
        auto be = "\0a\0\xE9\x20\xAC\xD8\x3D\xDE\x00"s;
        auto expected = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"s;
        auto from_le = utf16_to_utf8(le, false);
        auto from_be = utf16_to_utf8(be, true);
        CHECK(from_le.text == expected);
        CHECK(from_le.error_at == std::string_view::npos);
        CHECK(from_be.text == expected);
        CHECK(from_be.error_at == std::string_view::npos);
    }
    SUBCASE("unpaired surrogate stops with the output offset") {
        auto r = utf16_to_utf8("a\0b\0\x00\xDC"s, false);
        CHECK(r.text == "ab");
        CHECK(r.error_at == 2);
        auto high_then_letter = utf16_to_utf8("\x3D\xD8z\0"s, false);
        CHECK(high_then_letter.error_at == 0);
    }
    SUBCASE("odd trailing byte") {
        auto r = utf16_to_utf8("a\0b"s, false);
        CHECK(r.text == "a");
        CHECK(r.error_at == 1);
    }
}

TEST_CASE("formats::single_byte_to_utf8") {
    CHECK(single_byte_to_utf8("R\xE9sum\xE9 \xE0 l'h\xF4pital", SingleByteCharset::iso_8859_1) ==
          "R\xC3\xA9sum\xC3\xA9 \xC3\xA0 l'h\xC3\xB4pital");
    CHECK(single_byte_to_utf8("\x80", SingleByteCharset::windows_1252) == "\xE2\x82\xAC"); // €
    CHECK(single_byte_to_utf8("\x9C", SingleByteCharset::windows_1252) == "\xC5\x93");     // œ
    CHECK(single_byte_to_utf8("\x80", SingleByteCharset::iso_8859_1) == "\xC2\x80");       // C1 control
    CHECK(single_byte_to_utf8("\xA4\xBD", SingleByteCharset::iso_8859_15) == "\xE2\x82\xAC\xC5\x93");
    CHECK(single_byte_to_utf8("\xA4", SingleByteCharset::iso_8859_1) == "\xC2\xA4"); // ¤
}

TEST_CASE("formats::classify_encoding_name") {
    CHECK(classify_encoding_name("UTF-8").kind == DeclaredEncoding::utf8);
    CHECK(classify_encoding_name("utf8").kind == DeclaredEncoding::utf8);
    CHECK(classify_encoding_name("US-ASCII").kind == DeclaredEncoding::utf8);
    CHECK(classify_encoding_name("UTF-16").kind == DeclaredEncoding::utf16);
    auto latin1 = classify_encoding_name("iso-8859-1");
    CHECK(latin1.kind == DeclaredEncoding::single_byte);
    CHECK(latin1.charset == SingleByteCharset::iso_8859_1);
    CHECK(classify_encoding_name("ISO_8859-1").charset == SingleByteCharset::iso_8859_1);
    CHECK(classify_encoding_name("Latin1").charset == SingleByteCharset::iso_8859_1);
    CHECK(classify_encoding_name("ISO-8859-15").charset == SingleByteCharset::iso_8859_15);
    CHECK(classify_encoding_name("Windows-1252").charset == SingleByteCharset::windows_1252);
    CHECK(classify_encoding_name("EBCDIC-US").kind == DeclaredEncoding::unsupported);
    CHECK(classify_encoding_name("ISO-8859-2").kind == DeclaredEncoding::unsupported);
    CHECK(classify_encoding_name("").kind == DeclaredEncoding::unsupported);
}

TEST_CASE("formats::xml_declared_encoding") {
    auto found = xml_declared_encoding("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>");
    REQUIRE(found);
    CHECK(found->name == "ISO-8859-1");
    CHECK(found->offset == 30);
    auto single = xml_declared_encoding("<?xml version='1.0' encoding='utf-8' standalone='yes'?>");
    REQUIRE(single);
    CHECK(single->name == "utf-8");
    CHECK_FALSE(xml_declared_encoding("<?xml version=\"1.0\"?><a/>"));
    CHECK_FALSE(xml_declared_encoding("<a encoding=\"latin1\"/>"));
    CHECK_FALSE(xml_declared_encoding("  <?xml version=\"1.0\" encoding=\"latin1\"?>"));
    CHECK_FALSE(xml_declared_encoding("<?xml-stylesheet href=\"x\"?>"));
    CHECK_FALSE(xml_declared_encoding("<?xml version=\"1.0\" encoding=\"latin1"));
}
