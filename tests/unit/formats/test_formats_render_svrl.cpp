#include "formats/render.hpp"
#include "formats/render_json.hpp"
#include "formats/render_svrl.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace healthdoc::formats;

namespace {

const std::string k_svrl = "http://purl.oclc.org/dsdl/svrl";

// A finding of a check of the rule set `rule_set`.
Diagnostic check_finding(Severity severity, const std::string& rule_set, const std::string& group, RuleCheck::Kind kind,
                         const std::string& id, const std::string& test, const std::string& message,
                         const std::string& path, std::size_t line) {
    Diagnostic diagnostic{severity, "schematron." + rule_set + "." + id, message, {"", line, 3, path}};
    RuleCheck check;
    check.kind = kind;
    check.expression = test;
    check.id = id;
    check.role = to_string(severity) == "warning" ? "warning" : "error";
    check.group = group;
    check.rule_set = rule_set;
    check.rule_set_title = "Rules of " + rule_set;
    check.rule_set_version = rule_set + ".sch";
    check.phase = "all-" + rule_set;
    diagnostic.check = std::move(check);
    return diagnostic;
}

RunReport sample_run() {
    RunReport run;
    run.command = "validate";

    DocumentReport a;
    a.file = "a.xml";
    a.kind = "cda";
    a.diagnostics.report(Severity::error, "cda.schema.unexpected-element", "element 'x' is not expected",
                         {"", 10, 5, "/ClinicalDocument/x"});
    a.diagnostics.report(check_finding(Severity::error, "IHE", "p1", RuleCheck::Kind::assertion, "a1",
                                       "count(h:id) = 1", "exactly one id", "/ClinicalDocument", 2));
    a.diagnostics.report(check_finding(Severity::warning, "IHE", "p1", RuleCheck::Kind::report, "r1", "h:title",
                                       "a title is present", "/ClinicalDocument/title", 4));
    a.diagnostics.report(check_finding(Severity::error, "Modeles", "q", RuleCheck::Kind::assertion, "m1", "@code",
                                       "a code is needed", "/ClinicalDocument/code", 6));
    a.diagnostics.report(check_finding(Severity::error, "IHE", "p2", RuleCheck::Kind::assertion, "a2", "h:author",
                                       "an author is needed", "/ClinicalDocument", 2));
    a.diagnostics.report(Severity::warning, "cisis.header.realm-code", "no realmCode");
    run.documents.push_back(a);

    DocumentReport b;
    b.file = "b.xml";
    b.kind = "xml";
    run.documents.push_back(b);

    run.run_diagnostics.report(Severity::warning, "cda.schematron.not-evaluated", "a value-set file is missing",
                               {"pack/voc.xml", 0, 0, ""});
    return run;
}

std::string to_svrl(const RunReport& run) {
    RenderOptions options;
    options.tool_version = "0.1.0";
    std::ostringstream out;
    render(run, OutputFormat::svrl, options, out);
    return out.str();
}

// The document element of `text`, parsed; fails the test when it does not parse.
pugi::xml_node parse(pugi::xml_document& xml, const std::string& text) {
    auto result = xml.load_string(text.c_str());
    REQUIRE_MESSAGE(result, result.description());
    return xml.document_element();
}

std::vector<pugi::xml_node> children(pugi::xml_node node, const char* name) {
    std::vector<pugi::xml_node> found;
    for (auto child : node.children(name)) found.push_back(child);
    return found;
}

} // namespace

TEST_CASE("formats::render_svrl") {
    const RunReport run = sample_run();
    pugi::xml_document xml;
    const auto root = parse(xml, to_svrl(run));

    SUBCASE("the container and the SVRL namespace") {
        CHECK(std::string(root.name()) == "healthdoc:svrl-reports");
        CHECK(root.attribute("xmlns:svrl").value() == k_svrl);
        CHECK(root.attribute("xmlns:healthdoc").value() == std::string(k_svrl_healthdoc_namespace));
        CHECK(root.attribute("command").value() == std::string("validate"));
        CHECK(root.attribute("version").value() == std::string("0.1.0"));
        // Every child is an svrl:schematron-output, each of which only holds SVRL elements.
        for (auto output : root.children()) {
            CHECK(std::string(output.name()) == "svrl:schematron-output");
            for (auto child : output.children()) CHECK(std::string(child.name()).rfind("svrl:", 0) == 0);
        }
    }

    SUBCASE("one output for the run, then per document the built-in one and one per rule set") {
        auto outputs = children(root, "svrl:schematron-output");
        REQUIRE(outputs.size() == 5);
        CHECK_FALSE(outputs[0].attribute("healthdoc:document"));
        CHECK(outputs[0].attribute("title").value() == std::string("healthdoc validate"));
        auto run_finding = outputs[0].child("svrl:failed-assert");
        CHECK(run_finding.attribute("healthdoc:file").value() == std::string("pack/voc.xml"));
        CHECK(run_finding.attribute("location").value() == std::string("/"));

        CHECK(outputs[1].attribute("healthdoc:document").value() == std::string("a.xml"));
        CHECK_FALSE(outputs[1].attribute("healthdoc:rule-set"));
        CHECK(children(outputs[1], "svrl:failed-assert").size() == 2);

        CHECK(outputs[2].attribute("healthdoc:document").value() == std::string("a.xml"));
        CHECK(outputs[2].attribute("healthdoc:rule-set").value() == std::string("IHE"));
        CHECK(outputs[2].attribute("title").value() == std::string("Rules of IHE"));
        CHECK(outputs[2].attribute("schemaVersion").value() == std::string("IHE.sch"));
        CHECK(outputs[2].attribute("phase").value() == std::string("all-IHE"));
        CHECK(outputs[3].attribute("healthdoc:rule-set").value() == std::string("Modeles"));

        // A document without findings still has its (empty) built-in output.
        CHECK(outputs[4].attribute("healthdoc:document").value() == std::string("b.xml"));
        CHECK_FALSE(outputs[4].first_child());
    }

    SUBCASE("asserts, reports and the patterns they belong to, in order") {
        auto ihe = children(root, "svrl:schematron-output")[2];
        std::vector<std::string> names;
        for (auto child : ihe.children()) names.push_back(child.name());
        CHECK(names == std::vector<std::string>{"svrl:active-pattern", "svrl:failed-assert", "svrl:successful-report",
                                                "svrl:active-pattern", "svrl:failed-assert"});
        auto first = ihe.first_child();
        CHECK(first.attribute("id").value() == std::string("p1"));
        auto assert_ = first.next_sibling();
        CHECK(assert_.attribute("test").value() == std::string("count(h:id) = 1"));
        CHECK(assert_.attribute("id").value() == std::string("a1"));
        CHECK(assert_.attribute("role").value() == std::string("error"));
        CHECK(assert_.attribute("location").value() == std::string("/ClinicalDocument"));
        CHECK_FALSE(assert_.attribute("flag"));
        CHECK_FALSE(assert_.attribute("see"));
        CHECK(assert_.attribute("healthdoc:rule").value() == std::string("schematron.IHE.a1"));
        CHECK(assert_.attribute("healthdoc:line").as_int() == 2);
        CHECK(assert_.attribute("healthdoc:column").as_int() == 3);
        CHECK_FALSE(assert_.attribute("healthdoc:file"));
        CHECK(assert_.child_value("svrl:text") == std::string("exactly one id"));
        auto report = assert_.next_sibling();
        CHECK(report.attribute("test").value() == std::string("h:title"));
        CHECK(report.attribute("role").value() == std::string("warning"));
        CHECK(report.attribute("healthdoc:severity").value() == std::string("warning"));
        CHECK(report.child_value("svrl:text") == std::string("a title is present"));
        CHECK(report.next_sibling().attribute("id").value() == std::string("p2"));
    }

    SUBCASE("findings of no check keep their rule, severity and place") {
        auto builtin = children(root, "svrl:schematron-output")[1];
        auto schema = builtin.first_child();
        CHECK(std::string(schema.name()) == "svrl:failed-assert");
        CHECK_FALSE(schema.attribute("test"));
        CHECK(schema.attribute("id").value() == std::string("cda.schema.unexpected-element"));
        CHECK(schema.attribute("role").value() == std::string("error"));
        CHECK(schema.attribute("location").value() == std::string("/ClinicalDocument/x"));
        CHECK(schema.attribute("healthdoc:line").as_int() == 10);
        CHECK(schema.attribute("healthdoc:column").as_int() == 5);
        CHECK(schema.child_value("svrl:text") == std::string("element 'x' is not expected"));
        auto header = schema.next_sibling();
        CHECK(header.attribute("role").value() == std::string("warning"));
        CHECK(header.attribute("location").value() == std::string("/"));
        CHECK_FALSE(header.attribute("healthdoc:line"));
        CHECK_FALSE(header.attribute("healthdoc:column"));
    }
}

TEST_CASE("formats::render_svrl_details") {
    SUBCASE("flag, see, the check's own message and its diagnostics") {
        RunReport run;
        DocumentReport document;
        document.file = "c.xml";
        auto diagnostic = check_finding(Severity::error, "S", "p", RuleCheck::Kind::assertion, "x", "@a",
                                        "own message [note one] [note two]", "/r", 1);
        diagnostic.check->flag = "fatal-flag";
        diagnostic.check->see = "https://example.org/rules#x";
        diagnostic.check->message = "own message";
        diagnostic.check->notes = {{"d1", "note one"}, {"d2", "note two"}};
        document.diagnostics.report(diagnostic);
        run.documents.push_back(document);
        pugi::xml_document xml;
        auto assert_ = parse(xml, to_svrl(run)).last_child().child("svrl:failed-assert");
        CHECK(assert_.attribute("flag").value() == std::string("fatal-flag"));
        CHECK(assert_.attribute("see").value() == std::string("https://example.org/rules#x"));
        std::vector<std::string> names;
        for (auto child : assert_.children()) names.push_back(child.name());
        // SVRL: diagnostic-reference*, then text.
        CHECK(names == std::vector<std::string>{"svrl:diagnostic-reference", "svrl:diagnostic-reference", "svrl:text"});
        CHECK(assert_.first_child().attribute("diagnostic").value() == std::string("d1"));
        CHECK(assert_.first_child().child_value() == std::string("note one"));
        CHECK(assert_.child_value("svrl:text") == std::string("own message"));
    }

    SUBCASE("escaping: markup, quotes, control characters and invalid UTF-8") {
        const std::string special = "a < b && c > \"d\" 'e' \xC3\xA9t\xC3\xA9 \x01\x1b[31m \xFF end";
        RunReport run;
        DocumentReport document;
        document.file = "dir/\"odd\" & <name>.xml";
        document.diagnostics.report(check_finding(Severity::error, "S<&>", "p\"", RuleCheck::Kind::assertion, "x",
                                                  special, special, "/a[@b=\"<c>\"]", 1));
        document.diagnostics.report(Severity::error, "r.s.t", special, {"", 0, 0, special});
        run.documents.push_back(document);
        const std::string text = to_svrl(run);
        CHECK(text.find('\x01') == std::string::npos);
        CHECK(text.find('\x1b') == std::string::npos);
        pugi::xml_document xml;
        auto root = parse(xml, text);
        auto outputs = children(root, "svrl:schematron-output");
        REQUIRE(outputs.size() == 2);
        CHECK(outputs[0].attribute("healthdoc:document").value() == document.file);
        CHECK(outputs[1].attribute("healthdoc:rule-set").value() == std::string("S<&>"));
        const std::string expected = "a < b && c > \"d\" 'e' \xC3\xA9t\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD[31m "
                                     "\xEF\xBF\xBD end";
        auto assert_ = outputs[1].child("svrl:failed-assert");
        CHECK(assert_.attribute("test").value() == expected);
        CHECK(assert_.attribute("location").value() == std::string("/a[@b=\"<c>\"]"));
        CHECK(assert_.child_value("svrl:text") == expected);
        CHECK(outputs[1].child("svrl:active-pattern").attribute("id").value() == std::string("p\""));
        CHECK(outputs[0].child("svrl:failed-assert").attribute("location").value() == expected);
    }

    SUBCASE("an empty run is an empty container") {
        pugi::xml_document xml;
        auto root = parse(xml, to_svrl(RunReport{}));
        CHECK(std::string(root.name()) == "healthdoc:svrl-reports");
        CHECK_FALSE(root.first_child());
        CHECK_FALSE(root.attribute("command"));
    }
}

TEST_CASE("formats::diagnostic_to_json_check") {
    SUBCASE("no check, no member") {
        Diagnostic plain{Severity::error, "a.b.c", "msg", {"f.xml", 1, 2, ""}};
        CHECK_FALSE(diagnostic_to_json(plain).contains("check"));
    }
    SUBCASE("a check shows the members that are set") {
        auto diagnostic = check_finding(Severity::warning, "S", "p", RuleCheck::Kind::report, "r", "@a", "m", "/x", 1);
        diagnostic.check->notes = {{"d", "note"}};
        const auto check = diagnostic_to_json(diagnostic)["check"];
        CHECK(check["kind"] == "report");
        CHECK(check["expression"] == "@a");
        CHECK(check["id"] == "r");
        CHECK(check["role"] == "warning");
        CHECK(check["group"] == "p");
        CHECK(check["notes"] == nlohmann::ordered_json::array({{{"id", "d"}, {"text", "note"}}}));
        CHECK(check["rule_set"] == "S");
        CHECK(check["rule_set_title"] == "Rules of S");
        CHECK(check["rule_set_version"] == "S.sch");
        CHECK(check["phase"] == "all-S");
        CHECK_FALSE(check.contains("flag"));
        CHECK_FALSE(check.contains("see"));
        CHECK_FALSE(check.contains("message"));
    }
}

TEST_CASE("formats::parse_output_format_svrl") {
    CHECK(parse_output_format("svrl") == OutputFormat::svrl);
    CHECK(to_string(OutputFormat::svrl) == "svrl");
}
