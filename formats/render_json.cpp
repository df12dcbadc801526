#include "formats/render_json.hpp"

#include "formats/render_common.hpp"

namespace healthdoc::formats {

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
