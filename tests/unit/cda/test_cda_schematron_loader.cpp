// The Schematron loader on small hand-made schemas, one feature per test case: what a well-formed
// schema becomes in the model. Broken schemas are in test_cda_schematron_errors.cpp.
#include "cda/schematron/abstract_patterns.hpp"
#include "cda/schematron/loader.hpp"
#include "tests/support/test_support.hpp"

#include <string>
#include <vector>

using healthdoc::cda::schematron::active_patterns;
using healthdoc::cda::schematron::Check;
using healthdoc::cda::schematron::load_schema;
using healthdoc::cda::schematron::MessagePart;
using healthdoc::cda::schematron::Schema;
using healthdoc::formats::Diagnostics;
using healthdoc::formats::Severity;
using healthdoc::test::TempDir;
using healthdoc::test::write_file;

namespace {

const std::string k_open = R"~(<?xml version="1.0" encoding="UTF-8"?>
<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="cda" uri="urn:hl7-org:v3"/>
)~";

std::string schema_text(const std::string& body) { return k_open + body + "</schema>\n"; }

std::string listing(const Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics.items())
        out += std::filesystem::path(d.location.file).filename().string() + ":" + std::to_string(d.location.line) +
               ": " + std::string(to_string(d.severity)) + ": " + d.message + " [" + d.rule + "]\n";
    return out;
}

std::vector<const Check*> all_checks(const Schema& schema) {
    std::vector<const Check*> checks;
    for (const auto& pattern : schema.patterns)
        for (const auto& rule : pattern.rules)
            for (const auto& check : rule.checks) checks.push_back(&check);
    return checks;
}

// Loads `file`, requiring success and no finding at all.
Schema load_clean(const std::filesystem::path& file) {
    Diagnostics out;
    auto schema = load_schema(file, out);
    INFO(listing(out));
    REQUIRE(schema);
    CHECK(out.empty());
    return std::move(*schema);
}

} // namespace

TEST_CASE("cda::schematron::load_schema reads a schema's elements and attributes") {
    TempDir dir;
    write_file(dir / "s.sch", R"~(<?xml version="1.0" encoding="UTF-8"?>
<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2" id="s1"
            schemaVersion="1.0" defaultPhase="main">
  <sch:title>  Demo
     schema </sch:title>
  <sch:ns prefix="cda" uri="urn:hl7-org:v3"/>
  <sch:ns prefix="svs" uri="urn:ihe:iti:svs:2008"/>
  <sch:p>Documentation is dropped.</sch:p>
  <sch:let name="global" value="'g'"/>
  <sch:phase id="main"><sch:active pattern="p1"/><sch:let name="in_phase" value="1"/></sch:phase>
  <sch:pattern id="p1">
    <sch:title>First</sch:title>
    <sch:let name="in_pattern" value="2"/>
    <sch:rule context="cda:ClinicalDocument" id="r1" role="error" flag="f" see="http://x" subject="cda:id" fpi="F"
              icon="i.png">
      <sch:let name=" in_rule " value="cda:code/@code"/>
      <sch:assert test="cda:title" id="a1" role="fatal" flag="fl" see="http://y" subject="cda:title" icon="a.png"
                  fpi="P">Title of <sch:name/> is <sch:value-of select="cda:title"/>, see <sch:name path="cda:code"/>:
 <sch:emph>now</sch:emph><sch:dir value="rtl">left</sch:dir><sch:span class="c">x</sch:span><!-- c --> end</sch:assert>
      <sch:report test="cda:foo">Foo is there</sch:report>
    </sch:rule>
  </sch:pattern>
</sch:schema>
)~");
    auto schema = load_clean(dir / "s.sch");
    CHECK(schema.id == "s1");
    CHECK(schema.title == "Demo schema");
    CHECK(schema.query_binding == "xslt2");
    CHECK(schema.schema_version == "1.0");
    CHECK(schema.default_phase == "main");
    CHECK(schema.base_uri == dir.path());
    CHECK(schema.where.line == 2);
    REQUIRE(schema.files.size() == 1);
    CHECK(schema.namespaces ==
          std::map<std::string, std::string>{{"cda", "urn:hl7-org:v3"}, {"svs", "urn:ihe:iti:svs:2008"}});
    REQUIRE(schema.lets.size() == 1);
    CHECK(schema.lets[0].name == "global");
    CHECK(schema.lets[0].value == "'g'");
    CHECK(schema.lets[0].where.line == 9);
    REQUIRE(schema.phases.size() == 1);
    CHECK(schema.phases[0].lets.at(0).name == "in_phase");
    CHECK(schema.phases[0].active.at(0).pattern == "p1");
    CHECK(schema.phases[0].active.at(0).where.line == 10);

    REQUIRE(schema.patterns.size() == 1);
    const auto& pattern = schema.patterns[0];
    CHECK(pattern.id == "p1");
    CHECK(pattern.title == "First");
    CHECK(pattern.is_a.empty());
    CHECK(pattern.lets.at(0).name == "in_pattern");
    CHECK(pattern.where.line == 11);
    REQUIRE(pattern.rules.size() == 1);
    const auto& rule = pattern.rules[0];
    CHECK(rule.context == "cda:ClinicalDocument");
    CHECK(rule.id == "r1");
    CHECK(rule.role == "error");
    CHECK(rule.flag == "f");
    CHECK(rule.see == "http://x");
    CHECK(rule.subject == "cda:id");
    CHECK(rule.fpi == "F");
    CHECK(rule.icon == "i.png");
    CHECK(rule.where.line == 14);
    CHECK(rule.where.column == 5);
    REQUIRE(rule.lets.size() == 1);
    CHECK(rule.lets[0].name == "in_rule"); // Saxon reads a QName with blanks around it
    REQUIRE(rule.checks.size() == 2);

    const auto& assert_ = rule.checks[0];
    CHECK_FALSE(assert_.is_report);
    CHECK(assert_.test == "cda:title");
    CHECK(assert_.id == "a1");
    CHECK(assert_.role == "fatal");
    CHECK(assert_.flag == "fl");
    CHECK(assert_.see == "http://y");
    CHECK(assert_.subject == "cda:title");
    CHECK(assert_.icon == "a.png");
    CHECK(assert_.fpi == "P");
    CHECK(assert_.extended_from.empty());
    CHECK(assert_.where.file == (dir / "s.sch").string());
    CHECK(assert_.where.line == 17);
    CHECK(assert_.where.column == 7);
    using Kind = MessagePart::Kind;
    std::vector<MessagePart> expected{
        {Kind::text, "Title of ", ""}, {Kind::name, "", ""},
        {Kind::text, " is ", ""},      {Kind::value_of, "", "cda:title"},
        {Kind::text, ", see ", ""},    {Kind::name, "", "cda:code"},
        {Kind::text, ":\n ", ""},      {Kind::emph, "now", ""},
        {Kind::dir, "left", ""},       {Kind::span, "x", ""},
        {Kind::text, " end", ""},
    };
    REQUIRE(assert_.message.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("part " << i);
        CHECK(assert_.message[i].kind == expected[i].kind);
        CHECK(assert_.message[i].text == expected[i].text);
        CHECK(assert_.message[i].expression == expected[i].expression);
    }
    const auto& report = rule.checks[1];
    CHECK(report.is_report);
    CHECK(report.test == "cda:foo");
    CHECK(report.message.at(0).text == "Foo is there");
}

TEST_CASE("cda::schematron::load_schema is namespace-aware") {
    TempDir dir;
    // The ISO namespace under any prefix counts; a look-alike element in another namespace does
    // not, and a Schematron element name in no namespace neither.
    write_file(dir / "s.sch", R"~(<iso:schema xmlns:iso="http://purl.oclc.org/dsdl/schematron" xmlns:x="urn:x">
  <iso:pattern id="p">
    <iso:rule context="/">
      <iso:assert test="true()">kept</iso:assert>
      <x:assert test="false()">foreign</x:assert>
      <assert test="false()">no namespace</assert>
    </iso:rule>
    <rule context="/"><iso:assert test="1">inside a foreign rule</iso:assert></rule>
  </iso:pattern>
</iso:schema>
)~");
    auto schema = load_clean(dir / "s.sch");
    REQUIRE(schema.patterns.size() == 1);
    REQUIRE(schema.patterns[0].rules.size() == 1);
    REQUIRE(schema.patterns[0].rules[0].checks.size() == 1);
    CHECK(schema.patterns[0].rules[0].checks[0].test == "true()");
    CHECK(schema.query_binding.empty());
}

TEST_CASE("cda::schematron::load_schema drops white-space-only text between message elements") {
    // XSLT strips white-space-only text nodes from the stylesheet the reference implementation
    // compiles, so the two values print joined; text with a visible character keeps its blanks.
    TempDir dir;
    write_file(dir / "s.sch", schema_text(R"~(<pattern><rule context="/">
  <assert test="1"> <value-of select="a"/> <value-of select="b"/>  - <value-of select="c"/> </assert>
</rule></pattern>
)~"));
    auto schema = load_clean(dir / "s.sch");
    const auto& message = all_checks(schema).at(0)->message;
    REQUIRE(message.size() == 4);
    CHECK(message[0].expression == "a");
    CHECK(message[1].expression == "b");
    CHECK(message[2].text == "  - ");
    CHECK(message[3].expression == "c");
}

TEST_CASE("cda::schematron::load_schema expands includes where they stand") {
    TempDir dir;
    write_file(dir / "top.sch", schema_text(R"~(
  <include href="parts/pattern.sch"/>
  <pattern id="local"><include href="parts/rule.sch"/></pattern>
  <phase id="ph"><include href="parts/active.sch"/></phase>
)~"));
    // Nested: an href is relative to the file it is written in.
    write_file(dir / "parts/pattern.sch", R"~(<?xml version="1.0"?>
<pattern xmlns="http://purl.oclc.org/dsdl/schematron" id="included">
  <include href="deeper/rule.sch"/>
</pattern>
)~");
    write_file(dir / "parts/deeper/rule.sch", R"~(<rule xmlns="http://purl.oclc.org/dsdl/schematron" context="a">

  <assert test="b">deep</assert>
</rule>
)~");
    write_file(dir / "parts/rule.sch", R"~(<rule xmlns="http://purl.oclc.org/dsdl/schematron" context="c">
  <let name="v" value="1"/><report test="d">r</report></rule>
)~");
    write_file(dir / "parts/active.sch",
               R"~(<active xmlns="http://purl.oclc.org/dsdl/schematron" pattern="included"/>)~");
    auto schema = load_clean(dir / "top.sch");
    REQUIRE(schema.patterns.size() == 2);
    CHECK(schema.patterns[0].id == "included");
    CHECK(schema.patterns[0].where.file == (dir / "parts/pattern.sch").string());
    CHECK(schema.patterns[0].where.line == 2);
    const auto& deep = schema.patterns[0].rules.at(0).checks.at(0);
    CHECK(deep.test == "b");
    CHECK(deep.where.file == (dir / "parts/deeper/rule.sch").string());
    CHECK(deep.where.line == 3);
    CHECK(deep.where.column == 3);
    CHECK(schema.patterns[1].id == "local");
    CHECK(schema.patterns[1].rules.at(0).lets.at(0).name == "v");
    CHECK(schema.patterns[1].rules.at(0).checks.at(0).is_report);
    CHECK(schema.phases.at(0).active.at(0).pattern == "included");
    // Every file read, the top-level one first; the base URI stays the top-level file's.
    CHECK(schema.files.size() == 5);
    CHECK(schema.files.at(0) == dir / "top.sch");
    CHECK(schema.base_uri == dir.path());
}

TEST_CASE("cda::schematron::load_schema follows file: URIs, escapes and #fragments in href") {
    TempDir dir;
    write_file(dir / "top.sch", schema_text("  <include href=\"file://" + (dir / "my%20parts.sch").string() +
                                            "#second\"/>\n  <include href=\"#third\"/>\n"
                                            "  <pattern id=\"third\"><rule context=\"t\"><assert test=\"3\"/></rule>"
                                            "</pattern>\n"));
    write_file(dir / "my parts.sch", R"~(<library xmlns="http://purl.oclc.org/dsdl/schematron">
  <pattern id="first"><rule context="a"><assert test="1"/></rule></pattern>
  <pattern id="second"><rule context="b"><assert test="2"/></rule></pattern>
</library>
)~");
    Diagnostics out;
    auto schema = load_schema(dir / "top.sch", out);
    REQUIRE(schema);
    // The pattern "#third" brings is then there twice, which the loader points out.
    REQUIRE(out.size() == 1);
    CHECK(out.items()[0].rule == "cda.schematron.duplicate-id");
    CHECK(out.items()[0].location.line == 6);
    REQUIRE(schema->patterns.size() == 3);
    CHECK(schema->patterns[0].id == "second");
    CHECK(schema->patterns[1].id == "third"); // "#third": an element of the including file itself
    CHECK(schema->patterns[2].id == "third");
}

TEST_CASE("cda::schematron::load_schema instantiates abstract patterns") {
    TempDir dir;
    write_file(dir / "top.sch", schema_text(R"~(
  <include href="abstract/inSet.sch"/>
  <pattern id="variables"><let name="set_a" value="'../sets/a.xml'"/></pattern>
  <include href="instances/useA.sch"/>
)~"));
    write_file(dir / "abstract/inSet.sch",
               R"~(<pattern xmlns="http://purl.oclc.org/dsdl/schematron" abstract="true" id="inSet">
  <title>In a set</title>
  <let name="pattern_level" value="$path"/>
  <rule context="$elt">
    <let name="code" value="@code"/>
    <assert test="document($path)//c[@code=$code] or $elt_nullable" subject="$elt/..">
      <value-of select="$view"/> is <name path="$elt"/> in <value-of select="$path"/>, not $view</assert>
  </rule>
</pattern>
)~");
    write_file(dir / "instances/useA.sch",
               R"~(<pattern xmlns="http://purl.oclc.org/dsdl/schematron" id="useA" is-a="inSet">
  <param name="path" value="$set_a"/>
  <param name="elt" value="cda:code"/>
  <param name="elt_nullable" value="false()"/>
  <param name="view" value="'code'"/>
</pattern>
)~");
    auto schema = load_clean(dir / "top.sch");
    REQUIRE(schema.patterns.size() == 2); // the abstract pattern itself is no pattern to run
    const auto& instance = schema.patterns[1];
    CHECK(instance.id == "useA");
    CHECK(instance.is_a == "inSet");
    CHECK(instance.title == "In a set");
    CHECK(instance.where.file == (dir / "instances/useA.sch").string());
    CHECK(instance.where.line == 1);
    CHECK(instance.lets.at(0).value == "$set_a");
    REQUIRE(instance.rules.size() == 1);
    const auto& rule = instance.rules[0];
    CHECK(rule.context == "cda:code");
    // The rule and its checks keep the abstract pattern's file:line.
    CHECK(rule.where.file == (dir / "abstract/inSet.sch").string());
    CHECK(rule.where.line == 4);
    CHECK(rule.lets.at(0).value == "@code"); // a let of the rule, not a parameter: untouched
    const auto& check = rule.checks.at(0);
    // $elt_nullable is replaced before $elt, which would otherwise leave "cda:code_nullable".
    CHECK(check.test == "document($set_a)//c[@code=$code] or false()");
    CHECK(check.subject == "cda:code/..");
    CHECK(check.where.line == 6);
    REQUIRE(check.message.size() == 6);
    CHECK(check.message[0].expression == "'code'");
    CHECK(check.message[2].expression == "cda:code");
    CHECK(check.message[4].expression == "$set_a");
    CHECK(check.message[5].text == ", not $view"); // text is not substituted (ISO 2016, SchXslt)
}

TEST_CASE("cda::schematron::substitute_params replaces the longest names first") {
    using healthdoc::cda::schematron::detail::Param;
    using healthdoc::cda::schematron::detail::substitute_params;
    std::vector<Param> params{{"a", "1", {}}, {"ab", "2", {}}, {"abc", "$a", {}}};
    CHECK(substitute_params("$a + $ab + $abc + $abcd", params) == "1 + 2 + 1 + 1d");
    CHECK(substitute_params("no dollar", params) == "no dollar");
    CHECK(substitute_params("$b", params) == "$b");
    CHECK(substitute_params("$a", {}) == "$a");
}

TEST_CASE("cda::schematron::load_schema merges abstract rules into the rules extending them") {
    TempDir dir;
    write_file(dir / "top.sch", schema_text(R"~(
  <pattern id="types">
    <include href="types/ANY.sch"/>
    <include href="types/CD.sch"/>
  </pattern>
  <pattern id="uses">
    <rule context="cda:code">
      <let name="own" value="1"/>
      <assert test="own">first own</assert>
      <extends rule="CD"/>
      <report test="last">last own</report>
    </rule>
    <rule context="cda:value"><extends rule="ANY"/></rule>
  </pattern>
)~"));
    write_file(dir / "types/ANY.sch", R"~(<rule xmlns="http://purl.oclc.org/dsdl/schematron" abstract="true" id="ANY">
  <assert test="@nullFlavor or @*">any</assert>
</rule>
)~");
    write_file(dir / "types/CD.sch", R"~(<rule xmlns="http://purl.oclc.org/dsdl/schematron" abstract="true" id="CD">
  <extends rule="ANY"/>
  <let name="cd" value="@code"/>
  <assert test="$cd">cd</assert>
</rule>
)~");
    auto schema = load_clean(dir / "top.sch");
    REQUIRE(schema.patterns.size() == 2);
    CHECK(schema.patterns[0].rules.empty()); // abstract rules are not run on their own
    const auto& rules = schema.patterns[1].rules;
    REQUIRE(rules.size() == 2);
    const auto& code = rules[0];
    REQUIRE(code.checks.size() == 4);
    CHECK(code.checks[0].test == "own");
    CHECK(code.checks[0].extended_from.empty());
    CHECK(code.checks[1].test == "@nullFlavor or @*");
    CHECK(code.checks[1].extended_from == "ANY");
    CHECK(code.checks[1].where.file == (dir / "types/ANY.sch").string());
    CHECK(code.checks[1].where.line == 2);
    CHECK(code.checks[2].test == "$cd");
    CHECK(code.checks[2].extended_from == "CD");
    CHECK(code.checks[3].test == "last");
    REQUIRE(code.lets.size() == 2);
    CHECK(code.lets[0].name == "own");
    CHECK(code.lets[1].name == "cd");
    CHECK(code.lets[1].where.file == (dir / "types/CD.sch").string());
    REQUIRE(rules[1].checks.size() == 1);
    CHECK(rules[1].checks[0].extended_from == "ANY");
}

TEST_CASE("cda::schematron::active_patterns selects a phase's patterns in schema order") {
    TempDir dir;
    write_file(dir / "s.sch", schema_text(R"~(
  <phase id="one"><active pattern="c"/><active pattern="a"/><active pattern="a"/></phase>
  <phase id="two"><active pattern="b"/></phase>
  <pattern id="a"><rule context="a"><assert test="1"/></rule></pattern>
  <pattern id="b"><rule context="b"><assert test="1"/></rule></pattern>
  <pattern><rule context="anonymous"><assert test="1"/></rule></pattern>
  <pattern id="c"><rule context="c"><assert test="1"/></rule></pattern>
)~"));
    auto schema = load_clean(dir / "s.sch");
    auto ids = [&](std::string_view phase) {
        Diagnostics out;
        std::string joined;
        for (const auto* pattern : active_patterns(schema, phase, out))
            joined += (pattern->id.empty() ? "-" : pattern->id) + " ";
        CHECK(out.empty());
        return joined;
    };
    CHECK(ids("one") == "a c ");
    CHECK(ids("two") == "b ");
    CHECK(ids("#ALL") == "a b - c ");
    CHECK(ids("") == "a b - c "); // no defaultPhase: every pattern
    schema.default_phase = "two";
    CHECK(ids("") == "b ");
    CHECK(ids("#DEFAULT") == "b ");
    CHECK(ids("one") == "a c ");

    Diagnostics out;
    CHECK(active_patterns(schema, "three", out).empty());
    REQUIRE(out.size() == 1);
    CHECK(out.items()[0].severity == Severity::error);
    CHECK(out.items()[0].rule == "cda.schematron.unknown-phase");
    CHECK(out.items()[0].message.find("one, two") != std::string::npos);
}

TEST_CASE("cda::schematron::load_schema resolves diagnostics references") {
    TempDir dir;
    write_file(dir / "s.sch", schema_text(R"~(
  <pattern><rule context="a">
    <assert test="1" diagnostics=" d1
       d2 ">see the diagnostics</assert>
  </rule></pattern>
  <diagnostics>
    <diagnostic id="d1" role="info">Found <value-of select="@x"/>.</diagnostic>
    <diagnostic id="d2">Second</diagnostic>
  </diagnostics>
)~"));
    auto schema = load_clean(dir / "s.sch");
    const auto* check = all_checks(schema).at(0);
    CHECK(check->diagnostics == std::vector<std::string>{"d1", "d2"});
    REQUIRE(schema.diagnostics.size() == 2);
    const auto& d1 = schema.diagnostics.at("d1");
    CHECK(d1.role == "info");
    CHECK(d1.where.line == 10);
    REQUIRE(d1.message.size() == 3);
    CHECK(d1.message[1].expression == "@x");
}
