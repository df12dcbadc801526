// The Schematron loader on broken and hostile schemas: every problem is a located diagnostic,
// never an exception or a crash, and only what is broken is left out.
#include "cda/schematron/loader.hpp"
#include "tests/support/test_support.hpp"

#include <string>
#include <vector>

using healthdoc::cda::schematron::load_schema;
using healthdoc::cda::schematron::LoadOptions;
using healthdoc::cda::schematron::Schema;
using healthdoc::formats::Diagnostic;
using healthdoc::formats::Diagnostics;
using healthdoc::formats::Severity;
using healthdoc::test::TempDir;
using healthdoc::test::write_file;

namespace {

const std::string k_open = R"~(<?xml version="1.0" encoding="UTF-8"?>
<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
)~";

std::string schema_text(const std::string& body) { return k_open + body + "</schema>\n"; }

std::string listing(const Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics.items())
        out += std::filesystem::path(d.location.file).filename().string() + ":" + std::to_string(d.location.line) +
               ": " + std::string(to_string(d.severity)) + ": " + d.message + " [" + d.rule + "]\n";
    return out;
}

// "file:line severity rule" of each finding, the file reduced to its name.
std::vector<std::string> findings(const Diagnostics& diagnostics) {
    std::vector<std::string> out;
    for (const auto& d : diagnostics.items())
        out.push_back(std::filesystem::path(d.location.file).filename().string() + ":" +
                      std::to_string(d.location.line) + " " + std::string(to_string(d.severity)) + " " + d.rule);
    return out;
}

std::size_t count_checks(const Schema& schema) {
    std::size_t n = 0;
    for (const auto& pattern : schema.patterns)
        for (const auto& rule : pattern.rules) n += rule.checks.size();
    return n;
}

} // namespace

TEST_CASE("cda::schematron::load_schema refuses what is not a schema") {
    TempDir dir;
    Diagnostics out;
    auto load = [&](const std::string& name) {
        out = Diagnostics();
        auto schema = load_schema(dir / name, out);
        INFO(listing(out));
        CHECK_FALSE(schema);
        REQUIRE_FALSE(out.empty());
        return out.items().front();
    };
    SUBCASE("a file that does not exist") {
        auto d = load("absent.sch");
        CHECK(d.rule == "cda.schematron.unreadable");
        CHECK(d.severity == Severity::error);
    }
    SUBCASE("a directory") {
        std::filesystem::create_directory(dir / "folder.sch");
        CHECK(load("folder.sch").rule == "cda.schematron.unreadable");
    }
    SUBCASE("an empty file") {
        write_file(dir / "empty.sch", "");
        CHECK(load("empty.sch").rule.rfind("xml.", 0) == 0);
    }
    SUBCASE("text that is not XML") {
        write_file(dir / "text.sch", "<schema xmlns=\"http://purl.oclc.org/dsdl/schematron\">\n  <pattern>\n</schema>");
        auto d = load("text.sch");
        CHECK(d.rule.rfind("xml.syntax.", 0) == 0);
        CHECK(d.severity == Severity::fatal);
        CHECK(d.location.line == 3);
    }
    SUBCASE("a DOCTYPE with entities, never expanded") {
        write_file(dir / "lol.sch", R"~(<?xml version="1.0"?>
<!DOCTYPE schema [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<schema xmlns="http://purl.oclc.org/dsdl/schematron"><title>&b;</title></schema>
)~");
        auto d = load("lol.sch");
        CHECK(d.rule.rfind("xml.", 0) == 0);
        CHECK(d.severity == Severity::fatal);
    }
    SUBCASE("another root element") {
        write_file(dir / "xsl.sch",
                   R"~(<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="2.0"/>)~");
        auto d = load("xsl.sch");
        CHECK(d.rule == "cda.schematron.not-a-schema");
        CHECK(d.location.line == 1);
    }
    SUBCASE("a schema element in no namespace") {
        write_file(dir / "plain.sch", "<schema><pattern/></schema>");
        CHECK(load("plain.sch").rule == "cda.schematron.not-a-schema");
    }
    SUBCASE("Schematron 1.5") {
        write_file(dir / "old.sch", R"~(<schema xmlns="http://www.ascc.net/xml/schematron"/>)~");
        auto d = load("old.sch");
        CHECK(d.rule == "cda.schematron.not-a-schema");
        CHECK(d.message.find("1.5") != std::string::npos);
    }
}

TEST_CASE("cda::schematron::load_schema skips elements without their required attribute") {
    TempDir dir;
    write_file(dir / "s.sch", schema_text(R"~(  <ns prefix="cda"/>
  <let value="1"/>
  <let name="no_value"/>
  <include/>
  <phase id="ph"><active/></phase>
  <pattern abstract="true"><rule context="a"><assert test="1"/></rule></pattern>
  <pattern id="p">
    <rule><assert test="1">no context</assert></rule>
    <rule abstract="true"><assert test="1">no id</assert></rule>
    <rule context="kept">
      <assert>no test</assert>
      <report test="  ">blank test</report>
      <assert test="ok">value <value-of/> lost</assert>
      <extends/>
    </rule>
  </pattern>
  <pattern id="i" is-a="p"><param value="1"/><param name="x"/></pattern>
)~"));
    Diagnostics out;
    auto schema = load_schema(dir / "s.sch", out);
    INFO(listing(out));
    REQUIRE(schema);
    std::vector<std::string> expected{
        "s.sch:3 error cda.schematron.missing-attribute",         "s.sch:4 error cda.schematron.missing-attribute",
        "s.sch:5 error cda.schematron.missing-attribute",         "s.sch:6 error cda.schematron.missing-attribute",
        "s.sch:7 error cda.schematron.missing-attribute",         "s.sch:8 error cda.schematron.missing-attribute",
        "s.sch:10 error cda.schematron.missing-attribute",        "s.sch:11 error cda.schematron.missing-attribute",
        "s.sch:13 error cda.schematron.missing-attribute",        "s.sch:14 error cda.schematron.missing-attribute",
        "s.sch:15 error cda.schematron.missing-attribute",        "s.sch:16 error cda.schematron.missing-attribute",
        "s.sch:19 error cda.schematron.missing-attribute",        "s.sch:19 error cda.schematron.missing-attribute",
        "s.sch:19 error cda.schematron.unknown-abstract-pattern",
    };
    CHECK(findings(out) == expected);
    CHECK(out.items()[0].message == "sch:ns has no @uri; it is ignored");
    REQUIRE(schema->patterns.size() == 1);
    REQUIRE(schema->patterns[0].rules.size() == 1);
    const auto& rule = schema->patterns[0].rules[0];
    CHECK(rule.context == "kept");
    REQUIRE(rule.checks.size() == 1);
    REQUIRE(rule.checks[0].message.size() == 1);
    CHECK(rule.checks[0].message[0].text == "value  lost");
    CHECK(schema->lets.empty());
    CHECK(schema->namespaces.empty());
    CHECK(schema->phases.at(0).active.empty());
}

TEST_CASE("cda::schematron::load_schema warns about a missing include target and goes on") {
    TempDir dir;
    write_file(dir / "top.sch", schema_text(R"~(  <include href="include/Sections/absent.sch"/>
  <include href="include/Sections/Present.sch"/>
  <phase id="all"><active pattern="absent"/><active pattern="present"/></phase>
)~"));
    write_file(dir / "include/sections/present.sch",
               R"~(<pattern xmlns="http://purl.oclc.org/dsdl/schematron" id="present"/>)~");
    Diagnostics out;
    auto schema = load_schema(dir / "top.sch", out);
    INFO(listing(out));
    REQUIRE(schema);
    // Only in letter case: found on a case-insensitive file system, not here (nor in the
    // reference run, on Linux), and the hint says so.
    std::vector<std::string> expected{
        "top.sch:3 warning cda.schematron.include-missing", "top.sch:4 warning cda.schematron.include-missing",
        "top.sch:5 warning cda.schematron.unknown-pattern", "top.sch:5 warning cda.schematron.unknown-pattern"};
    CHECK(findings(out) == expected);
    CHECK(out.items()[0].message.find("'include/Sections/absent.sch' does not exist") != std::string::npos);
    CHECK(out.items()[0].message.find("letter case") == std::string::npos);
    CHECK(out.items()[1].message.find((dir / "include/sections/present.sch").string() +
                                      " differs only in letter case") != std::string::npos);
    CHECK(out.items()[2].message.find("'absent'") != std::string::npos);
    CHECK(schema->patterns.empty());
}

TEST_CASE("cda::schematron::load_schema stops include cycles, deep nesting and include bombs") {
    TempDir dir;
    SUBCASE("a cycle") {
        write_file(dir / "top.sch", schema_text("  <pattern id=\"p\"><include href=\"a.sch\"/></pattern>\n"));
        write_file(dir / "a.sch", R"~(<rule xmlns="http://purl.oclc.org/dsdl/schematron" context="a">
  <assert test="a"/>
  <include href="sub/../a.sch"/>
</rule>
)~");
        Diagnostics out;
        auto schema = load_schema(dir / "top.sch", out);
        INFO(listing(out));
        REQUIRE(schema);
        CHECK(findings(out) == std::vector<std::string>{"a.sch:3 error cda.schematron.include-cycle"});
        CHECK(count_checks(*schema) == 1);
    }
    SUBCASE("a schema including itself") {
        write_file(dir / "self.sch", schema_text("  <include href=\"self.sch\"/>\n"));
        Diagnostics out;
        CHECK(load_schema(dir / "self.sch", out));
        CHECK(findings(out) == std::vector<std::string>{"self.sch:3 error cda.schematron.include-cycle"});
    }
    SUBCASE("nesting deeper than 32") {
        // i0.sch's root is an include of i1.sch, and so on: a chain of 40.
        write_file(dir / "top.sch", schema_text("  <include href=\"i0.sch\"/>\n"));
        for (int i = 0; i < 40; ++i)
            write_file(dir / ("i" + std::to_string(i) + ".sch"),
                       "<include xmlns=\"http://purl.oclc.org/dsdl/schematron\" href=\"i" + std::to_string(i + 1) +
                           ".sch\"/>");
        write_file(dir / "i40.sch", "<let xmlns=\"http://purl.oclc.org/dsdl/schematron\" name=\"deep\" value=\"1\"/>");
        Diagnostics out;
        auto schema = load_schema(dir / "top.sch", out);
        INFO(listing(out));
        REQUIRE(schema);
        CHECK(findings(out) == std::vector<std::string>{"i31.sch:1 error cda.schematron.include-depth"});
        CHECK(schema->lets.empty());

        LoadOptions options;
        options.max_include_depth = 41;
        out = Diagnostics();
        schema = load_schema(dir / "top.sch", out, options);
        CHECK(out.empty());
        REQUIRE(schema);
        CHECK(schema->lets.size() == 1);
    }
    SUBCASE("an include bomb: ten includes of ten includes") {
        // Schematron elements do not nest in themselves, so includes fan out a few levels only,
        // but each level may hold thousands: the total is bounded.
        std::string tens;
        for (int i = 0; i < 10; ++i) tens += "<include href=\"b1.sch\"/>";
        write_file(dir / "top.sch", schema_text(tens + "\n"));
        tens.clear();
        for (int i = 0; i < 10; ++i) tens += "<include href=\"b2.sch\"/>";
        write_file(dir / "b1.sch", "<pattern xmlns=\"http://purl.oclc.org/dsdl/schematron\">" + tens + "</pattern>");
        write_file(dir / "b2.sch", "<rule xmlns=\"http://purl.oclc.org/dsdl/schematron\" context=\"a\"/>");
        LoadOptions options;
        options.max_includes = 50;
        Diagnostics out;
        auto schema = load_schema(dir / "top.sch", out, options);
        INFO(listing(out));
        REQUIRE(schema);
        CHECK(findings(out) == std::vector<std::string>{"b1.sch:1 error cda.schematron.too-many-includes"});
        std::size_t rules = 0;
        for (const auto& pattern : schema->patterns) rules += pattern.rules.size();
        CHECK(rules == 50 - schema->patterns.size());
    }
}

TEST_CASE("cda::schematron::load_schema refuses includes it must not follow") {
    TempDir dir;
    write_file(dir / "top.sch", schema_text(R"~(  <include href="http://example.org/remote.sch"/>
  <include href="whole.sch"/>
  <include href="broken.sch"/>
  <include href="parts.sch#nothing"/>
  <include href="parts.sch#p"/>
)~"));
    write_file(dir / "whole.sch", schema_text(""));
    write_file(dir / "broken.sch", "<pattern xmlns=\"http://purl.oclc.org/dsdl/schematron\">");
    write_file(dir / "parts.sch", R"~(<library xmlns="http://purl.oclc.org/dsdl/schematron">
  <pattern id="p"><rule context="a"><assert test="b"/></rule></pattern>
</library>
)~");
    Diagnostics out;
    auto schema = load_schema(dir / "top.sch", out);
    INFO(listing(out));
    REQUIRE(schema);
    auto found = findings(out);
    REQUIRE(found.size() == 5);
    CHECK(found[0] == "top.sch:3 error cda.schematron.include-remote");
    CHECK(found[1] == "top.sch:4 error cda.schematron.include-schema");
    CHECK(found[2].rfind("broken.sch:1 fatal xml.", 0) == 0); // parse_xml's own finding
    CHECK(found[3] == "top.sch:5 error cda.schematron.include-unreadable");
    CHECK(found[4] == "top.sch:6 error cda.schematron.include-fragment");
    REQUIRE(schema->patterns.size() == 1);
    CHECK(schema->patterns[0].id == "p");
}

TEST_CASE("cda::schematron::load_schema reports broken abstract patterns and rules") {
    TempDir dir;
    write_file(dir / "s.sch", schema_text(R"~(  <pattern abstract="true" id="abs">
    <rule context="$ctx"><assert test="$test"/></rule>
  </pattern>
  <pattern id="both" abstract="true" is-a="abs"/>
  <pattern id="unknown" is-a="nothing"><param name="a" value="1"/></pattern>
  <pattern id="inst" is-a="abs">
    <param name="ctx" value="a"/><param name="test" value="b"/><param name="tset" value="c"/>
    <param name="ctx" value="z"/>
    <rule context="ignored"><assert test="1"/></rule>
  </pattern>
  <pattern id="rules">
    <rule abstract="true" id="loop1"><extends rule="loop2"/><assert test="l1"/></rule>
    <rule abstract="true" id="loop2"><extends rule="loop1"/></rule>
    <rule abstract="true" id="dup"><assert test="d1"/><extends rule="gone"/></rule>
    <rule abstract="true" id="dup"><assert test="d2"/></rule>
    <rule context="x"><extends rule="loop1"/><extends rule="dup"/></rule>
    <rule context="y"><extends rule="dup"/><extends rule="missing"/></rule>
  </pattern>
)~"));
    Diagnostics out;
    auto schema = load_schema(dir / "s.sch", out);
    INFO(listing(out));
    REQUIRE(schema);
    std::vector<std::string> expected{
        "s.sch:6 error cda.schematron.bad-pattern",
        "s.sch:8 warning cda.schematron.instance-content",
        "s.sch:7 error cda.schematron.unknown-abstract-pattern",
        "s.sch:9 warning cda.schematron.unused-param",
        "s.sch:10 warning cda.schematron.duplicate-param",
        "s.sch:17 warning cda.schematron.duplicate-id",
        "s.sch:15 error cda.schematron.extends-cycle",
        "s.sch:16 error cda.schematron.unknown-rule",
        "s.sch:19 error cda.schematron.unknown-rule",
    };
    CHECK(findings(out) == expected);
    REQUIRE(schema->patterns.size() == 2);
    const auto& instance = schema->patterns[0];
    CHECK(instance.id == "inst");
    CHECK(instance.rules.at(0).context == "a"); // the first of two values, the instance's rule ignored
    CHECK(instance.rules.at(0).checks.at(0).test == "b");
    const auto& rules = schema->patterns[1].rules;
    REQUIRE(rules.size() == 2);
    std::vector<std::string> tests;
    for (const auto& check : rules[0].checks) tests.push_back(check.test);
    // loop1 brings l1 once; both abstract rules named "dup" are brought, as the skeleton does.
    CHECK(tests == std::vector<std::string>{"l1", "d1", "d2"});
    CHECK(rules[1].checks.size() == 2);
}

TEST_CASE("cda::schematron::load_schema reports broken phases, diagnostics, XSLT and stray elements") {
    TempDir dir;
    write_file(dir / "s.sch", R"~(<?xml version="1.0"?>
<schema xmlns="http://purl.oclc.org/dsdl/schematron" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
        defaultPhase="nope">
  <ns prefix="cda" uri="urn:hl7-org:v3"/>
  <ns prefix="cda" uri="urn:other"/>
  <xsl:key name="k" match="x" use="@id"/>
  <xsl:function name="local:f"><xsl:sequence select="1"/></xsl:function>
  <assert test="stray"/>
  <phase id="ph"><active pattern="p"/><active pattern="ghost"/></phase>
  <phase id="ph"/>
  <pattern id="p"><rule context="a">
    <assert test="1" diagnostics="known unknown">x</assert>
  </rule></pattern>
  <diagnostics><diagnostic id="known">k</diagnostic><diagnostic id="known">again</diagnostic></diagnostics>
</schema>
)~");
    Diagnostics out;
    auto schema = load_schema(dir / "s.sch", out);
    INFO(listing(out));
    REQUIRE(schema);
    std::vector<std::string> expected{
        "s.sch:5 warning cda.schematron.duplicate-namespace", "s.sch:6 warning cda.schematron.xslt-element",
        "s.sch:7 warning cda.schematron.xslt-element",        "s.sch:8 warning cda.schematron.unexpected-element",
        "s.sch:14 warning cda.schematron.duplicate-id",       "s.sch:12 error cda.schematron.unknown-diagnostic",
        "s.sch:9 warning cda.schematron.unknown-pattern",     "s.sch:10 warning cda.schematron.duplicate-id",
        "s.sch:2 error cda.schematron.unknown-phase",
    };
    CHECK(findings(out) == expected);
    CHECK(schema->namespaces.at("cda") == "urn:hl7-org:v3");
    REQUIRE(schema->xslt.size() == 2);
    CHECK(schema->xslt[0].name == "key");
    CHECK(schema->xslt[1].name == "function");
    CHECK(schema->xslt[1].where.line == 7);
    CHECK(schema->patterns.at(0).rules.at(0).checks.at(0).diagnostics == std::vector<std::string>{"known"});
    CHECK(schema->diagnostics.at("known").message.at(0).text == "k");
}

TEST_CASE("cda::schematron::load_schema stops a schema that multiplies into too many checks") {
    TempDir dir;
    // Each abstract rule extends the previous one twice: 2^20 checks from a 2 kB file.
    std::string rules = "<rule abstract=\"true\" id=\"r0\"><assert test=\"1\"/></rule>";
    for (int i = 1; i <= 20; ++i)
        rules += "<rule abstract=\"true\" id=\"r" + std::to_string(i) + "\"><extends rule=\"r" + std::to_string(i - 1) +
                 "\"/><extends rule=\"r" + std::to_string(i - 1) + "\"/></rule>";
    write_file(dir / "s.sch", schema_text("<pattern>" + rules + "<rule context=\"a\"><extends rule=\"r20\"/></rule>" +
                                          "</pattern>\n"));
    LoadOptions options;
    options.max_checks = 10000;
    Diagnostics out;
    CHECK_FALSE(load_schema(dir / "s.sch", out, options));
    INFO(listing(out));
    REQUIRE(out.size() == 1);
    CHECK(out.items()[0].rule == "cda.schematron.too-large");

    // Many instances of a big abstract pattern are bounded the same way.
    std::string body = "<pattern abstract=\"true\" id=\"big\"><rule context=\"$c\">";
    for (int i = 0; i < 100; ++i) body += "<assert test=\"$c\"/>";
    body += "</rule></pattern>";
    for (int i = 0; i < 200; ++i) body += "<pattern is-a=\"big\"><param name=\"c\" value=\"x\"/></pattern>";
    write_file(dir / "instances.sch", schema_text(body));
    out = Diagnostics();
    CHECK_FALSE(load_schema(dir / "instances.sch", out, options));
    REQUIRE(out.size() == 1);
    CHECK(out.items()[0].rule == "cda.schematron.too-large");
}
