#include "formats/render_junit.hpp"

#include "formats/render_common.hpp"

#include <pugixml.hpp>

#include <sstream>

namespace healthdoc::formats {

namespace {

struct Counts {
    std::size_t tests = 0;
    std::size_t failures = 0;
    std::size_t errors = 0;
};

void set(pugi::xml_node node, const char* name, std::string_view value) {
    node.append_attribute(name).set_value(sanitize_line(value).c_str());
}

// One testcase for the findings `diagnostics` of `file`. `unreadable` reports the failing
// findings as one <error> (the test could not run) instead of <failure>s (it ran and failed),
// the distinction JUnit readers draw between the two.
void add_testcase(pugi::xml_node suite, const std::string& classname, const std::string& name, double seconds,
                  const Diagnostics& diagnostics, std::string_view fallback_file, bool unreadable, Counts& counts) {
    auto testcase = suite.append_child("testcase");
    set(testcase, "classname", classname);
    set(testcase, "name", name);
    set(testcase, "time", format_fixed(seconds, 3));
    ++counts.tests;

    std::string others;
    std::string error_text;
    const Diagnostic* first_error = nullptr;
    bool failed = false;
    for (const auto& diagnostic : diagnostics.items()) {
        const std::string line = format_diagnostic(diagnostic, fallback_file);
        if (diagnostic.severity < Severity::error) {
            others += line + '\n';
        } else if (unreadable) {
            if (!first_error) first_error = &diagnostic;
            error_text += line + '\n';
        } else {
            auto failure = testcase.append_child("failure");
            set(failure, "message", diagnostic.message);
            set(failure, "type", diagnostic.rule);
            failure.append_child(pugi::node_pcdata).set_value(line.c_str());
            failed = true;
        }
    }
    if (unreadable) {
        auto error = testcase.append_child("error");
        set(error, "message", first_error ? std::string_view(first_error->message) : "the input could not be read");
        if (first_error) set(error, "type", first_error->rule);
        if (!error_text.empty()) error.append_child(pugi::node_pcdata).set_value(error_text.c_str());
        ++counts.errors;
    } else if (failed) {
        ++counts.failures;
    }
    if (!others.empty()) testcase.append_child("system-out").append_child(pugi::node_pcdata).set_value(others.c_str());
}

void set_counts(pugi::xml_node node, const Counts& counts, double seconds) {
    set(node, "tests", std::to_string(counts.tests));
    set(node, "failures", std::to_string(counts.failures));
    set(node, "errors", std::to_string(counts.errors));
    set(node, "time", format_fixed(seconds, 3));
}

} // namespace

void render_junit(const RunReport& run, const RenderOptions& options, std::ostream& out) {
    const std::string suite_name = run.command.empty() ? "healthdoc" : "healthdoc " + run.command;
    const std::string classname = run.command.empty() ? "healthdoc" : "healthdoc." + run.command;
    pugi::xml_document xml;
    auto declaration = xml.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    auto suites = xml.append_child("testsuites");
    set(suites, "name", "healthdoc");
    auto suite = suites.append_child("testsuite");
    set(suite, "name", suite_name);
    Counts counts;
    for (const auto& document : run.documents)
        add_testcase(suite, classname, document.file, document.seconds, document.diagnostics, document.file,
                     document.unreadable, counts);
    if (!run.run_diagnostics.empty())
        add_testcase(suite, classname, "healthdoc", 0.0, run.run_diagnostics, "healthdoc", false, counts);
    set_counts(suite, counts, run.seconds);
    set_counts(suites, counts, run.seconds);
    if (!options.tool_version.empty()) {
        auto properties = suite.prepend_child("properties");
        auto property = properties.append_child("property");
        set(property, "name", "healthdoc.version");
        set(property, "value", options.tool_version);
    }
    xml.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
}

} // namespace healthdoc::formats
