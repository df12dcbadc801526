// Expressions built to hurt: deep nesting, long chains, huge ranges, syntax errors with offsets.
#include "xpath_fixture.hpp"

using namespace healthdoc::xpath;
using namespace healthdoc::xpath::test;

namespace {

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

std::size_t error_offset(const std::string& expr) {
    try {
        Expression::compile(expr, cda_context());
    } catch (const Error& e) {
        return e.offset;
    }
    return Error::no_offset;
}

} // namespace

TEST_CASE("xpath::hostile: nesting and chains are refused, not crashed on") {
    CHECK(str(repeat("(", 50) + "1" + repeat(")", 50)) == "1");
    CHECK(error(repeat("(", 100000) + "1" + repeat(")", 100000)) == "HDXP0001");
    CHECK(error(repeat("-", 100000) + "1") == "HDXP0001");
    CHECK(error("1" + repeat(" + 1", 100000)) == "HDXP0001");
    CHECK(str("1" + repeat(" + 1", 300)) == "301");
    CHECK(error(repeat("a[", 10000) + repeat("]", 10000)) == "HDXP0001");
    CHECK(error(repeat("f(", 10000)) == "HDXP0001");
    CHECK_NOTHROW(Expression::compile("count(" + repeat("a/", 100000) + "a)", cda_context())); // flat: fine
    CHECK(str("count((" + repeat("1, ", 50000) + "1))") == "50001");
}

TEST_CASE("xpath::hostile: sizes are bounded") {
    CHECK(error("1 to 100000000000") == "HDXP0001");
    CHECK(error("count(1 to 9223372036854775807)") == "HDXP0001");
    CHECK(error("count(for $i in 1 to 2000 return 1 to 1000)") == "HDXP0001");
    CHECK(str("count(-5 to 5)") == "11");
    CHECK(error("99999999999999999999") == "FOAR0002");
}

TEST_CASE("xpath::syntax errors carry XPST0003 and the offset") {
    CHECK(error("1 +") == "XPST0003");
    CHECK(error_offset("1 +") == 3);
    CHECK(error("count(1") == "XPST0003");
    CHECK(error_offset("a[@b = 'c'") == 10);
    CHECK(error("'unterminated") == "XPST0003");
    CHECK(error_offset("1 + 'unterminated") == 4);
    CHECK(error("(: unterminated") == "XPST0003");
    CHECK(error("1 2") == "XPST0003");
    CHECK(error("a//") == "XPST0003");
    CHECK(error("@") == "XPST0003");
    CHECK(error("#") == "XPST0003");
    CHECK(error("foo::bar") == "XPST0003");
    CHECK(error("namespace::*") == "HDXP0002");
    CHECK(error("if (1) then 2") == "XPST0003");
    CHECK(error("for $x in 1 return") == "XPST0003");
    CHECK(error("1 instance of") == "XPST0003");
    CHECK(error("schema-element(x)") == "HDXP0002");
    CHECK(error("element(x, xs:string)") == "HDXP0002");
    CHECK(error("") == "XPST0003");
    CHECK(error_offset("count(cda:x) = = 1") == 15);
}

TEST_CASE("xpath::hostile: a 100,000-deep document is walked without recursion") {
    // Built with pugixml directly: formats::parse_xml refuses such depth, other sources may not.
    std::string text;
    for (int i = 0; i < 100000; ++i) text += "<e>";
    text += "x";
    for (int i = 0; i < 100000; ++i) text += "</e>";
    pugi::xml_document dom;
    REQUIRE(dom.load_string(text.c_str()));
    DocumentIndex index(dom);
    DynamicContext dc;
    dc.item = pugi::xpath_node(dom);
    StaticContext sc;
    CHECK(Expression::compile("count(//e)", sc).evaluate_string(dc) == "100000");
    CHECK(Expression::compile("string(/)", sc).evaluate_string(dc) == "x");
    CHECK(Expression::compile("count(//e[not(e)]/ancestor::*)", sc).evaluate_string(dc) == "99999");
    CHECK(Expression::compile("count(//text()/preceding::node())", sc).evaluate_string(dc) == "0");
    CHECK(Expression::compile("deep-equal(/, /)", sc).evaluate_string(dc) == "true");
    CHECK(Expression::compile("count((//e)[last()]/following::node())", sc).evaluate_string(dc) == "0");
    auto p = Pattern::compile("e//e/e", sc);
    auto deepest = Expression::compile("//e[not(e)]", sc).evaluate(dc);
    REQUIRE(deepest.size() == 1);
    CHECK(p.matches(deepest[0].node(), dc));
}

TEST_CASE("xpath::hostile: patterns with many // on a deep document stay linear") {
    std::string text;
    for (int i = 0; i < 3000; ++i) text += "<e>";
    for (int i = 0; i < 3000; ++i) text += "</e>";
    pugi::xml_document dom;
    REQUIRE(dom.load_string(text.c_str()));
    DocumentIndex index(dom);
    DynamicContext dc;
    dc.item = pugi::xpath_node(dom);
    StaticContext sc;
    auto deepest = Expression::compile("//e[not(e)]", sc).evaluate(dc);
    REQUIRE(deepest.size() == 1);
    CHECK(Pattern::compile("e//e//e//e//e//e//e/e", sc).matches(deepest[0].node(), dc));
    CHECK_FALSE(Pattern::compile("f//e//e//e//e//e//e/e", sc).matches(deepest[0].node(), dc));
    CHECK_FALSE(Pattern::compile("e//e[@x]//e//e//e//e//e/e", sc).matches(deepest[0].node(), dc));
}
