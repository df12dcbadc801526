// Renderers: turn a RunReport into text, JSON, FHIR OperationOutcome, JUnit XML or SARIF.
// They only format; they never decide exit codes or read files.
#pragma once

#include "formats/report.hpp"

#include <optional>
#include <ostream>
#include <string_view>

namespace healthdoc::formats {

enum class OutputFormat { text, json, operationoutcome, junit, sarif };

// Parses "text", "json", "operationoutcome", "junit", "sarif"; std::nullopt otherwise.
std::optional<OutputFormat> parse_output_format(std::string_view name);
std::string_view to_string(OutputFormat format);

struct RenderOptions {
    bool color = false;          // ANSI colours in text output
    std::string tool_version;    // for SARIF/JUnit/JSON headers
};

// Writes the whole run in `format` to `out`.
void render(const RunReport& run, OutputFormat format, const RenderOptions& options, std::ostream& out);

// One-line human summary: "3 documents, 1 error, 2 warnings in 0.12 s".
std::string summary_line(const RunReport& run);

} // namespace healthdoc::formats
