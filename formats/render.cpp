// Placeholder until the renderers land: text only.
#include "formats/render.hpp"

#include <sstream>

namespace healthdoc::formats {

std::optional<OutputFormat> parse_output_format(std::string_view name) {
    if (name == "text") return OutputFormat::text;
    if (name == "json") return OutputFormat::json;
    if (name == "operationoutcome") return OutputFormat::operationoutcome;
    if (name == "junit") return OutputFormat::junit;
    if (name == "sarif") return OutputFormat::sarif;
    return std::nullopt;
}

std::string_view to_string(OutputFormat format) {
    switch (format) {
    case OutputFormat::text: return "text";
    case OutputFormat::json: return "json";
    case OutputFormat::operationoutcome: return "operationoutcome";
    case OutputFormat::junit: return "junit";
    case OutputFormat::sarif: return "sarif";
    }
    return "text";
}

void render(const RunReport& run, OutputFormat, const RenderOptions&, std::ostream& out) {
    for (const auto& doc : run.documents)
        for (const auto& d : doc.diagnostics.items())
            out << d.location.file << ":" << d.location.line << ":" << d.location.column << ": " << to_string(d.severity)
                << ": " << d.message << " [" << d.rule << "]\n";
}

std::string summary_line(const RunReport& run) {
    auto t = totals(run);
    std::ostringstream s;
    s << t.documents << " documents, " << t.errors + t.fatals << " errors, " << t.warnings << " warnings";
    return s.str();
}

} // namespace healthdoc::formats
