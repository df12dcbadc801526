#include "formats/render.hpp"

#include "formats/render_common.hpp"
#include "formats/render_json.hpp"
#include "formats/render_junit.hpp"
#include "formats/render_operationoutcome.hpp"
#include "formats/render_sarif.hpp"
#include "formats/render_svrl.hpp"
#include "formats/render_text.hpp"

namespace healthdoc::formats {

std::optional<OutputFormat> parse_output_format(std::string_view name) {
    if (name == "text") return OutputFormat::text;
    if (name == "json") return OutputFormat::json;
    if (name == "operationoutcome") return OutputFormat::operationoutcome;
    if (name == "junit") return OutputFormat::junit;
    if (name == "sarif") return OutputFormat::sarif;
    if (name == "svrl") return OutputFormat::svrl;
    return std::nullopt;
}

std::string_view to_string(OutputFormat format) {
    switch (format) {
    case OutputFormat::text: return "text";
    case OutputFormat::json: return "json";
    case OutputFormat::operationoutcome: return "operationoutcome";
    case OutputFormat::junit: return "junit";
    case OutputFormat::sarif: return "sarif";
    case OutputFormat::svrl: return "svrl";
    }
    return "text";
}

void render(const RunReport& run, OutputFormat format, const RenderOptions& options, std::ostream& out) {
    switch (format) {
    case OutputFormat::text: render_text(run, options, out); return;
    case OutputFormat::json: render_json(run, options, out); return;
    case OutputFormat::operationoutcome: render_operationoutcome(run, options, out); return;
    case OutputFormat::junit: render_junit(run, options, out); return;
    case OutputFormat::sarif: render_sarif(run, options, out); return;
    case OutputFormat::svrl: render_svrl(run, options, out); return;
    }
}

std::string summary_line(const RunReport& run) {
    const RunTotals t = totals(run);
    const std::size_t errors = t.errors + t.fatals;
    std::string line = std::to_string(t.documents) + " document" + std::string(plural_s(t.documents));
    if (t.unreadable > 0) line += ", " + std::to_string(t.unreadable) + " unreadable";
    line += ", " + std::to_string(errors) + " error" + std::string(plural_s(errors));
    line += ", " + std::to_string(t.warnings) + " warning" + std::string(plural_s(t.warnings));
    line += " in " + format_fixed(run.seconds, 2) + " s";
    return line;
}

} // namespace healthdoc::formats
