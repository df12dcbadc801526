#include "formats/xml_document.hpp"

#include "tests/support/test_support.hpp"

#include <chrono>
#include <cstdint>
#include <string>

using namespace healthdoc::formats;
using healthdoc::test::read_file;
using healthdoc::test::source_path;

namespace {

struct Parsed {
    std::unique_ptr<XmlDocument> document;
    Diagnostics diagnostics;
};

Parsed parse(std::string text, const XmlLimits& limits = {}, const std::string& name = "t.xml") {
    Parsed p;
    p.document = parse_xml(SourceText(name, std::move(text)), p.diagnostics, limits);
    return p;
}

Parsed parse_data(const std::string& file) {
    return parse(read_file(source_path("tests/data/formats/" + file)), {}, file);
}

// The single fatal diagnostic of a refused document, checked for rule and line:col.
void check_fatal(const Parsed& p, const std::string& rule, std::size_t line, std::size_t column) {
    CHECK(p.document == nullptr);
    REQUIRE(p.diagnostics.size() >= 1);
    const auto& d = p.diagnostics.items().front();
    CHECK(d.severity == Severity::fatal);
    CHECK(d.rule == rule);
    CHECK(d.location.line == line);
    CHECK(d.location.column == column);
}

// UTF-8 -> UTF-16 for building test inputs (the code under test does the reverse).
std::string to_utf16(const std::string& utf8, bool big_endian, bool bom) {
    std::string out;
    auto put = [&](std::uint32_t unit) {
        char hi = static_cast<char>(unit >> 8), lo = static_cast<char>(unit & 0xFF);
        out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
    };
    if (bom) put(0xFEFF);
    for (std::size_t i = 0; i < utf8.size();) {
        auto c = static_cast<unsigned char>(utf8[i]);
        std::uint32_t cp;
        std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
        for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3Fu);
        i += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put(0xD800 + (cp >> 10));
            put(0xDC00 + (cp & 0x3FF));
        } else {
            put(cp);
        }
    }
    return out;
}

} // namespace

TEST_CASE("formats::parse_xml well-formed") {
    auto p =
        parse("<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\">\n  <b c=\"1 &amp; 2 &#233; &#xE9;\">t&lt;</b>\n</a>\n");
    REQUIRE(p.document != nullptr);
    CHECK(p.diagnostics.empty());
    CHECK(std::string(p.document->root().name()) == "a");
    CHECK(std::string(p.document->root().child("b").attribute("c").value()) == "1 & 2 \xC3\xA9 \xC3\xA9");
    CHECK(p.document->file() == "t.xml");
    CHECK(p.document->text().substr(0, 5) == "<?xml");
}

TEST_CASE("formats::parse_xml syntax errors") {
    SUBCASE("truncated file: unclosed-tag at the end, naming the open element") {
        auto p = parse_data("truncated.xml");
        check_fatal(p, "xml.syntax.unclosed-tag", 6, 18);
        CHECK(p.diagnostics.items()[0].message.find("<section> opened at line 6") != std::string::npos);
        CHECK(p.diagnostics.items()[0].location.file == "truncated.xml");
    }
    SUBCASE("file ends inside a start tag") {
        auto p = parse("<a>\n  <b x=\"1");
        check_fatal(p, "xml.syntax.unclosed-tag", 2, 10);
        CHECK(p.diagnostics.items()[0].message.find("<a> opened at line 1") != std::string::npos);
    }
    SUBCASE("mismatched end tag names what was expected") {
        auto p = parse("<a>\n  <b>\n  </c>\n</a>");
        check_fatal(p, "xml.syntax.mismatched-tag", 3, 3);
        const auto& message = p.diagnostics.items()[0].message;
        CHECK(message.find("expected </b>") != std::string::npos);
        CHECK(message.find("line 2") != std::string::npos);
    }
    SUBCASE("end tag without start tag") { check_fatal(parse("<a/>\n</a>"), "xml.syntax.mismatched-tag", 2, 1); }
    SUBCASE("bad attribute") { check_fatal(parse("<a>\n <b x=1/></a>"), "xml.syntax.bad-attribute", 2, 7); }
    SUBCASE("duplicate attribute") {
        auto p = parse("<a>\n <b x='1' x='2'/></a>");
        check_fatal(p, "xml.syntax.duplicate-attribute", 2, 2);
        CHECK(p.diagnostics.items()[0].location.path == "/a/b/@x");
    }
    SUBCASE("bad start tag") {
        check_fatal(parse("<a>\n x < y</a>"), "xml.syntax.bad-start-tag", 2, 4);
        check_fatal(parse("<1a/>"), "xml.syntax.bad-start-tag", 1, 1);
    }
    SUBCASE("bad comment") {
        check_fatal(parse("<a>\n<!-- x -- y --></a>"), "xml.syntax.bad-comment", 2, 8);
        check_fatal(parse("<a>\n  <!-- never closed"), "xml.syntax.bad-comment", 2, 3);
    }
    SUBCASE("bad CDATA and PI") {
        check_fatal(parse("<a>\n <![CDATA[x</a>"), "xml.syntax.bad-cdata", 2, 2);
        check_fatal(parse("<a>\n <?pi x</a>"), "xml.syntax.bad-pi", 2, 2);
    }
    SUBCASE("no root, second root, text outside the root") {
        auto empty = parse("  \n");
        CHECK(empty.document == nullptr);
        REQUIRE(empty.diagnostics.size() == 1);
        CHECK(empty.diagnostics.items()[0].rule == "xml.syntax.no-root");
        CHECK(empty.diagnostics.items()[0].location.line == 0);
        check_fatal(parse("<!-- only a comment -->"), "xml.syntax.no-root", 0, 0);
        check_fatal(parse("<a/>\n<b/>"), "xml.syntax.multiple-roots", 2, 1);
        check_fatal(parse("<a/>\ntrailing"), "xml.syntax.bad-text", 2, 1);
    }
    SUBCASE("control characters") {
        check_fatal(parse(std::string("<a>\n x\x01</a>")), "xml.syntax.invalid-char", 2, 3);
        check_fatal(parse(std::string("<a>\0</a>", 8)), "xml.syntax.invalid-char", 1, 4);
    }
}

TEST_CASE("formats::parse_xml references") {
    SUBCASE("undefined entity is reported, never expanded") {
        auto p = parse("<a>\n x &nbsp; y</a>");
        check_fatal(p, "xml.syntax.undefined-entity", 2, 4);
        CHECK(p.diagnostics.items()[0].message.find("&nbsp;") != std::string::npos);
    }
    SUBCASE("in attribute values too") {
        check_fatal(parse("<a>\n <b c=\"&eacute;\"/></a>"), "xml.syntax.undefined-entity", 2, 8);
    }
    SUBCASE("bare ampersand and bad character references") {
        check_fatal(parse("<a>R & D</a>"), "xml.syntax.bad-reference", 1, 6);
        check_fatal(parse("<a>&#0;</a>"), "xml.syntax.bad-reference", 1, 4);
        check_fatal(parse("<a>&#xD800;</a>"), "xml.syntax.bad-reference", 1, 4);
        check_fatal(parse("<a>&#12a;</a>"), "xml.syntax.bad-reference", 1, 4);
    }
    SUBCASE("several problems are reported in text order before the syntax error") {
        auto p = parse("<a>&x; &y;\n<b></a>");
        REQUIRE(p.diagnostics.size() == 3);
        CHECK(p.diagnostics.items()[0].rule == "xml.syntax.undefined-entity");
        CHECK(p.diagnostics.items()[1].location.column == 8);
        CHECK(p.diagnostics.items()[2].rule == "xml.syntax.mismatched-tag");
    }
}

TEST_CASE("formats::parse_xml security") {
    SUBCASE("billion laughs: refused at the DOCTYPE, quickly, nothing expanded") {
        auto started = std::chrono::steady_clock::now();
        auto p = parse_data("billion-laughs.xml");
        auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        check_fatal(p, "xml.security.doctype", 2, 1);
        CHECK(p.diagnostics.size() == 1);
        CHECK(seconds < 1.0);
        CHECK(p.diagnostics.items()[0].message.find("never expanded or fetched") != std::string::npos);
    }
    SUBCASE("external entity: refused, never fetched") {
        auto p = parse_data("external-entity.xml");
        check_fatal(p, "xml.security.doctype", 3, 1);
        CHECK(p.diagnostics.size() == 1);
        CHECK(p.diagnostics.items()[0].message.find("root:") == std::string::npos);
    }
    SUBCASE("DOCTYPE inside an element") {
        check_fatal(parse("<a>\n  <!DOCTYPE b></a>"), "xml.security.doctype", 2, 3);
    }
    SUBCASE("DOCTYPE-like text in comments and CDATA is fine") {
        auto p = parse("<!-- <!DOCTYPE x> --><a><![CDATA[<!DOCTYPE y>]]></a>");
        CHECK(p.document != nullptr);
        CHECK(p.diagnostics.empty());
    }
}

TEST_CASE("formats::parse_xml limits") {
    SUBCASE("too large") {
        XmlLimits limits;
        limits.max_bytes = 10;
        auto p = parse("<a>0123456789</a>", limits);
        check_fatal(p, "xml.limits.too-large", 0, 0);
    }
    SUBCASE("100000 levels: too-deep, no crash") {
        std::string deep;
        for (int i = 0; i < 100000; ++i) deep += "<e>";
        for (int i = 0; i < 100000; ++i) deep += "</e>";
        auto p = parse(deep);
        check_fatal(p, "xml.limits.too-deep", 1, 256 * 3 + 1);
        XmlLimits generous;
        generous.max_depth = 200000;
        auto accepted = parse(deep, generous);
        CHECK(accepted.document != nullptr);
        CHECK(accepted.diagnostics.empty());
        auto unclosed = parse(deep.substr(0, 300000), generous);
        check_fatal(unclosed, "xml.syntax.unclosed-tag", 1, 300001);
    }
    SUBCASE("exactly at the limit is accepted") {
        XmlLimits limits;
        limits.max_depth = 3;
        CHECK(parse("<a><b><c/></b></a>", limits).document != nullptr);
        check_fatal(parse("<a><b><c><d/></c></b></a>", limits), "xml.limits.too-deep", 1, 10);
    }
}

TEST_CASE("formats::parse_xml encodings") {
    const std::string utf8 =
        "<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\">\n  <b>\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80</b>\n  <c/>\n</a>\n";
    SUBCASE("UTF-8 BOM is removed") {
        auto p = parse("\xEF\xBB\xBF" + utf8);
        REQUIRE(p.document != nullptr);
        CHECK(p.document->text() == utf8);
        CHECK(p.document->location_of(p.document->root()).line == 2);
        CHECK(p.document->location_of(p.document->root()).column == 1);
    }
    SUBCASE("UTF-16LE and UTF-16BE, with and without BOM, give the same text and positions") {
        auto reference = parse(utf8);
        REQUIRE(reference.document != nullptr);
        auto c = reference.document->location_of(reference.document->root().child("c"));
        for (bool big_endian : {false, true})
            for (bool bom : {true, false}) {
                CAPTURE(big_endian);
                CAPTURE(bom);
                auto p = parse(to_utf16(utf8, big_endian, bom));
                REQUIRE(p.document != nullptr);
                CHECK(p.diagnostics.empty());
                CHECK(p.document->text() == utf8);
                auto here = p.document->location_of(p.document->root().child("c"));
                CHECK(here.line == c.line);
                CHECK(here.column == c.column);
                CHECK(std::string(p.document->root().child_value("b")) == "\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80");
            }
    }
    SUBCASE("UTF-16 errors have the same positions as in UTF-8") {
        const std::string broken = "<a>\n  <b>\xC3\xA9\n</a>";
        auto reference = parse(broken);
        check_fatal(reference, "xml.syntax.mismatched-tag", 3, 1);
        check_fatal(parse(to_utf16(broken, false, true)), "xml.syntax.mismatched-tag", 3, 1);
        check_fatal(parse(to_utf16(broken, true, false)), "xml.syntax.mismatched-tag", 3, 1);
    }
    SUBCASE("invalid UTF-16") {
        auto bytes = to_utf16("<a>\n x", false, true) + std::string("\x00\xDC", 2);
        check_fatal(parse(bytes), "xml.encoding.invalid-utf16", 2, 3);
    }
    SUBCASE("invalid UTF-8 byte at its line:col") {
        auto p = parse_data("invalid-utf8.xml");
        check_fatal(p, "xml.encoding.invalid-utf8", 4, 12);
        CHECK(p.diagnostics.items()[0].message.find("0xE9") != std::string::npos);
    }
    SUBCASE("declared ISO-8859-1 is transcoded") {
        auto p = parse_data("latin1.xml");
        REQUIRE(p.document != nullptr);
        CHECK(p.diagnostics.empty());
        CHECK(std::string(p.document->root().child_value("title")) == "R\xC3\xA9sum\xC3\xA9 \xC3\xA0 l'h\xC3\xB4pital");
    }
    SUBCASE("declared windows-1252 is transcoded") {
        auto p = parse("<?xml version='1.0' encoding='windows-1252'?><a>\x80 \x9C</a>");
        REQUIRE(p.document != nullptr);
        CHECK(std::string(p.document->root().child_value()) == "\xE2\x82\xAC \xC5\x93");
    }
    SUBCASE("unsupported declared encoding is named") {
        auto p = parse("<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?><a/>");
        check_fatal(p, "xml.encoding.unsupported", 1, 31);
        CHECK(p.diagnostics.items()[0].message.find("EBCDIC-US") != std::string::npos);
    }
    SUBCASE("UTF-16 declared on 8-bit bytes, UTF-32") {
        check_fatal(parse("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>"), "xml.encoding.mismatch", 1, 31);
        check_fatal(parse(std::string("\xFF\xFE\0\0<\0\0\0", 8)), "xml.encoding.unsupported", 0, 0);
    }
}

TEST_CASE("formats::XmlDocument namespaces") {
    auto p = parse("<r xmlns='urn:d' xmlns:p='urn:p'>\n"
                   "  <p:a><b xmlns='urn:inner'><p:c xmlns:p='urn:p2'/></b></p:a>\n"
                   "  <e xmlns=''/><f xml:lang='fr'/>\n"
                   "</r>");
    REQUIRE(p.document != nullptr);
    CHECK(p.diagnostics.empty());
    auto r = p.document->root();
    auto a = r.child("p:a");
    CHECK(XmlDocument::namespace_uri(r) == "urn:d");
    CHECK(XmlDocument::namespace_uri(a) == "urn:p");
    CHECK(XmlDocument::namespace_uri(a.child("b")) == "urn:inner");
    CHECK(XmlDocument::namespace_uri(a.child("b").child("p:c")) == "urn:p2");
    CHECK(XmlDocument::namespace_uri(r.child("e")).empty());
    CHECK(XmlDocument::namespace_uri(r.child("f")) == "urn:d");
    CHECK(XmlDocument::namespace_uri(pugi::xml_node{}).empty());
    CHECK(XmlDocument::local_name("p:c") == "c");
    CHECK(XmlDocument::local_name("c") == "c");

    SUBCASE("undeclared prefixes are errors, reported once per prefix, the document is kept") {
        auto u = parse("<r>\n  <sdtc:x/><sdtc:y/>\n  <v xsi:type='CD'/>\n</r>");
        REQUIRE(u.document != nullptr);
        REQUIRE(u.diagnostics.size() == 2);
        const auto& first = u.diagnostics.items()[0];
        CHECK(first.severity == Severity::error);
        CHECK(first.rule == "xml.namespace.undeclared-prefix");
        CHECK(first.location.line == 2);
        CHECK(first.location.column == 3);
        CHECK(first.location.path == "/r/sdtc:x");
        CHECK(u.diagnostics.items()[1].message.find("'xsi'") != std::string::npos);
        CHECK(u.diagnostics.items()[1].location.line == 3);
    }
    SUBCASE("a prefix declared on a sibling is not in scope") {
        auto u = parse("<r><a xmlns:q='urn:q'/><q:b/></r>");
        REQUIRE(u.diagnostics.size() == 1);
        CHECK(u.diagnostics.items()[0].location.path == "/r/q:b");
    }
}

TEST_CASE("formats::XmlDocument xpath_of and location_of") {
    auto p = parse("<ClinicalDocument xmlns='urn:hl7-org:v3' xmlns:sdtc='urn:hl7-org:sdtc'>\n"
                   "  <recordTarget>\n"
                   "    <patientRole>\n"
                   "      <id root='1'/>\n"
                   "      <id root='2'/>\n"
                   "      <sdtc:raceCode code='x'/>\n"
                   "    </patientRole>\n"
                   "  </recordTarget>\n"
                   "  <component/><component/>\n"
                   "</ClinicalDocument>\n");
    REQUIRE(p.document != nullptr);
    auto root = p.document->root();
    auto role = root.child("recordTarget").child("patientRole");
    auto second_id = role.find_child_by_attribute("id", "root", "2");
    CHECK(XmlDocument::xpath_of(root) == "/ClinicalDocument");
    CHECK(XmlDocument::xpath_of(second_id) == "/ClinicalDocument/recordTarget/patientRole/id[2]");
    CHECK(XmlDocument::xpath_of(role.child("id")) == "/ClinicalDocument/recordTarget/patientRole/id[1]");
    CHECK(XmlDocument::xpath_of(role.child("sdtc:raceCode")) ==
          "/ClinicalDocument/recordTarget/patientRole/sdtc:raceCode");
    CHECK(XmlDocument::xpath_of(root.last_child()) == "/ClinicalDocument/component[2]");
    CHECK(XmlDocument::xpath_of(pugi::xml_node{}).empty());

    auto where = p.document->location_of(second_id);
    CHECK(where.file == "t.xml");
    CHECK(where.line == 5);
    CHECK(where.column == 7);
    CHECK(where.path == "/ClinicalDocument/recordTarget/patientRole/id[2]");
    auto second_component = p.document->location_of(root.last_child());
    CHECK(second_component.line == 9);
    CHECK(second_component.column == 15);

    auto attribute = p.document->location_of(second_id, second_id.attribute("root"));
    CHECK(attribute.line == 5);
    CHECK(attribute.column == 7);
    CHECK(attribute.path == "/ClinicalDocument/recordTarget/patientRole/id[2]/@root");

    auto text = parse("<a>\n  <b>hello</b></a>");
    auto pcdata = text.document->root().child("b").first_child();
    auto text_location = text.document->location_of(pcdata);
    CHECK(text_location.line == 2);
    CHECK(text_location.column == 6);
    CHECK(text_location.path == "/a/b");
    CHECK(text.document->position(0).line == 1);
}

TEST_CASE("formats::parse_xml reference CDA examples") {
    auto ref = REQUIRE_SHARED("reference/cda/ans-testcontenucda/ExemplesCDA");
    if (!ref) return;
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*ref)) {
        if (entry.path().extension() != ".xml") continue;
        Diagnostics diagnostics;
        auto document = parse_xml(SourceText::from_file(entry.path().string()), diagnostics);
        CAPTURE(entry.path().filename().string());
        CHECK(document != nullptr);
        CHECK(diagnostics.empty());
        ++count;
    }
    CHECK(count > 10);
}

TEST_CASE("formats::parse_xml mutated inputs never crash") {
    // Deterministic mutations of a real document: every outcome must be a document or a fatal
    // diagnostic with a position inside the text, never a crash (run under ASan in CI).
    const auto original = read_file(source_path("tests/data/formats/header.cda.xml"));
    std::uint32_t seed = 12345;
    auto next = [&] {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    const char specials[] = {'<', '>', '&', '"', '\'', '/', '!', '?', '-', '[', ']', ':', '=', '\0', '\xC3', '\xFF'};
    for (int round = 0; round < 1500; ++round) {
        auto text = original;
        auto edits = 1 + next() % 3;
        for (std::uint32_t e = 0; e < edits; ++e) {
            auto at = next() % text.size();
            switch (next() % 4) {
            case 0: text[at] = specials[next() % sizeof specials]; break;
            case 1: text.erase(at, 1 + next() % 8); break;
            case 2: text.insert(at, 1, specials[next() % sizeof specials]); break;
            default: text.resize(at); break;
            }
            if (text.empty()) text = "<";
        }
        Diagnostics diagnostics;
        auto document = parse_xml(SourceText("m.xml", text), diagnostics);
        CAPTURE(round);
        if (!document) {
            REQUIRE(diagnostics.has_at_least(Severity::fatal));
        } else {
            CHECK_FALSE(diagnostics.has_at_least(Severity::fatal));
        }
        for (const auto& d : diagnostics.items()) CHECK(d.location.line <= 40);
    }
}
