// The schematron engine on small hand-made schemas (semantics, messages, failures that must not
// stop a run) and on the HL7 C-CDA R2.1 schematron over the C-CDA examples.
#include "cda/schematron/engine.hpp"
#include "cda/schematron/loader.hpp"
#include "formats/source_text.hpp"
#include "tests/support/test_support.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace healthdoc;
namespace fs = std::filesystem;
namespace sch = cda::schematron;

namespace {

struct Checked {
    sch::RunResult result;
    formats::Diagnostics compile;
};

Checked check(const std::string& schema_text, const std::string& document_text, const std::string& phase = "") {
    test::TempDir dir;
    test::write_file(dir / "rules.sch", schema_text);
    Checked checked;
    auto schema = sch::load_schema(dir / "rules.sch", checked.compile);
    REQUIRE(schema);
    auto compiled = sch::CompiledSchema::compile(std::move(*schema), phase, checked.compile);
    formats::SourceText source("doc.xml", document_text);
    formats::Diagnostics parse;
    auto xml = formats::parse_xml(source, parse);
    REQUIRE(xml);
    xpath::FileDocumentProvider documents;
    checked.result = compiled->run(*xml, &documents);
    return checked;
}

std::string wrap(const std::string& body) {
    return "<schema xmlns=\"http://purl.oclc.org/dsdl/schematron\" queryBinding=\"xslt2\">"
           "<ns prefix=\"h\" uri=\"urn:h\"/>" +
           body + "</schema>";
}

} // namespace

// clang-format off
const char* const k_first_rule_wins = R"sch(
  <pattern id="p1">
    <rule context="h:b/h:a"><report test="true()">deep <value-of select="@n"/></report></rule>
    <rule context="h:a"><report test="true()">any <value-of select="@n"/></report></rule>
  </pattern>
  <pattern id="p2"><rule context="h:a[@n='2']"><assert test="false()">two at <name/></assert></rule></pattern>)sch";

const char* const k_lazy_lets = R"sch(
  <let name="total" value="count(//h:a)"/>
  <pattern id="p">
    <let name="broken" value="doc('missing.xml')/x"/>
    <rule context="h:r">
      <let name="first" value="h:a[1]/@n"/>
      <assert test="$total = 2">total <value-of select="$total"/>, first <value-of select="$first"/></assert>
      <assert test="exists($broken)">never evaluated</assert>
    </rule>
  </pattern>)sch";

const char* const k_phases = R"sch(<phase id="only-q"><active pattern="q"/></phase>
  <pattern id="p"><rule context="h:r"><report test="true()">p</report></rule></pattern>
  <pattern id="q"><rule context="h:r"><report test="true()">q</report></rule></pattern>)sch";

const char* const k_runaway = R"sch(
  <pattern id="p"><rule context="h:r">
    <assert test="count(1 to 100000000000) = 0">huge range</assert>
    <assert test="string-join(for $i in 1 to 10000000 return string($i), '') = ''">huge sequence</assert>
    <assert test="1 div 0 = 1">division</assert>
    <report test="true()">still running</report>
  </rule></pattern>)sch";

const char* const k_cycle = R"sch(<let name="a" value="$b + 1"/><let name="b" value="$a + 1"/>
  <pattern id="p"><rule context="h:r"><assert test="$a = 0">cycle</assert></rule></pattern>)sch";

const char* const k_broken = R"sch(<pattern id="p"><rule context="h:r">
    <assert test="count(">broken</assert>
    <assert test="unknown-function(.)">unknown</assert>
    <report test="true()">fine</report></rule></pattern>)sch";
// clang-format on

TEST_CASE("cda::schematron_engine_semantics") {
    const std::string document = "<r xmlns=\"urn:h\"><a n=\"1\"/><a n=\"2\"/><b><a n=\"3\"/></b></r>";
    SUBCASE("the first matching rule of a pattern wins; each pattern sees every node") {
        auto checked = check(wrap(k_first_rule_wins), document);
        std::vector<std::string> messages;
        for (const auto& f : checked.result.findings) messages.push_back(f.pattern + ":" + f.message);
        CHECK(messages == std::vector<std::string>{"p1:any 1", "p1:any 2", "p1:deep 3", "p2:two at a"});
        REQUIRE(checked.result.findings.size() == 4);
        CHECK(checked.result.findings[1].location == "/r/a[2]");
        CHECK(checked.result.findings[2].location == "/r/b/a");
    }
    SUBCASE("lets at every level, evaluated lazily; a failing let costs only its checks") {
        auto checked = check(wrap(k_lazy_lets), document);
        REQUIRE(checked.result.findings.size() == 1);
        CHECK(checked.result.findings[0].message == "total 3, first 1");
        CHECK(checked.result.not_evaluated == 1);
        REQUIRE(checked.result.problems.size() == 1);
        CHECK(checked.result.problems.items()[0].rule == "cda.schematron.not-evaluated");
        CHECK(checked.result.problems.items()[0].message.find("missing.xml") != std::string::npos);
    }
    SUBCASE("phases choose the patterns") {
        CHECK(check(wrap(k_phases), document, "only-q").result.findings.size() == 1);
        CHECK(check(wrap(k_phases), document, "#ALL").result.findings.size() == 2);
    }
}

TEST_CASE("cda::schematron_engine_hostile") {
    const std::string document = "<r xmlns=\"urn:h\"><a/></r>";
    SUBCASE("runaway expressions end as not evaluated, the run goes on") {
        auto checked = check(wrap(k_runaway), document);
        bool still_running = false;
        for (const auto& f : checked.result.findings) still_running |= f.message == "still running";
        CHECK(still_running);
        CHECK(checked.result.not_evaluated >= 2);
    }
    SUBCASE("lets that need each other are a cycle, not a hang") {
        auto checked = check(wrap(k_cycle), document);
        CHECK(checked.result.findings.empty());
        CHECK(checked.result.not_evaluated == 1);
    }
    SUBCASE("an expression that does not compile is reported where it is written; the rest runs") {
        auto checked = check(wrap(k_broken), document);
        CHECK(checked.compile.count(formats::Severity::error) == 2);
        for (const auto& d : checked.compile.items()) CHECK(d.rule == "cda.schematron.compile-error");
        REQUIRE(checked.result.findings.size() == 1);
        CHECK(checked.result.findings[0].message == "fine");
    }
}

TEST_CASE("cda::schematron_ccda_examples") {
    // HL7 C-CDA R2.1: compiles, and runs over every C-CDA example without an engine error (its
    // value-set file is absent: vocabulary asserts may fail, never crash).
    auto schematron = REQUIRE_SHARED("reference/cda/ccda-schematron/validation");
    auto examples = REQUIRE_SHARED("reference/cda/ccda-examples");
    if (!schematron || !examples) return;
    fs::path file;
    for (const auto& entry : fs::directory_iterator(*schematron))
        if (entry.path().extension() == ".sch") file = entry.path();
    REQUIRE(!file.empty());
    formats::Diagnostics out;
    auto schema = sch::load_schema(file, out);
    REQUIRE(schema);
    auto compiled = sch::CompiledSchema::compile(std::move(*schema), "", out);
    CHECK(out.count(formats::Severity::error) == 0);
    CHECK(compiled->check_count() > 3000);
    xpath::FileDocumentProvider documents;
    std::size_t runs = 0, findings = 0;
    std::set<std::string> causes;
    for (const auto& entry : fs::recursive_directory_iterator(*examples)) {
        if (entry.path().extension() != ".xml") continue;
        auto source = formats::SourceText::from_file(entry.path().string());
        formats::Diagnostics parse;
        auto xml = formats::parse_xml(source, parse);
        if (!xml) continue;
        auto result = compiled->run(*xml, &documents);
        ++runs;
        findings += result.findings.size();
        for (const auto& problem : result.problems.items()) causes.insert(problem.message);
    }
    MESSAGE(runs << " C-CDA examples, " << findings << " findings; causes of checks not evaluated: " << causes.size());
    for (const auto& cause : causes) MESSAGE(cause);
    CHECK(runs > 300);
    for (const auto& cause : causes) CHECK(cause.find("FODC0002") != std::string::npos); // only the absent value sets
}
