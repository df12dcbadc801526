// Axes, node tests, namespaces, predicates, document order and set operations.
#include "xpath_fixture.hpp"

using namespace healthdoc::xpath;
using namespace healthdoc::xpath::test;

namespace {

// Default namespace on the root, a prefixed element from another namespace, a different
// prefix for the CDA namespace deeper down, attributes with and without prefixes.
const char* k_doc = R"(<?xml version="1.0"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:sdtc="urn:hl7-org:sdtc" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <id root="1.2.3" extension="A"/>
  <id root="1.2.4"/>
  <title>Compte rendu</title>
  <recordTarget>
    <patientRole>
      <sdtc:raceCode code="R1"/>
      <hl7:name xmlns:hl7="urn:hl7-org:v3"><hl7:given>Jean</hl7:given><family>Dupont</family></hl7:name>
      <value xsi:type="CD" code="X"/>
    </patientRole>
  </recordTarget>
  <component><section><entry n="1"/><entry n="2"/><entry n="3"/></section></component>
</ClinicalDocument>)";

} // namespace

TEST_CASE("xpath::namespaces: prefixes resolve to URIs, whatever the document wrote") {
    auto doc = parse(k_doc);
    Run r(&doc);
    CHECK(r.str("count(/cda:ClinicalDocument)") == "1");
    CHECK(r.str("count(/ClinicalDocument)") == "0"); // unprefixed = no namespace
    CHECK(r.str("count(//cda:id)") == "2");
    CHECK(r.str("//cda:given") == "Jean");
    CHECK(r.str("//cda:name/cda:family") == "Dupont");
    CHECK(r.str("count(//sdtc:raceCode)") == "1");
    CHECK(r.str("count(//cda:raceCode)") == "0");
    CHECK(r.str("//*:raceCode/@code") == "R1");
    CHECK(r.str("count(//sdtc:*)") == "1");
    CHECK(r.str("//cda:value/@xsi:type") == "CD");
    CHECK(r.str("count(/cda:ClinicalDocument/@*)") == "0"); // xmlns declarations are not attributes
    CHECK(r.str("namespace-uri(//cda:given)") == "urn:hl7-org:v3");
    CHECK(r.str("namespace-uri(//*:raceCode)") == "urn:hl7-org:sdtc");
    CHECK(r.str("namespace-uri(//cda:id[1]/@root)") == "");
    CHECK(r.str("name(//cda:given)") == "hl7:given");
    CHECK(r.str("local-name(//cda:given)") == "given");
    CHECK(r.str("local-name-from-QName(node-name(//sdtc:raceCode))") == "raceCode");
    CHECK(r.str("namespace-uri-from-QName(node-name(//sdtc:raceCode))") == "urn:hl7-org:sdtc");
    CHECK(r.error("count(//foo:bar)") == "XPST0081");
}

TEST_CASE("xpath::namespaces: default element namespace of the static context") {
    auto doc = parse(k_doc);
    Run r(&doc);
    r.sc.default_element_namespace = "urn:hl7-org:v3";
    CHECK(r.str("count(/ClinicalDocument/id)") == "2");
    CHECK(r.str("count(//id/@root)") == "2"); // attributes stay in no namespace
}

TEST_CASE("xpath::axes") {
    auto doc = parse(k_doc);
    Run r(&doc);
    CHECK(r.str("count(//cda:entry)") == "3");
    CHECK(r.str("//cda:entry[2]/@n") == "2");
    CHECK(r.str("//cda:entry[last()]/@n") == "3");
    CHECK(r.str("//cda:entry[position() > 1]/@n") == "2 3");
    CHECK(r.str("//cda:entry[2]/following-sibling::cda:entry/@n") == "3");
    CHECK(r.str("//cda:entry[3]/preceding-sibling::cda:entry[1]/@n") == "2"); // reverse axis position
    CHECK(r.str("//cda:entry[3]/preceding-sibling::cda:entry/@n") == "1 2");  // result in document order
    CHECK(r.str("count(//cda:entry[1]/ancestor::*)") == "3");
    CHECK(r.str("local-name(//cda:entry[1]/ancestor::*[1])") == "section");
    CHECK(r.str("count(//cda:entry[1]/ancestor-or-self::*)") == "4");
    CHECK(r.str("local-name(//cda:entry[1]/..)") == "section");
    CHECK(r.str("local-name(//cda:id[1]/@root/..)") == "id");
    CHECK(r.str("count(//cda:title/following::*)") == "12");
    CHECK(r.str("count(//cda:title/preceding::*)") == "2");
    CHECK(r.str("count(//cda:section/descendant::node())") == "3");
    CHECK(r.str("count(//cda:section/descendant-or-self::*)") == "4");
    CHECK(r.str("//cda:title/text()") == "Compte rendu");
    CHECK(r.str("count(//text())") == "3");
    CHECK(r.str("count(/node())") == "1");
    CHECK(r.str("count(/cda:ClinicalDocument/self::cda:ClinicalDocument)") == "1");
    CHECK(r.str("count(//cda:id/self::cda:title)") == "0");
    CHECK(r.str("count(//element())") == "16");
    CHECK(r.str("count(//element(cda:id))") == "2");
    CHECK(r.str("count(//attribute())") == "9");
    CHECK(r.str("count(//@attribute(code))") == "2");
    CHECK(r.str("count(/self::document-node())") == "1");
    CHECK(r.str("count(//comment())") == "0");
    CHECK(r.str("count(//cda:id[1]/@root/following::*)") == "14");
    CHECK(r.str("string(//cda:entry[@n = '2']/@n)") == "2");
    CHECK(r.str("//cda:entry[@n = 2]/@n") == "2");
    CHECK(r.str("(//cda:entry)[2]/@n") == "2");
    CHECK(r.str("//cda:entry[1][@n = '2']") == "");
    CHECK(r.str("//cda:entry[@n > 1][1]/@n") == "2");
    CHECK(r.str("count(//cda:entry[.])") == "3");
    CHECK(r.str("//cda:name/string()") == "JeanDupont");
    CHECK(r.str("//cda:entry/xs:integer(@n)") == "1 2 3");
    CHECK(r.str("sum(//cda:entry/@n)") == "6");
    CHECK(r.error("//cda:entry/string()/x") == "XPTY0019");
}

TEST_CASE("xpath::document order, node comparisons and set operations") {
    auto doc = parse(k_doc);
    Run r(&doc);
    CHECK(r.str("(//cda:entry[3] | //cda:entry[1])/@n") == "1 3");
    CHECK(r.str("(//cda:entry[3], //cda:entry[1])/@n") == "1 3"); // a path sorts its result
    CHECK(r.str("for $e in (//cda:entry[3], //cda:entry[1]) return string($e/@n)") == "3 1");
    CHECK(r.str("(//cda:entry union //cda:entry[2])/@n") == "1 2 3");
    CHECK(r.str("(//cda:entry intersect //cda:entry[@n >= 2])/@n") == "2 3");
    CHECK(r.str("(//cda:entry except //cda:entry[2])/@n") == "1 3");
    CHECK(r.str("count(//cda:id/@* except //cda:id/@extension)") == "2");
    CHECK(r.str("//cda:entry[1] is (//cda:entry)[1]") == "true");
    CHECK(r.str("//cda:entry[1] << //cda:entry[2]") == "true");
    CHECK(r.str("//cda:entry[1] >> //cda:entry[2]") == "false");
    CHECK(r.str("//cda:id[1] << //cda:id[1]/@root") == "true");
    CHECK(r.error("(1, 2) | //cda:id") == "XPTY0004");
    CHECK(r.str("//cda:entry[1] is ()") == "");
}

TEST_CASE("xpath::general comparisons on nodes (untypedAtomic)") {
    auto doc = parse(k_doc);
    Run r(&doc);
    CHECK(r.test("//cda:id/@root = '1.2.4'"));
    CHECK(r.test("//cda:id/@root != '1.2.4'")); // existential: one differs
    CHECK_FALSE(r.test("//cda:id/@root = '9'"));
    CHECK(r.test("'1.2.3' = //cda:id/@root"));
    CHECK(r.test("//cda:entry/@n = 3"));
    CHECK(r.test("//cda:entry/@n > 2.5"));
    CHECK(r.test("//cda:entry/@n = (7, 3)"));
    CHECK(r.test("//cda:title = 'Compte rendu'"));
    CHECK(r.test("//cda:entry[1]/@n = //cda:entry[1]/@n"));
    CHECK(r.error("//cda:id/@root = 1") == "FORG0001");
    CHECK(r.error("//cda:id/@root eq '1.2.3'") == "XPTY0004"); // two items
    CHECK(r.str("//cda:id[1]/@root eq '1.2.3'") == "true");
}

TEST_CASE("xpath::context item") {
    auto doc = parse(k_doc);
    Run r;
    CHECK(r.error(".") == "XPDY0002");
    CHECK(r.error("/") == "XPDY0002");
    CHECK(r.error("position()") == "XPDY0002");
    DynamicContext dc;
    dc.atomic_item = Atomic::string("abc");
    CHECK(Expression::compile("string-length()", r.sc).evaluate_string(dc) == "3");
    CHECK(Expression::compile("(1, 2, 3)[. > 1]", r.sc).evaluate_string(dc) == "2 3");
    CHECK(Expression::compile("(5, 6, 7)[2]", r.sc).evaluate_string(dc) == "6");
    CHECK(Expression::compile("(5, 6, 7)[position() = last()]", r.sc).evaluate_string(dc) == "7");
    CHECK(Expression::compile("(5, 6, 7)[.]", r.sc).evaluate_string(dc) == ""); // numeric predicate = position
    // Node context in the middle of the document.
    Sequence entries = Run(&doc).eval("//cda:section");
    dc = DynamicContext{};
    dc.item = entries[0].node();
    CHECK(Expression::compile("count(cda:entry)", r.sc).evaluate_string(dc) == "3");
    CHECK(Expression::compile("local-name(/*)", r.sc).evaluate_string(dc) == "ClinicalDocument");
    CHECK(Expression::compile("count(root()//cda:id)", r.sc).evaluate_string(dc) == "2");
    CHECK(Expression::compile("count(current()/cda:entry)", r.sc).evaluate_string(dc) == "3");
}

TEST_CASE("xpath::documents without a DocumentIndex still work (temporary index)") {
    healthdoc::formats::Diagnostics diagnostics;
    auto xml = healthdoc::formats::parse_xml(healthdoc::formats::SourceText("t.xml", k_doc), diagnostics);
    REQUIRE(xml);
    DynamicContext dc;
    dc.item = pugi::xpath_node(xml->dom());
    auto e = Expression::compile("(//cda:entry[3] | //cda:entry[1])/@n", cda_context());
    CHECK(e.evaluate_string(dc) == "1 3");
}

TEST_CASE("xpath::// with predicates: positions count among siblings, not in the whole subtree") {
    auto doc = parse("<r><a><e n='1'/><e n='2'/></a><a><e n='3'/><e n='4'/></a></r>");
    Run r(&doc);
    CHECK(r.str("//e[1]/@n") == "1 3");
    CHECK(r.str("(//e)[1]/@n") == "1");
    CHECK(r.str("//e[last()]/@n") == "2 4");
    CHECK(r.str("//e[position() = 2]/@n") == "2 4");
    CHECK(r.str("//e[@n > 1][1]/@n") == "2 3");
    CHECK(r.str("//e[@n > 1]/@n") == "2 3 4");
    CHECK(r.str("/r//e[@n = 3]/@n") == "3");
    CHECK(r.str("count(/r/a[2]//e[@n])") == "2");
    CHECK(r.str("count(/r/a[2]/descendant-or-self::e)") == "2");
    CHECK(r.str("count(//a//e)") == "4");
    CHECK(r.str("//a[e/@n = 4]//e[1]/@n") == "3");
}

TEST_CASE("xpath::multi-step paths keep document order without duplicates") {
    auto doc = parse("<r><a id='1'><b id='2'><c id='3'/></b><c id='4'/></a><a id='5'><c id='6'/></a></r>");
    Run r(&doc);
    CHECK(r.str("//c/../@id") == "1 2 5");
    CHECK(r.str("string-join(//c/parent::*/@id, ' ')") == "1 2 5");
    CHECK(r.str("string-join((//c/..)/@id, ' ')") == "1 2 5");
    CHECK(r.str("string-join(//c/../../@id, ' ')") == "1");
    CHECK(r.str("string-join(/r/a/following-sibling::*/@id, ' ')") == "5");
    CHECK(r.str("string-join(//c/ancestor::*/@id, ' ')") == "1 2 5");
    CHECK(r.str("string-join(//b/following::*/@id, ' ')") == "4 5 6");
    CHECK(r.str("string-join(/r/a/*/@id, ' ')") == "2 4 6");
    CHECK(r.str("string-join(/r/a//*/@id, ' ')") == "2 3 4 6");
    CHECK(r.str("string-join(/r/a/descendant-or-self::*/c/@id, ' ')") == "3 4 6");
    CHECK(r.str("string-join(//*[@id = (3, 4)]/../c/@id, ' ')") == "3 4");
}

TEST_CASE("xpath::value lookups (descendant::x[@a = $key]) give the plain evaluation's result") {
    auto doc =
        parse(R"(<vs xmlns:s="urn:s"><g id="1"><s:Concept code="A" sys="1"/><s:Concept code="B" sys="1"/></g>)"
              R"(<g id="2"><s:Concept code="A" sys="2"/><s:Concept code="10" sys="2"/><n>x</n><n>y<i/>x</n></g></vs>)");
    Run r(&doc);
    r.sc.namespaces["s"] = "urn:s";
    r.vars = {{"c", {Atomic::string("A")}},
              {"s", {Atomic::string("2")}},
              {"many", {Atomic::string("B"), Atomic::untyped("A")}},
              {"num", {Atomic::integer(10)}},
              {"none", {}}};
    CHECK(r.str("count(//s:Concept[@code = $c])") == "2");
    CHECK(r.str("//s:Concept[@code = $c and @sys = $s]/@sys") == "2");
    CHECK(r.str("//s:Concept[@sys = $s][@code = $c]/@sys") == "2");
    CHECK(r.str("//s:Concept[$c = @code]/@sys") == "1 2");
    CHECK(r.str("//s:Concept[@code = $many]/@code") == "A B A");     // document order, no duplicates
    CHECK(r.error("//s:Concept[@code = $num]/@code") == "FORG0001"); // numeric key: "A" is no number
    CHECK(r.str("//s:Concept[@code = '010']/@code") == "");
    CHECK(r.str("//s:Concept[@sys = '2'][@code != 'A'][@code = 10.0]/@code") == "10");
    CHECK(r.str("count(//s:Concept[@code = $none])") == "0");
    CHECK(r.str("count(//s:Concept[@code = concat('', 'A')])") == "2");
    CHECK(r.str("count(/vs/g[@id = '2']//s:Concept[@code = $c])") == "1"); // only inside the subtree
    CHECK(r.str("count(//n[text() = 'x'])") == "2");                       // any text child
    CHECK(r.str("count(//n[text() = 'y'])") == "1");
    CHECK(r.str("count(//s:Concept[@nope = $c])") == "0");
    CHECK(r.str("count(//s:Concept[@code = //n[1]])") == "0"); // key from the document: not indexed, same result
    for (int i = 0; i < 3; ++i) CHECK(r.str("count(//s:Concept[@code = $c])") == "2"); // index reused
}
