#include "formats/render_json.hpp"

#include "formats/render_common.hpp"

namespace healthdoc::formats {

namespace {

// The members of `check` that are set; "kind" always.
nlohmann::ordered_json check_to_json(const RuleCheck& check) {
    nlohmann::ordered_json item;
    item["kind"] = check.kind == RuleCheck::Kind::report ? "report" : "assertion";
    auto add = [&item](const char* key, const std::string& value) {
        if (!value.empty()) item[key] = value;
    };
    add("expression", check.expression);
    add("id", check.id);
    add("role", check.role);
    add("flag", check.flag);
    add("see", check.see);
    add("group", check.group);
    add("message", check.message);
    if (!check.notes.empty()) {
        auto notes = nlohmann::ordered_json::array();
        for (const auto& [id, text] : check.notes) notes.push_back({{"id", id}, {"text", text}});
        item["notes"] = std::move(notes);
    }
    add("rule_set", check.rule_set);
    add("rule_set_title", check.rule_set_title);
    add("rule_set_version", check.rule_set_version);
    add("phase", check.phase);
    return item;
}

} // namespace

nlohmann::ordered_json diagnostic_to_json(const Diagnostic& diagnostic, std::string_view fallback_file) {
    nlohmann::ordered_json item;
    item["severity"] = to_string(diagnostic.severity);
    item["rule"] = diagnostic.rule;
    item["message"] = diagnostic.message;
    const Location& where = diagnostic.location;
    nlohmann::ordered_json location = nlohmann::ordered_json::object();
    const std::string_view file = where.file.empty() ? fallback_file : std::string_view(where.file);
    if (!file.empty()) location["file"] = file;
    if (where.line > 0) location["line"] = where.line;
    if (where.column > 0) location["column"] = where.column;
    if (!where.path.empty()) location["path"] = where.path;
    if (!location.empty()) item["location"] = std::move(location);
    if (diagnostic.check) item["check"] = check_to_json(*diagnostic.check);
    return item;
}

nlohmann::ordered_json to_json(const RunReport& run, const RenderOptions& options) {
    nlohmann::ordered_json root;
    root["tool"] = {{"name", "healthdoc"}, {"version", options.tool_version}};
    root["command"] = run.command;
    auto documents = nlohmann::ordered_json::array();
    for (const auto& document : run.documents) {
        const Diagnostics& found = document.diagnostics;
        nlohmann::ordered_json item;
        item["file"] = document.file;
        item["kind"] = document.kind;
        item["valid"] = !document.unreadable && !found.has_at_least(Severity::error);
        item["unreadable"] = document.unreadable;
        item["summary"] = {{"fatal", found.count(Severity::fatal)},
                           {"error", found.count(Severity::error)},
                           {"warning", found.count(Severity::warning)},
                           {"information", found.count(Severity::information)}};
        auto diagnostics = nlohmann::ordered_json::array();
        for (const auto& diagnostic : found.items())
            diagnostics.push_back(diagnostic_to_json(diagnostic, document.file));
        item["diagnostics"] = std::move(diagnostics);
        if (!document.details.is_null() && !document.details.empty()) item["details"] = document.details;
        item["seconds"] = document.seconds;
        documents.push_back(std::move(item));
    }
    root["documents"] = std::move(documents);
    auto run_diagnostics = nlohmann::ordered_json::array();
    for (const auto& diagnostic : run.run_diagnostics.items())
        run_diagnostics.push_back(diagnostic_to_json(diagnostic));
    root["diagnostics"] = std::move(run_diagnostics);
    const RunTotals t = totals(run);
    root["summary"] = {{"documents", t.documents},       {"errors", t.errors + t.fatals}, {"warnings", t.warnings},
                       {"informations", t.informations}, {"unreadable", t.unreadable},    {"seconds", run.seconds}};
    return root;
}

void render_json(const RunReport& run, const RenderOptions& options, std::ostream& out) {
    out << dump_json(to_json(run, options));
}

} // namespace healthdoc::formats
