#include "formats/render.hpp"
#include "formats/render_common.hpp"
#include "formats/render_operationoutcome.hpp"
#include "formats/render_sarif.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <set>
#include <sstream>
#include <string>

using namespace healthdoc::formats;
using nlohmann::json;

namespace {

const std::string k_special = "expected <code> & \"quoted\" 'single' \xC3\xA9t\xC3\xA9"; // "été"

// Three documents (one with every kind of location, one clean with details, one unreadable)
// and one run-level finding.
RunReport sample_run() {
    RunReport run;
    run.command = "validate";
    run.seconds = 0.123;

    DocumentReport a;
    a.file = "dir/discharge report.xml";
    a.kind = "cda";
    a.seconds = 0.05;
    a.diagnostics.report(Severity::error, "cisis.header.legal-authenticator", "legalAuthenticator/time is missing",
                         {"", 42, 7, "/ClinicalDocument/legalAuthenticator"});
    a.diagnostics.report(Severity::warning, "fhir.profile.none", k_special, {"", 0, 0, "Bundle.meta"});
    a.diagnostics.report(Severity::warning, "cisis.header.legal-authenticator", "second occurrence", {"", 12, 0, ""});
    a.diagnostics.report(Severity::information, "cda.value-set.unknown", "code not in the value set");
    run.documents.push_back(a);

    DocumentReport b;
    b.file = "-";
    b.kind = "fhir-json";
    b.details = {{"title", "Compte rendu"},
                 {"authors", {{{"name", "Dr A"}}, {{"name", "Dr B"}}}},
                 {"count", 2},
                 {"flags", json::object()}};
    run.documents.push_back(b);

    DocumentReport c;
    c.file = "broken.xml";
    c.unreadable = true;
    c.diagnostics.report(Severity::fatal, "xml.syntax.not-well-formed", "the document is not well-formed XML",
                         {"", 3, 1, ""});
    run.documents.push_back(c);

    run.run_diagnostics.report(Severity::warning, "cda.schematron.pack-missing",
                               "the CI-SIS pack is not installed; the schematron layer was skipped");
    return run;
}

std::string render_to_string(const RunReport& run, OutputFormat format, bool color = false) {
    RenderOptions options;
    options.color = color;
    options.tool_version = "0.1.0";
    std::ostringstream out;
    render(run, format, options, out);
    return out.str();
}

} // namespace

TEST_CASE("formats::parse_output_format") {
    for (auto format : {OutputFormat::text, OutputFormat::json, OutputFormat::operationoutcome, OutputFormat::junit,
                        OutputFormat::sarif})
        CHECK(parse_output_format(to_string(format)) == format);
    CHECK_FALSE(parse_output_format("xml").has_value());
    CHECK_FALSE(parse_output_format("").has_value());
}

TEST_CASE("formats::format_diagnostic") {
    SUBCASE("line and column") {
        Diagnostic d{Severity::error, "a.b.c", "msg", {"f.xml", 42, 7, "/x"}};
        CHECK(format_diagnostic(d) == "f.xml:42:7: error: msg [a.b.c]");
    }
    SUBCASE("line without column") {
        Diagnostic d{Severity::warning, "a.b.c", "msg", {"f.xml", 12, 0, ""}};
        CHECK(format_diagnostic(d) == "f.xml:12: warning: msg [a.b.c]");
    }
    SUBCASE("no line: file only, path shown") {
        Diagnostic d{Severity::warning, "a.b.c", "msg", {"", 0, 5, "Bundle.meta"}};
        CHECK(format_diagnostic(d, "bundle.json") == "bundle.json: warning: msg (at Bundle.meta) [a.b.c]");
    }
    SUBCASE("nothing known, no rule") {
        Diagnostic d{Severity::information, "", "msg", {}};
        CHECK(format_diagnostic(d) == "information: msg");
    }
    SUBCASE("control characters and invalid UTF-8 stay on one line") {
        Diagnostic d{Severity::error, "r.s.t", "bad\nline\x1b[31m \xFF end", {"f", 1, 1, ""}};
        const std::string line = format_diagnostic(d);
        CHECK(line.find('\n') == std::string::npos);
        CHECK(line.find('\x1b') == std::string::npos);
        CHECK(line.find('\xFF') == std::string::npos);
        CHECK(line == "f:1:1: error: bad line\xEF\xBF\xBD[31m \xEF\xBF\xBD end [r.s.t]");
    }
    SUBCASE("colour") {
        Diagnostic d{Severity::error, "a.b.c", "msg", {"f.xml", 1, 2, ""}};
        CHECK(format_diagnostic(d, {}, true) == "\x1b[1mf.xml:1:2:\x1b[0m \x1b[1;31merror\x1b[0m: msg [a.b.c]");
        d.severity = Severity::warning;
        CHECK(format_diagnostic(d, {}, true).find("\x1b[33mwarning\x1b[0m") != std::string::npos);
        d.severity = Severity::information;
        CHECK(format_diagnostic(d, {}, true).find("\x1b[36minformation\x1b[0m") != std::string::npos);
        d.severity = Severity::fatal;
        CHECK(format_diagnostic(d, {}, true).find("\x1b[1;31mfatal\x1b[0m") != std::string::npos);
    }
}

TEST_CASE("formats::render_text") {
    const RunReport run = sample_run();
    const std::string text = render_to_string(run, OutputFormat::text);
    const std::string expected =
        "healthdoc: warning: the CI-SIS pack is not installed; the schematron layer was skipped "
        "[cda.schematron.pack-missing]\n"
        "dir/discharge report.xml:42:7: error: legalAuthenticator/time is missing [cisis.header.legal-authenticator]\n"
        "dir/discharge report.xml: warning: " +
        k_special +
        " (at Bundle.meta) [fhir.profile.none]\n"
        "dir/discharge report.xml:12: warning: second occurrence [cisis.header.legal-authenticator]\n"
        "dir/discharge report.xml: information: code not in the value set [cda.value-set.unknown]\n"
        "-: fhir-json\n"
        "  title: Compte rendu\n"
        "  authors[0].name: Dr A\n"
        "  authors[1].name: Dr B\n"
        "  count: 2\n"
        "  flags: {}\n"
        "broken.xml:3:1: fatal: the document is not well-formed XML [xml.syntax.not-well-formed]\n";
    CHECK(text == expected);
    CHECK(text.find(":0") == std::string::npos);
    CHECK(text.find('\x1b') == std::string::npos);

    SUBCASE("a clean document without details prints nothing") {
        RunReport clean;
        clean.documents.push_back(DocumentReport{"ok.xml", "cda", {}, json::object(), 0.1, false});
        CHECK(render_to_string(clean, OutputFormat::text).empty());
    }
    SUBCASE("colour only when asked") {
        const std::string colored = render_to_string(run, OutputFormat::text, true);
        CHECK(colored.find("\x1b[1;31merror\x1b[0m") != std::string::npos);
        CHECK(colored.find("\x1b[1mhealthdoc:\x1b[0m \x1b[33mwarning\x1b[0m") != std::string::npos);
        CHECK(colored.find("\x1b[1m-:\x1b[0m fhir-json") != std::string::npos);
    }
}

TEST_CASE("formats::render_json") {
    const RunReport run = sample_run();
    const json root = json::parse(render_to_string(run, OutputFormat::json));
    CHECK(root["tool"]["name"] == "healthdoc");
    CHECK(root["tool"]["version"] == "0.1.0");
    CHECK(root["command"] == "validate");
    REQUIRE(root["documents"].size() == 3);

    const json& a = root["documents"][0];
    CHECK(a["file"] == "dir/discharge report.xml");
    CHECK(a["kind"] == "cda");
    CHECK(a["valid"] == false);
    CHECK(a["summary"] == json{{"fatal", 0}, {"error", 1}, {"warning", 2}, {"information", 1}});
    CHECK_FALSE(a.contains("details"));
    CHECK(a["seconds"].get<double>() == doctest::Approx(0.05));
    REQUIRE(a["diagnostics"].size() == 4);
    CHECK(a["diagnostics"][0] == json{{"severity", "error"},
                                      {"rule", "cisis.header.legal-authenticator"},
                                      {"message", "legalAuthenticator/time is missing"},
                                      {"location",
                                       {{"file", "dir/discharge report.xml"},
                                        {"line", 42},
                                        {"column", 7},
                                        {"path", "/ClinicalDocument/legalAuthenticator"}}}});
    CHECK(a["diagnostics"][1]["message"] == k_special);
    CHECK(a["diagnostics"][1]["location"] == json{{"file", "dir/discharge report.xml"}, {"path", "Bundle.meta"}});
    CHECK(a["diagnostics"][2]["location"] == json{{"file", "dir/discharge report.xml"}, {"line", 12}});

    const json& b = root["documents"][1];
    CHECK(b["valid"] == true);
    CHECK(b["diagnostics"].empty());
    CHECK(b["details"]["authors"][1]["name"] == "Dr B");

    const json& c = root["documents"][2];
    CHECK(c["valid"] == false);
    CHECK(c["unreadable"] == true);
    CHECK(c["summary"]["fatal"] == 1);

    REQUIRE(root["diagnostics"].size() == 1);
    CHECK(root["diagnostics"][0]["rule"] == "cda.schematron.pack-missing");
    CHECK_FALSE(root["diagnostics"][0].contains("location"));
    CHECK(root["summary"]["documents"] == 3);
    CHECK(root["summary"]["errors"] == 2);
    CHECK(root["summary"]["warnings"] == 3);
    CHECK(root["summary"]["informations"] == 1);
    CHECK(root["summary"]["unreadable"] == 1);

    SUBCASE("invalid UTF-8 does not throw") {
        RunReport bad;
        bad.documents.push_back(DocumentReport{"x\xFF.xml", "", {}, json::object(), 0, false});
        bad.documents[0].diagnostics.report(Severity::error, "r.s.t", "bad \xC3(");
        const json parsed = json::parse(render_to_string(bad, OutputFormat::json));
        CHECK(parsed["documents"][0]["diagnostics"][0]["message"] == "bad \xEF\xBF\xBD(");
    }
}

TEST_CASE("formats::render_operationoutcome") {
    const RunReport run = sample_run();

    SUBCASE("several documents: a collection Bundle, one entry per document plus the run") {
        const json bundle = json::parse(render_to_string(run, OutputFormat::operationoutcome));
        CHECK(bundle["resourceType"] == "Bundle");
        CHECK(bundle["type"] == "collection");
        REQUIRE(bundle["entry"].size() == 4);
        std::set<std::string> urls;
        for (const auto& entry : bundle["entry"]) {
            const std::string url = entry["fullUrl"];
            CHECK(url.rfind("urn:uuid:", 0) == 0);
            CHECK(url.size() == 9 + 36);
            urls.insert(url);
            CHECK(entry["resource"]["resourceType"] == "OperationOutcome");
            CHECK_FALSE(entry["resource"]["issue"].empty());
        }
        CHECK(urls.size() == 4);
        // Same run, same bytes.
        CHECK(render_to_string(run, OutputFormat::operationoutcome) ==
              render_to_string(run, OutputFormat::operationoutcome));

        const json& a = bundle["entry"][0]["resource"];
        CHECK(a["extension"][0]["url"] == k_oo_file_extension);
        CHECK(a["extension"][0]["valueString"] == "dir/discharge report.xml");
        REQUIRE(a["issue"].size() == 4);
        const json& first = a["issue"][0];
        CHECK(first["severity"] == "error");
        CHECK(first["code"] == "invalid");
        CHECK(first["details"]["text"] == "legalAuthenticator/time is missing");
        CHECK(first["details"]["coding"][0]["system"] == k_rule_system);
        CHECK(first["details"]["coding"][0]["code"] == "cisis.header.legal-authenticator");
        CHECK(first["location"] == json::array({"/ClinicalDocument/legalAuthenticator", "Line 42, Col 7"}));
        CHECK_FALSE(first.contains("expression"));
        CHECK(first["extension"][0] == json{{"url", k_oo_line_extension}, {"valueInteger", 42}});
        CHECK(first["extension"][1] == json{{"url", k_oo_col_extension}, {"valueInteger", 7}});
        const json& second = a["issue"][1];
        CHECK(second["severity"] == "warning");
        CHECK(second["expression"] == json::array({"Bundle.meta"}));
        CHECK_FALSE(second.contains("location"));
        CHECK_FALSE(second.contains("extension"));
        CHECK(second["details"]["text"] == k_special);
        CHECK(a["issue"][2]["location"] == json::array({"Line 12"}));
        CHECK(a["issue"][2]["extension"].size() == 1);
        CHECK(a["issue"][3]["severity"] == "information");
        CHECK(a["issue"][3]["code"] == "code-invalid");

        const json& b = bundle["entry"][1]["resource"];
        REQUIRE(b["issue"].size() == 1);
        CHECK(b["issue"][0] == json{{"severity", "information"},
                                    {"code", "informational"},
                                    {"details", {{"text", "No issues detected"}}}});
        const json& c = bundle["entry"][2]["resource"];
        CHECK(c["issue"][0]["severity"] == "fatal");
        CHECK(c["issue"][0]["code"] == "structure");
        const json& r = bundle["entry"][3]["resource"];
        CHECK_FALSE(r.contains("extension"));
        CHECK(r["issue"][0]["details"]["coding"][0]["code"] == "cda.schematron.pack-missing");
    }
    SUBCASE("one document: a single OperationOutcome") {
        RunReport one;
        one.documents.push_back(run.documents[0]);
        const json outcome = json::parse(render_to_string(one, OutputFormat::operationoutcome));
        CHECK(outcome["resourceType"] == "OperationOutcome");
        CHECK(outcome["issue"].size() == 4);
    }
    SUBCASE("issue types from rule ids") {
        CHECK(issue_type_for_rule("xml.syntax.not-well-formed") == "structure");
        CHECK(issue_type_for_rule("json.syntax.unexpected-token") == "structure");
        CHECK(issue_type_for_rule("cda.schema.unexpected-element") == "structure");
        CHECK(issue_type_for_rule("push.security.weak-tls") == "security");
        CHECK(issue_type_for_rule("io.read.failed") == "exception");
        CHECK(issue_type_for_rule("fhir.terminology.unknown-code") == "code-invalid");
        CHECK(issue_type_for_rule("cda.value-set.not-member") == "code-invalid");
        CHECK(issue_type_for_rule("cisis.header.missing-author") == "required");
        CHECK(issue_type_for_rule("fhir.structure.required-element") == "required");
        CHECK(issue_type_for_rule("fhir.structure.unknown-element") == "invalid");
        CHECK(issue_type_for_rule("") == "invalid");
    }
}

TEST_CASE("formats::render_junit") {
    const RunReport run = sample_run();
    const std::string xml_text = render_to_string(run, OutputFormat::junit);
    pugi::xml_document xml;
    REQUIRE(xml.load_string(xml_text.c_str()));
    const auto suite = xml.child("testsuites").child("testsuite");
    REQUIRE(suite);
    CHECK(std::string(suite.attribute("name").value()) == "healthdoc validate");
    CHECK(suite.attribute("tests").as_int() == 4);
    CHECK(suite.attribute("failures").as_int() == 1);
    CHECK(suite.attribute("errors").as_int() == 1);
    CHECK(std::string(suite.attribute("time").value()) == "0.123");
    CHECK(xml.child("testsuites").attribute("tests").as_int() == 4);

    auto testcase = suite.child("testcase");
    CHECK(std::string(testcase.attribute("classname").value()) == "healthdoc.validate");
    CHECK(std::string(testcase.attribute("name").value()) == "dir/discharge report.xml");
    CHECK(std::string(testcase.attribute("time").value()) == "0.050");
    const auto failure = testcase.child("failure");
    CHECK(std::string(failure.attribute("type").value()) == "cisis.header.legal-authenticator");
    CHECK(std::string(failure.attribute("message").value()) == "legalAuthenticator/time is missing");
    CHECK(
        std::string(failure.text().get()) ==
        "dir/discharge report.xml:42:7: error: legalAuthenticator/time is missing [cisis.header.legal-authenticator]");
    CHECK_FALSE(failure.next_sibling("failure"));
    const std::string out = testcase.child("system-out").text().get();
    CHECK(out.find(k_special) != std::string::npos);
    CHECK(out.find("dir/discharge report.xml:12: warning: second occurrence") != std::string::npos);
    CHECK(out.find("information: code not in the value set") != std::string::npos);

    testcase = testcase.next_sibling("testcase");
    CHECK(std::string(testcase.attribute("name").value()) == "-");
    CHECK_FALSE(testcase.first_child());

    testcase = testcase.next_sibling("testcase");
    CHECK(std::string(testcase.attribute("name").value()) == "broken.xml");
    CHECK(std::string(testcase.child("error").attribute("type").value()) == "xml.syntax.not-well-formed");
    CHECK_FALSE(testcase.child("failure"));

    testcase = testcase.next_sibling("testcase");
    CHECK(std::string(testcase.attribute("name").value()) == "healthdoc");
    CHECK(std::string(testcase.child("system-out").text().get()).find("[cda.schematron.pack-missing]") !=
          std::string::npos);
    CHECK_FALSE(testcase.next_sibling("testcase"));

    SUBCASE("special characters in attributes and control characters") {
        RunReport bad;
        bad.command = "validate";
        bad.documents.push_back(DocumentReport{"a<&>\"'.xml", "", {}, json::object(), 0, false});
        bad.documents[0].diagnostics.report(Severity::error, "r.s.t", k_special + "\x01\x1b\xFF", {"", 2, 0, ""});
        const std::string text = render_to_string(bad, OutputFormat::junit);
        pugi::xml_document parsed;
        REQUIRE(parsed.load_string(text.c_str()));
        const auto tc = parsed.child("testsuites").child("testsuite").child("testcase");
        CHECK(std::string(tc.attribute("name").value()) == "a<&>\"'.xml");
        CHECK(std::string(tc.child("failure").attribute("message").value()) ==
              k_special + "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
        CHECK(text.find("&#") == std::string::npos); // no character references to C0 controls
    }
}

TEST_CASE("formats::render_sarif") {
    const RunReport run = sample_run();
    const json log = json::parse(render_to_string(run, OutputFormat::sarif));
    CHECK(log["version"] == "2.1.0");
    CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
    REQUIRE(log["runs"].size() == 1);
    const json& sarif_run = log["runs"][0];
    const json& driver = sarif_run["tool"]["driver"];
    CHECK(driver["name"] == "healthdoc");
    CHECK(driver["version"] == "0.1.0");

    const json& rules = driver["rules"];
    REQUIRE(rules.size() == 5); // the repeated legal-authenticator rule appears once
    std::set<std::string> ids;
    for (const auto& rule : rules) ids.insert(rule["id"].get<std::string>());
    CHECK(ids.size() == 5);

    const json& results = sarif_run["results"];
    REQUIRE(results.size() == 6);
    for (const auto& result : results) {
        const std::size_t index = result["ruleIndex"];
        REQUIRE(index < rules.size());
        CHECK(rules[index]["id"] == result["ruleId"]);
    }
    // Run-level finding first, without a physical location.
    CHECK(results[0]["ruleId"] == "cda.schematron.pack-missing");
    CHECK(results[0]["level"] == "warning");
    CHECK_FALSE(results[0].contains("locations"));

    const json& error = results[1];
    CHECK(error["level"] == "error");
    CHECK(error["message"]["text"] == "legalAuthenticator/time is missing");
    const json& physical = error["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == "dir/discharge%20report.xml");
    CHECK(physical["region"] == json{{"startLine", 42}, {"startColumn", 7}});
    CHECK(error["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/ClinicalDocument/legalAuthenticator");
    const json& legal = rules[error["ruleIndex"].get<std::size_t>()];
    CHECK(legal["shortDescription"]["text"] == "legalAuthenticator/time is missing");
    CHECK(legal["defaultConfiguration"]["level"] == "error");

    CHECK(results[2]["message"]["text"] == k_special);
    CHECK_FALSE(results[2]["locations"][0]["physicalLocation"].contains("region"));
    CHECK(results[3]["locations"][0]["physicalLocation"]["region"] == json{{"startLine", 12}});
    CHECK(results[3]["ruleIndex"] == error["ruleIndex"]);
    CHECK(results[4]["level"] == "note");
    CHECK(results[5]["level"] == "error");
    CHECK(results[5]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.xml");

    SUBCASE("uris") {
        CHECK(sarif_uri("-") == "stdin");
        CHECK(sarif_uri("a/b.xml") == "a/b.xml");
        CHECK(sarif_uri("/tmp/x y.xml") == "file:///tmp/x%20y.xml");
        CHECK(sarif_uri("C:\\docs\\a.xml") == "file:///C:/docs/a.xml");
        CHECK(sarif_uri("a:b%.xml") == "a%3Ab%25.xml");
        CHECK(sarif_uri("\xC3\xA9.xml") == "%C3%A9.xml");
    }
}

TEST_CASE("formats::summary_line") {
    RunReport run;
    CHECK(summary_line(run) == "0 documents, 0 errors, 0 warnings in 0.00 s");
    run.seconds = 0.123;
    run.documents.push_back(DocumentReport{"a.xml", "cda", {}, json::object(), 0, false});
    run.documents[0].diagnostics.report(Severity::error, "r.s.t", "m");
    run.documents[0].diagnostics.report(Severity::warning, "r.s.t", "m");
    CHECK(summary_line(run) == "1 document, 1 error, 1 warning in 0.12 s");
    run.documents[0].diagnostics.report(Severity::fatal, "r.s.t", "m");
    run.documents[0].diagnostics.report(Severity::warning, "r.s.t", "m");
    run.documents.push_back(DocumentReport{"b.xml", "", {}, json::object(), 0, true});
    run.documents.push_back(DocumentReport{"c.xml", "", {}, json::object(), 0, false});
    CHECK(summary_line(run) == "3 documents, 1 unreadable, 2 errors, 2 warnings in 0.12 s");
}

TEST_CASE("formats::flatten_details") {
    CHECK(flatten_details(json::object()).empty());
    const auto flat =
        flatten_details(nlohmann::ordered_json{{"a", {{"b", {1, "x", nullptr}}}}, {"t", true}, {"e", json::array()}});
    REQUIRE(flat.size() == 5);
    CHECK(flat[0] == std::pair<std::string, std::string>{"a.b[0]", "1"});
    CHECK(flat[1] == std::pair<std::string, std::string>{"a.b[1]", "x"});
    CHECK(flat[2] == std::pair<std::string, std::string>{"a.b[2]", "null"});
    CHECK(flat[3] == std::pair<std::string, std::string>{"t", "true"});
    CHECK(flat[4] == std::pair<std::string, std::string>{"e", "[]"});
    CHECK(format_fixed(0.125, 2) == "0.12");
    CHECK(format_fixed(-1, 3) == "0.000");
}

TEST_CASE("formats::render_arbitrary_bytes") {
    // Every byte value in files, rules, messages, paths and details: no renderer throws, the
    // JSON outputs parse, the JUnit output is well-formed XML, text stays one line per finding.
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    RunReport run;
    run.command = bytes.substr(32, 20);
    for (std::size_t start = 0; start < 256; start += 64) {
        DocumentReport document;
        document.file = bytes.substr(start, 64);
        document.kind = bytes.substr(255 - start / 4, 3);
        document.details = {{bytes.substr(start, 8), bytes.substr(start + 8, 40)}};
        document.diagnostics.report(Severity::error, bytes.substr(start, 10), bytes.substr(start, 64),
                                    {bytes.substr(start + 1, 5), start + 1, start, bytes.substr(start + 2, 30)});
        document.diagnostics.report(Severity::warning, bytes.substr(start, 3), bytes.substr(start + 3, 60));
        run.documents.push_back(document);
    }
    run.run_diagnostics.report(Severity::information, bytes.substr(100, 10), bytes);

    const std::string text = render_to_string(run, OutputFormat::text, true);
    std::size_t lines = 0;
    for (char c : text) lines += c == '\n';
    CHECK(lines == 1 + 4 * (2 + 2)); // run finding, then per document: header, one detail, two findings
    for (auto format : {OutputFormat::json, OutputFormat::operationoutcome, OutputFormat::sarif})
        CHECK(json::parse(render_to_string(run, format)).is_object());
    pugi::xml_document xml;
    CHECK(xml.load_string(render_to_string(run, OutputFormat::junit).c_str()));
    CHECK(xml.child("testsuites").child("testsuite").attribute("tests").as_int() == 5);
}
