// Casts, castable, constructor functions, instance of, treat as, decimal arithmetic.
#include "xpath_fixture.hpp"

using namespace healthdoc::xpath;
using namespace healthdoc::xpath::test;

TEST_CASE("xpath::casts and constructor functions") {
    CHECK(str("xs:integer('  42 ')") == "42");
    CHECK(str("xs:integer(3.9)") == "3");
    CHECK(str("xs:integer(-3.9e0)") == "-3");
    CHECK(error("xs:integer('4.5')") == "FORG0001");
    CHECK(error("xs:integer('99999999999999999999')") == "FOAR0002");
    CHECK(error("xs:integer(number('NaN'))") == "FOCA0002");
    CHECK(str("xs:decimal('1.50')") == "1.5");
    CHECK(str("xs:decimal(1.25e0)") == "1.25");
    CHECK(error("xs:decimal('1e3')") == "FORG0001");
    CHECK(str("xs:double('1e3')") == "1000");
    CHECK(str("xs:double('-INF')") == "-INF");
    CHECK(str("xs:double('1.5E-7')") == "1.5E-7");
    CHECK(str("xs:float('0.1')") == "0.1");
    CHECK(error("xs:double('abc')") == "FORG0001");
    CHECK(str("xs:boolean('1')") == "true");
    CHECK(str("xs:boolean('false')") == "false");
    CHECK(error("xs:boolean('yes')") == "FORG0001");
    CHECK(str("xs:string(1.0)") == "1");
    CHECK(str("xs:string(())") == "");
    CHECK(str("xs:anyURI('http://x')") == "http://x");
    CHECK(str("xs:token('  a   b ')") == "a b");
    CHECK(str("xs:language('fr-FR')") == "fr-FR");
    CHECK(error("xs:language('fr_FR')") == "FORG0001");
    CHECK(str("xs:NCName('abc')") == "abc");
    CHECK(error("xs:NCName('a:b')") == "FORG0001");
    CHECK(error("xs:int('3000000000')") == "FORG0001");
    CHECK(error("xs:positiveInteger('0')") == "FORG0001");
    CHECK(str("xs:nonNegativeInteger('0')") == "0");
    CHECK(error("xs:date(1)") == "XPTY0004");
    CHECK(error("xs:foo('1')") == "XPST0051");
    CHECK(error("xs:duration('P1D')") == "HDXP0002");
    CHECK(error("'1' cast as xs:anyAtomicType") == "XPST0080");
    CHECK(str("'12' cast as xs:integer") == "12");
    CHECK(str("() cast as xs:integer?") == "");
    CHECK(error("() cast as xs:integer") == "XPTY0004");
    CHECK(error("(1, 2) cast as xs:integer") == "XPTY0004");
}

TEST_CASE("xpath::castable as") {
    CHECK(str("'12' castable as xs:integer") == "true");
    CHECK(str("'1.2' castable as xs:integer") == "false");
    CHECK(str("'2024-01-02T10:00:00' castable as xs:dateTime") == "true");
    CHECK(str("'2024-01-02T25:00:00' castable as xs:dateTime") == "false");
    CHECK(str("'20240102' castable as xs:date") == "false");
    CHECK(str("'' castable as xs:decimal") == "false");
    CHECK(str("'http://a b' castable as xs:anyURI") == "true");
    CHECK(str("'en' castable as xs:language") == "true");
    CHECK(str("() castable as xs:integer") == "false");
    CHECK(str("() castable as xs:integer?") == "true");
    CHECK(str("(1, 2) castable as xs:integer") == "false");
    auto doc = parse(R"(<r><v value="12"/><v value="x"/></r>)");
    Run r(&doc);
    CHECK(r.str("count(//v[@value castable as xs:integer])") == "1");
    CHECK(r.str("//v[@value castable as xs:integer]/xs:integer(@value) + 1") == "13");
}

TEST_CASE("xpath::instance of and treat as") {
    CHECK(str("1 instance of xs:integer") == "true");
    CHECK(str("1 instance of xs:decimal") == "true");
    CHECK(str("1.0 instance of xs:integer") == "false");
    CHECK(str("1e0 instance of xs:double") == "true");
    CHECK(str("'a' instance of xs:string") == "true");
    CHECK(str("xs:token('a') instance of xs:string") == "true");
    CHECK(str("xs:int(1) instance of xs:integer") == "true");
    CHECK(str("(1, 2) instance of xs:integer+") == "true");
    CHECK(str("(1, 2) instance of xs:integer") == "false");
    CHECK(str("() instance of xs:integer?") == "true");
    CHECK(str("() instance of empty-sequence()") == "true");
    CHECK(str("(1, 'a') instance of item()*") == "true");
    CHECK(str("1 instance of xs:anyAtomicType") == "true");
    auto doc = parse(R"(<r a="1"><e/></r>)");
    Run r(&doc);
    CHECK(r.str("/r/e instance of element()") == "true");
    CHECK(r.str("/r/e instance of element(e)") == "true");
    CHECK(r.str("/r/e instance of element(f)") == "false");
    CHECK(r.str("/r/@a instance of attribute()") == "true");
    CHECK(r.str("/r/@a instance of node()") == "true");
    CHECK(r.str("(/) instance of document-node()") == "true");
    CHECK(r.str("data(/r/@a) instance of xs:untypedAtomic") == "true");
    CHECK(r.str("/r/e instance of xs:string") == "false");
    CHECK(error("/ instance of document-node()") == "XPST0003"); // leading-lone-slash rule
    CHECK(str("(1 treat as xs:integer) + 1") == "2");
    CHECK(error("'a' treat as xs:integer") == "XPDY0050");
}

TEST_CASE("xpath::numeric promotion and canonical forms") {
    CHECK(str("1 + 1.5") == "2.5");
    CHECK(str("(1 + 1.5) instance of xs:decimal") == "true");
    CHECK(str("(1 + 1e0) instance of xs:double") == "true");
    CHECK(str("(1 div 2) instance of xs:decimal") == "true");
    CHECK(str("(xs:float(1) + 1) instance of xs:float") == "true");
    CHECK(str("(4 idiv 2) instance of xs:integer") == "true");
    CHECK(str("xs:untypedAtomic('2') + 1") == "3");
    CHECK(str("(xs:untypedAtomic('2') + 1) instance of xs:double") == "true");
    CHECK(str("123456789012345678.5 + 0.25") == "123456789012345678.75");
    CHECK(str("1.1 * 1.1") == "1.21");
    CHECK(str("10 div 4") == "2.5");
    CHECK(str("-0.5 * 2") == "-1");
    CHECK(str("1e6") == "1.0E6");
    CHECK(str("123456.5e0") == "123456.5");
    CHECK(str("0.000001e0") == "0.000001");
    CHECK(str("0.0000001e0") == "1.0E-7");
    CHECK(str("-0e0") == "-0");
    CHECK(str("xs:float('3.4028235E38')") == "3.4028235E38");
}

TEST_CASE("xpath::decimal edge cases") {
    CHECK(str("12345678901234567890.123456789 + 0.000000001") == "12345678901234567890.12345679");
    CHECK(str("-1.5 + 1.5") == "0");
    CHECK(str("0.3 - 0.1 = 0.2") == "true");
    CHECK(str("1 div 8") == "0.125");
    CHECK(str("2 div 3") == "0.666666666666666666");
    CHECK(str("-7.5 idiv 2") == "-3");
    CHECK(str("7.5 mod 2") == "1.5");
    CHECK(str("-7.5 mod 2") == "-1.5");
    CHECK(str("floor(-0.5)") == "-1");
    CHECK(str("ceiling(-0.5)") == "0");
    CHECK(str("round(-0.5)") == "0");
    CHECK(str("abs(-0.001)") == "0.001");
    CHECK(str("xs:decimal('0001.2300')") == "1.23");
    CHECK(str("xs:decimal('-.5')") == "-0.5");
    CHECK(str("xs:decimal('5.')") == "5");
    CHECK(error("xs:decimal('.')") == "FORG0001");
    CHECK(error("99999999999999999999.5 * 99999999999999999999.5") == "FOAR0002");
    CHECK(error("1.5 div 0") == "FOAR0001");
    CHECK(str("1.5 div 0e0") == "INF");
    CHECK(str("xs:integer(12345678901.9)") == "12345678901");
    CHECK(error("xs:integer(99999999999999999999.0)") == "FOCA0003");
    CHECK(str("0.1 * 3 eq 0.3") == "true");
    CHECK(str("(1.0, 1, 1e0, xs:float(1)) = 1") == "true");
    CHECK(str("1.1 lt 1.10000000000000000001") == "true");
}
