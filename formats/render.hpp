// Renderers: turn a RunReport into text, JSON, FHIR OperationOutcome, JUnit XML, SARIF or SVRL.
// They only format; they never decide exit codes or read files. One file per renderer
// (render_text, render_json, render_operationoutcome, render_junit, render_sarif,
// render_svrl); the shared helpers are in render_common.hpp.
//
// Every renderer but SVRL (which groups findings by document) fills a finding's missing
// location.file with its document's file, and all omit what is unknown (a zero line or column
// is never printed). Text is sanitised (invalid UTF-8 and control characters replaced) so a
// finding stays on one line and bad input cannot drive the terminal; JSON output replaces
// invalid UTF-8 with U+FFFD.
#pragma once

#include "formats/report.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace healthdoc::formats {

enum class OutputFormat { text, json, operationoutcome, junit, sarif, svrl };

// Parses "text", "json", "operationoutcome", "junit", "sarif", "svrl"; std::nullopt otherwise.
std::optional<OutputFormat> parse_output_format(std::string_view name);
std::string_view to_string(OutputFormat format);

struct RenderOptions {
    bool color = false;       // ANSI colours in text output
    std::string tool_version; // for SARIF/JUnit/JSON headers
};

// Writes the whole run in `format` to `out`.
void render(const RunReport& run, OutputFormat format, const RenderOptions& options, std::ostream& out);

// One-line human summary: "3 documents, 1 error, 2 warnings in 0.12 s" (errors count fatals
// too); ", 1 unreadable" follows the documents when some could not be read.
std::string summary_line(const RunReport& run);

// One finding as a GNU-style line, without newline: "file:line:col: severity: message [rule]".
// The file is location.file, else `fallback_file`, else the prefix is left out; an unknown
// line or column is omitted; when there is no line but a path, " (at <path>)" follows the
// message; " [rule]" is omitted when the rule is empty. `color` adds ANSI codes (location
// bold, error/fatal bold red, warning yellow, information cyan).
std::string format_diagnostic(const Diagnostic& diagnostic, std::string_view fallback_file = {}, bool color = false);

} // namespace healthdoc::formats
