#include "formats/render_operationoutcome.hpp"

#include "formats/ids.hpp"
#include "formats/render_common.hpp"

#include <algorithm>
#include <climits>
#include <vector>

namespace healthdoc::formats {

namespace {

std::vector<std::string_view> words_of(std::string_view rule) {
    std::vector<std::string_view> words;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= rule.size(); ++i) {
        if (i == rule.size() || rule[i] == '.' || rule[i] == '-' || rule[i] == '_') {
            if (i > start) words.push_back(rule.substr(start, i - start));
            start = i + 1;
        }
    }
    return words;
}

bool has_word(const std::vector<std::string_view>& words, std::initializer_list<std::string_view> wanted) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view word) {
        return std::find(wanted.begin(), wanted.end(), word) != wanted.end();
    });
}

bool has_value_set(const std::vector<std::string_view>& words) {
    for (std::size_t i = 0; i + 1 < words.size(); ++i)
        if (words[i] == "value" && words[i + 1] == "set") return true;
    return has_word(words, {"valueset", "valuesets"});
}

// Severity codes of R4 IssueSeverity are the same words as ours.
std::string_view fhir_severity(Severity severity) { return to_string(severity); }

// valueInteger is a signed 32-bit integer (R4 datatypes, "integer").
bool fits_integer(std::size_t value) { return value > 0 && value <= static_cast<std::size_t>(INT_MAX); }

nlohmann::ordered_json issue_of(const Diagnostic& diagnostic) {
    const Location& where = diagnostic.location;
    nlohmann::ordered_json issue;
    auto extensions = nlohmann::ordered_json::array();
    if (fits_integer(where.line)) {
        extensions.push_back({{"url", k_oo_line_extension}, {"valueInteger", where.line}});
        if (fits_integer(where.column))
            extensions.push_back({{"url", k_oo_col_extension}, {"valueInteger", where.column}});
    }
    if (!extensions.empty()) issue["extension"] = std::move(extensions);
    issue["severity"] = fhir_severity(diagnostic.severity);
    issue["code"] = issue_type_for_rule(diagnostic.rule);
    nlohmann::ordered_json details = nlohmann::ordered_json::object();
    if (!diagnostic.rule.empty())
        details["coding"] = nlohmann::ordered_json::array({{{"system", k_rule_system}, {"code", diagnostic.rule}}});
    if (!diagnostic.message.empty()) details["text"] = diagnostic.message;
    if (!details.empty()) issue["details"] = std::move(details);
    if (!diagnostic.rule.empty()) issue["diagnostics"] = diagnostic.rule;
    // R4 issue.location holds "a simple subset of XPath"; the HL7 validator also puts the
    // line/column there as text, which helps readers that ignore the extensions.
    auto locations = nlohmann::ordered_json::array();
    const bool xpath = !where.path.empty() && where.path.front() == '/';
    if (xpath) locations.push_back(where.path);
    if (where.line > 0) {
        std::string text = "Line " + std::to_string(where.line);
        if (where.column > 0) text += ", Col " + std::to_string(where.column);
        locations.push_back(std::move(text));
    }
    if (!locations.empty()) issue["location"] = std::move(locations);
    if (!where.path.empty() && !xpath) issue["expression"] = nlohmann::ordered_json::array({where.path});
    return issue;
}

// A name-based UUID (RFC 4122 section 4.3, version 5 layout over SHA-1) so the bundle is
// reproducible: golden-file tests and diffs of two runs stay stable.
std::string entry_uuid(std::size_t index, std::string_view file) {
    return name_based_uuid("healthdoc:operationoutcome:" + std::to_string(index) + ":" + std::string(file));
}

} // namespace

std::string_view issue_type_for_rule(std::string_view rule) {
    const auto words = words_of(rule);
    if (has_word(words, {"security"})) return "security";
    if (has_word(words, {"io"})) return "exception";
    if (has_word(words, {"syntax", "schema", "xsd"})) return "structure";
    if (has_value_set(words) || has_word(words, {"code", "codes", "terminology"})) return "code-invalid";
    if (has_word(words, {"required", "missing"})) return "required";
    return "invalid";
}

nlohmann::ordered_json to_operation_outcome(const Diagnostics& diagnostics, std::string_view file) {
    nlohmann::ordered_json outcome;
    outcome["resourceType"] = "OperationOutcome";
    if (!file.empty())
        outcome["extension"] = nlohmann::ordered_json::array({{{"url", k_oo_file_extension}, {"valueString", file}}});
    auto issues = nlohmann::ordered_json::array();
    for (const auto& diagnostic : diagnostics.items()) issues.push_back(issue_of(diagnostic));
    // OperationOutcome.issue is 1..*; the HL7 validator reports a clean resource this way.
    if (issues.empty())
        issues.push_back(
            {{"severity", "information"}, {"code", "informational"}, {"details", {{"text", "No issues detected"}}}});
    outcome["issue"] = std::move(issues);
    return outcome;
}

nlohmann::ordered_json to_operation_outcome(const RunReport& run) {
    std::vector<nlohmann::ordered_json> outcomes;
    std::vector<std::string> files;
    for (const auto& document : run.documents) {
        outcomes.push_back(to_operation_outcome(document.diagnostics, document.file));
        files.push_back(document.file);
    }
    if (!run.run_diagnostics.empty()) {
        outcomes.push_back(to_operation_outcome(run.run_diagnostics));
        files.emplace_back();
    }
    if (outcomes.size() == 1) return outcomes.front();
    nlohmann::ordered_json bundle;
    bundle["resourceType"] = "Bundle";
    bundle["type"] = "collection";
    auto entries = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < outcomes.size(); ++i)
        entries.push_back({{"fullUrl", "urn:uuid:" + entry_uuid(i, files[i])}, {"resource", std::move(outcomes[i])}});
    if (!entries.empty()) bundle["entry"] = std::move(entries);
    return bundle;
}

void render_operationoutcome(const RunReport& run, const RenderOptions&, std::ostream& out) {
    out << dump_json(to_operation_outcome(run));
}

} // namespace healthdoc::formats
