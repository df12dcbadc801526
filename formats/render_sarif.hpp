// The SARIF 2.1.0 renderer (OASIS Static Analysis Results Interchange Format), for code
// scanning dashboards (GitHub, GitLab, Azure DevOps).
#pragma once

#include "formats/render.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace healthdoc::formats {

// A file name as SARIF artifactLocation.uri (SARIF 2.1.0 section 3.4.3, RFC 3986): "-" ->
// "stdin"; backslashes -> "/"; an absolute path -> "file://" + path; relative paths stay
// relative; bytes outside the URI's unreserved and path characters (and ":", but for a
// drive letter) are percent-encoded.
std::string sarif_uri(std::string_view file);

// The run as one SARIF log: "$schema", "version" "2.1.0", one run with tool.driver {name,
// version (when known), rules: one per distinct rule id in first-seen order
// {id, shortDescription.text = its first message, defaultConfiguration.level}},
// columnKind "unicodeCodePoints", and one result per finding {ruleId, ruleIndex (no rule ->
// both left out), level (error/fatal -> error, warning -> warning, information -> note),
// message.text, locations [{physicalLocation {artifactLocation.uri, region {startLine,
// startColumn} only when known}, logicalLocations [{fullyQualifiedName: path}]}]}.
// Run-level findings come first and have no physicalLocation unless they name a file.
nlohmann::ordered_json to_sarif(const RunReport& run, const RenderOptions& options);

// Writes to_sarif(run, options) as indented JSON with a final newline.
void render_sarif(const RunReport& run, const RenderOptions& options, std::ostream& out);

} // namespace healthdoc::formats
