#include "tests/support/test_support.hpp"

#include <pugixml.hpp>

#include <string>
#include <vector>

using healthdoc::test::read_file;
using healthdoc::test::run_healthdoc;
using healthdoc::test::TempDir;
using healthdoc::test::write_file;

namespace {

const std::string k_no_rules = "HEALTHDOC_RULES_DIR=/nonexistent-healthdoc-rules";

const char* k_schema =
    R"(<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2" schemaVersion="orders-1.2">
  <title>Orders &amp; items</title>
  <ns prefix="h" uri="urn:example"/>
  <pattern id="items">
    <rule context="h:item">
      <assert id="item-n" test="@n castable as xs:integer" role="error" flag="bad-number" see="https://example.org/items#n" diagnostics="found-n">item n must be an integer</assert>
      <report id="item-big" test="@n castable as xs:integer and xs:integer(@n) &gt; 100" role="warning">item n is over 100</report>
    </rule>
  </pattern>
  <pattern id="list">
    <rule context="h:list"><assert id="list-items" test="count(h:item) &lt; 3">a list has fewer than 3 items</assert></rule>
  </pattern>
  <diagnostics><diagnostic id="found-n">found '<value-of select="@n"/>'</diagnostic></diagnostics>
</schema>)";

// The svrl:schematron-output elements of the documents (run-level findings, such as the CDA
// schema layer being skipped, have an output of their own without healthdoc:document).
std::vector<pugi::xml_node> document_outputs(pugi::xml_node root) {
    std::vector<pugi::xml_node> found;
    for (auto child : root.children("svrl:schematron-output"))
        if (child.attribute("healthdoc:document")) found.push_back(child);
    return found;
}

} // namespace

TEST_CASE("cli::validate_svrl") {
    TempDir dir;
    write_file(dir / "rules.sch", k_schema);
    write_file(
        dir / "one.xml",
        "<list xmlns=\"urn:example\">\n  <item n=\"1\"/>\n  <item n=\"x&lt;\"/>\n  <item n=\"500\"/>\n</list>\n");
    write_file(dir / "two.xml", "<list xmlns=\"urn:example\">\n  <item n=\"2\"/>\n</list>\n");
    write_file(dir / "broken.xml", "<list xmlns=\"urn:example\">\n  <item n=\"2\">\n</list>\n");

    SUBCASE("--schematron with --format svrl: one schematron-output per document and rule set") {
        auto r = run_healthdoc({"validate", "--rules", "none", "--schematron", (dir / "rules.sch").string(), "--format",
                                "svrl", (dir / "one.xml").string(), (dir / "two.xml").string()},
                               "", {k_no_rules});
        CHECK(r.exit_code == 1);
        pugi::xml_document xml;
        REQUIRE(xml.load_string(r.out.c_str()));
        auto root = xml.document_element();
        CHECK(std::string(root.name()) == "healthdoc:svrl-reports");
        CHECK(root.attribute("xmlns:svrl").value() == std::string("http://purl.oclc.org/dsdl/svrl"));
        CHECK(root.attribute("command").value() == std::string("validate"));
        auto outputs = document_outputs(root);
        // one.xml: built-in (empty) + rules; two.xml: built-in (empty) only.
        REQUIRE(outputs.size() == 3);
        CHECK(std::string(outputs[0].attribute("healthdoc:document").value()).find("one.xml") != std::string::npos);
        CHECK_FALSE(outputs[0].first_child());
        auto rules = outputs[1];
        CHECK(rules.attribute("title").value() == std::string("Orders & items"));
        CHECK(rules.attribute("schemaVersion").value() == std::string("orders-1.2"));
        CHECK(rules.attribute("healthdoc:rule-set").value() == std::string("rules"));
        std::vector<std::string> names;
        for (auto child : rules.children()) names.push_back(child.name());
        CHECK(names == std::vector<std::string>{"svrl:active-pattern", "svrl:failed-assert", "svrl:successful-report",
                                                "svrl:active-pattern", "svrl:failed-assert"});

        auto assert_ = rules.child("svrl:failed-assert");
        CHECK(assert_.attribute("test").value() == std::string("@n castable as xs:integer"));
        CHECK(assert_.attribute("id").value() == std::string("item-n"));
        CHECK(assert_.attribute("role").value() == std::string("error"));
        CHECK(assert_.attribute("flag").value() == std::string("bad-number"));
        CHECK(assert_.attribute("see").value() == std::string("https://example.org/items#n"));
        CHECK(assert_.attribute("location").value() == std::string("/list/item[2]"));
        CHECK(assert_.attribute("healthdoc:rule").value() == std::string("schematron.rules.item-n"));
        CHECK(assert_.attribute("healthdoc:line").as_int() == 3);
        auto reference = assert_.child("svrl:diagnostic-reference");
        CHECK(reference.attribute("diagnostic").value() == std::string("found-n"));
        CHECK(reference.child_value() == std::string("found 'x<'"));
        CHECK(assert_.child_value("svrl:text") == std::string("item n must be an integer"));

        auto report = rules.child("svrl:successful-report");
        CHECK(report.attribute("id").value() == std::string("item-big"));
        CHECK(report.attribute("role").value() == std::string("warning"));
        CHECK(report.attribute("location").value() == std::string("/list/item[3]"));
        CHECK(report.child_value("svrl:text") == std::string("item n is over 100"));

        auto list = rules.last_child();
        CHECK(list.attribute("id").value() == std::string("list-items"));
        CHECK_FALSE(list.attribute("role"));
        CHECK(list.attribute("location").value() == std::string("/list"));
        CHECK(std::string(outputs[2].attribute("healthdoc:document").value()).find("two.xml") != std::string::npos);
        CHECK_FALSE(outputs[2].first_child());
    }

    SUBCASE("a finding of no check (a document that is not well-formed) is kept, and -o writes the file") {
        auto out = dir / "report.svrl";
        auto r = run_healthdoc({"validate", "--rules", "none", "--schematron", (dir / "rules.sch").string(), "--format",
                                "svrl", "-o", out.string(), (dir / "broken.xml").string()},
                               "", {k_no_rules});
        CHECK(r.exit_code == 1); // a fatal finding
        CHECK(r.out.empty());
        pugi::xml_document xml;
        REQUIRE(xml.load_string(read_file(out).c_str()));
        auto outputs = document_outputs(xml.document_element());
        REQUIRE(outputs.size() == 1);
        auto finding = outputs[0].child("svrl:failed-assert");
        CHECK(finding.attribute("role").value() == std::string("fatal"));
        CHECK(finding.attribute("healthdoc:severity").value() == std::string("fatal"));
        CHECK(std::string(finding.attribute("id").value()).find("xml.") == 0);
        CHECK_FALSE(finding.attribute("test"));
        CHECK(finding.attribute("healthdoc:line").as_int() > 0);
        CHECK(std::string(finding.child_value("svrl:text")).size() > 0);
    }

    SUBCASE("svrl is a format of validate only") {
        auto r = run_healthdoc({"inspect", "--format", "svrl", (dir / "two.xml").string()});
        CHECK(r.exit_code == 2);
    }
}
