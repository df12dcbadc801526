#include "formats/render_svrl.hpp"

#include "formats/render_common.hpp"

#include <pugixml.hpp>

#include <optional>
#include <string>
#include <vector>

namespace healthdoc::formats {

namespace {

void set(pugi::xml_node node, const char* name, std::string_view value) {
    node.append_attribute(name).set_value(sanitize_line(value).c_str());
}

void set_if(pugi::xml_node node, const char* name, std::string_view value) {
    if (!value.empty()) set(node, name, value);
}

void add_text(pugi::xml_node parent, const char* name, std::string_view text) {
    parent.append_child(name).append_child(pugi::node_pcdata).set_value(sanitize_line(text).c_str());
}

// The findings of one document that go into one svrl:schematron-output: those of one rule set,
// or (rule_set empty) those of no rule-language check.
struct Output {
    std::optional<std::string> rule_set;
    const RuleCheck* first = nullptr; // the first check finding, for the rule set's title...
    std::vector<const Diagnostic*> findings;
};

std::vector<Output> outputs_of(const Diagnostics& diagnostics) {
    std::vector<Output> outputs(1); // the built-in findings first, even when there are none
    for (const auto& diagnostic : diagnostics.items()) {
        if (!diagnostic.check) {
            outputs.front().findings.push_back(&diagnostic);
            continue;
        }
        auto found = outputs.begin() + 1;
        while (found != outputs.end() && *found->rule_set != diagnostic.check->rule_set) ++found;
        if (found == outputs.end()) {
            outputs.push_back(Output{diagnostic.check->rule_set, &*diagnostic.check, {}});
            found = outputs.end() - 1;
        }
        found->findings.push_back(&diagnostic);
    }
    return outputs;
}

// The healthdoc:* attributes every finding carries.
void add_healthdoc_attributes(pugi::xml_node element, const Diagnostic& diagnostic, std::string_view document_file) {
    set(element, "healthdoc:rule", diagnostic.rule);
    set(element, "healthdoc:severity", to_string(diagnostic.severity));
    const Location& where = diagnostic.location;
    if (where.line > 0) set(element, "healthdoc:line", std::to_string(where.line));
    if (where.column > 0) set(element, "healthdoc:column", std::to_string(where.column));
    if (!where.file.empty() && where.file != document_file) set(element, "healthdoc:file", where.file);
}

void add_check_finding(pugi::xml_node output, const Diagnostic& diagnostic, std::string_view document_file) {
    const RuleCheck& check = *diagnostic.check;
    auto element =
        output.append_child(check.kind == RuleCheck::Kind::report ? "svrl:successful-report" : "svrl:failed-assert");
    // The attribute order of the ISO skeleton's svrl:failed-assert.
    set(element, "test", check.expression);
    set_if(element, "id", check.id);
    set_if(element, "role", check.role);
    set_if(element, "flag", check.flag);
    set_if(element, "see", check.see);
    set(element, "location", diagnostic.location.path);
    add_healthdoc_attributes(element, diagnostic, document_file);
    for (const auto& [id, text] : check.notes) {
        auto reference = element.append_child("svrl:diagnostic-reference");
        set(reference, "diagnostic", id);
        reference.append_child(pugi::node_pcdata).set_value(sanitize_line(text).c_str());
    }
    add_text(element, "svrl:text", check.message.empty() ? diagnostic.message : check.message);
}

void add_other_finding(pugi::xml_node output, const Diagnostic& diagnostic, std::string_view document_file) {
    auto element = output.append_child("svrl:failed-assert");
    set_if(element, "id", diagnostic.rule);
    set(element, "role", to_string(diagnostic.severity));
    set(element, "location", diagnostic.location.path.empty() ? std::string_view("/") : diagnostic.location.path);
    add_healthdoc_attributes(element, diagnostic, document_file);
    add_text(element, "svrl:text", diagnostic.message);
}

void add_output(pugi::xml_node root, const Output& output, const std::string& command,
                const std::string* document_file) {
    auto element = root.append_child("svrl:schematron-output");
    if (output.rule_set) {
        set_if(element, "title", output.first->rule_set_title);
        set_if(element, "phase", output.first->phase);
        set_if(element, "schemaVersion", output.first->rule_set_version);
        set(element, "healthdoc:rule-set", *output.rule_set);
    } else {
        set(element, "title", command.empty() ? "healthdoc" : "healthdoc " + command);
    }
    if (document_file) set(element, "healthdoc:document", *document_file);
    const std::string_view file = document_file ? std::string_view(*document_file) : std::string_view();
    const std::string* group = nullptr;
    for (const Diagnostic* diagnostic : output.findings) {
        if (!diagnostic->check) {
            add_other_finding(element, *diagnostic, file);
            continue;
        }
        if (!group || *group != diagnostic->check->group) {
            group = &diagnostic->check->group;
            set_if(element.append_child("svrl:active-pattern"), "id", *group);
        }
        add_check_finding(element, *diagnostic, file);
    }
}

} // namespace

void render_svrl(const RunReport& run, const RenderOptions& options, std::ostream& out) {
    pugi::xml_document xml;
    auto declaration = xml.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    auto root = xml.append_child("healthdoc:svrl-reports");
    set(root, "xmlns:healthdoc", k_svrl_healthdoc_namespace);
    set(root, "xmlns:svrl", k_svrl_namespace);
    set_if(root, "command", run.command);
    set_if(root, "version", options.tool_version);
    if (!run.run_diagnostics.empty())
        for (const auto& output : outputs_of(run.run_diagnostics)) add_output(root, output, run.command, nullptr);
    for (const auto& document : run.documents)
        for (const auto& output : outputs_of(document.diagnostics))
            add_output(root, output, run.command, &document.file);
    xml.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
}

} // namespace healthdoc::formats
