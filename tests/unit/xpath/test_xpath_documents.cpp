// doc(), doc-available() and document() through a DocumentProvider, relative to the base URI.
#include "xpath_fixture.hpp"

#include "tests/support/test_support.hpp"

using namespace healthdoc::xpath;
using namespace healthdoc::xpath::test;

TEST_CASE("xpath::doc() reads local files relative to the base URI, never the network") {
    healthdoc::test::TempDir dir;
    std::filesystem::create_directories(dir / "voc");
    healthdoc::test::write_file(dir / "voc" / "codes.xml",
                                R"(<ValueSet xmlns="urn:ihe:iti:svs:2008"><Concept code="A" codeSystem="1.2"/>)"
                                R"(<Concept code="B" codeSystem="1.2"/></ValueSet>)");
    healthdoc::test::write_file(dir / "hostile.xml", R"(<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>)");
    FileDocumentProvider provider;
    Run r;
    r.documents = &provider;
    r.sc.namespaces["svs"] = "urn:ihe:iti:svs:2008";
    r.sc.base_uri = (dir / "schema.sch").string();
    CHECK(r.str("count(doc('voc/codes.xml')//svs:Concept)") == "2");
    CHECK(r.str("doc('voc/codes.xml')//svs:Concept[@code = 'B']/@codeSystem") == "1.2");
    CHECK(r.str("count(document('voc/codes.xml')//svs:Concept)") == "2");
    CHECK(r.str("count(document(('voc/codes.xml', './voc/../voc/codes.xml'))//svs:Concept)") == "2");
    CHECK(r.str("doc('voc/codes.xml') is doc('voc/codes.xml')") == "true"); // loaded once
    CHECK(r.str("doc-available('voc/codes.xml')") == "true");
    CHECK(r.str("doc-available('voc/missing.xml')") == "false");
    CHECK(r.error("doc('voc/missing.xml')") == "FODC0002");
    CHECK(r.str("doc-available('hostile.xml')") == "false"); // DOCTYPE refused by parse_xml
    CHECK(r.str("doc-available('http://example.com/x.xml')") == "false");
    CHECK(r.error("doc('https://example.com/x.xml')") == "FODC0002");
    CHECK(r.str("count(doc(()))") == "0");
    // file: URIs and a base URI given as a folder.
    r.sc.base_uri = "file://" + (dir / "voc").string() + "/";
    CHECK(r.str("count(doc('codes.xml')//svs:Concept)") == "2");
    CHECK(r.str("count(doc('file://" + (dir / "voc" / "codes.xml").string() + "')//svs:Concept)") == "2");
    // No provider: every document is unavailable.
    Run none;
    none.sc.base_uri = r.sc.base_uri;
    CHECK(none.error("doc('codes.xml')") == "FODC0002");
    CHECK(none.str("doc-available('codes.xml')") == "false");
}
