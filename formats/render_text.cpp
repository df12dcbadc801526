#include "formats/render_text.hpp"

#include "formats/render_common.hpp"

namespace healthdoc::formats {

namespace {

constexpr std::string_view k_reset = "\x1b[0m";
constexpr std::string_view k_bold = "\x1b[1m";

// Colours as gcc and clang use them: errors bold red, warnings yellow (magenta in gcc, but
// yellow reads better on dark and light terminals), notes cyan.
std::string_view severity_color(Severity severity) {
    switch (severity) {
    case Severity::fatal:
    case Severity::error: return "\x1b[1;31m";
    case Severity::warning: return "\x1b[33m";
    case Severity::information: return "\x1b[36m";
    }
    return "";
}

} // namespace

std::string format_diagnostic(const Diagnostic& diagnostic, std::string_view fallback_file, bool color) {
    const Location& where = diagnostic.location;
    std::string location = sanitize_line(where.file.empty() ? fallback_file : std::string_view(where.file));
    // GNU Coding Standards, "Formatting Error Messages": file:line:column: message, where the
    // parts that are not known are left out (never "0:0").
    if (!location.empty() && where.line > 0) {
        location += ':' + std::to_string(where.line);
        if (where.column > 0) location += ':' + std::to_string(where.column);
    }
    std::string line;
    if (!location.empty()) {
        if (color) line += k_bold;
        line += location + ':';
        if (color) line += k_reset;
        line += ' ';
    }
    if (color) line += severity_color(diagnostic.severity);
    line += to_string(diagnostic.severity);
    if (color) line += k_reset;
    line += ": ";
    line += sanitize_line(diagnostic.message);
    // Without a line number the path is the only way to find the spot, so show it.
    if ((where.line == 0 || location.empty()) && !where.path.empty()) line += " (at " + sanitize_line(where.path) + ")";
    if (!diagnostic.rule.empty()) line += " [" + sanitize_line(diagnostic.rule) + "]";
    return line;
}

void render_text(const RunReport& run, const RenderOptions& options, std::ostream& out) {
    for (const auto& diagnostic : run.run_diagnostics.items())
        out << format_diagnostic(diagnostic, "healthdoc", options.color) << '\n';
    for (const auto& document : run.documents) {
        const auto details = flatten_details(document.details);
        if (!details.empty()) {
            if (options.color) out << k_bold;
            out << sanitize_line(document.file) << ':';
            if (options.color) out << k_reset;
            out << ' ' << (document.kind.empty() ? std::string("unknown") : sanitize_line(document.kind)) << '\n';
            for (const auto& [key, value] : details)
                out << "  " << sanitize_line(key) << ": " << sanitize_line(value) << '\n';
        }
        for (const auto& diagnostic : document.diagnostics.items())
            out << format_diagnostic(diagnostic, document.file, options.color) << '\n';
    }
}

} // namespace healthdoc::formats
