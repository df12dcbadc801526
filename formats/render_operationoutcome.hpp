// The FHIR R4 OperationOutcome renderer (http://hl7.org/fhir/R4/operationoutcome.html), laid
// out as the HL7 Java validator writes its -output file, so tools that read that file read ours.
#pragma once

#include "formats/render.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string_view>

namespace healthdoc::formats {

// Extension on OperationOutcome naming the file it reports on (valueString), as the HL7
// validator writes it.
inline constexpr std::string_view k_oo_file_extension = "http://hl7.org/fhir/StructureDefinition/operationoutcome-file";
// Standard R4 extensions on OperationOutcome.issue carrying the 1-based line and column.
inline constexpr std::string_view k_oo_line_extension =
    "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line";
inline constexpr std::string_view k_oo_col_extension =
    "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col";
// Code system of the rule ids in issue.details.coding.
inline constexpr std::string_view k_rule_system = "urn:healthdoc:rule";

// The FHIR issue-type code (http://hl7.org/fhir/issue-type) for a rule id, judged from its
// dot- and dash-separated words: "security" -> security; "io" -> exception; "syntax" or
// "schema" -> structure; "code", "value-set"/"valueset", "terminology" -> code-invalid;
// "required", "missing" -> required; anything else (also the empty rule) -> invalid.
std::string_view issue_type_for_rule(std::string_view rule);

// One OperationOutcome for the findings `diagnostics` of `file` (no file extension when `file`
// is empty). Each issue: severity, code, details {coding [{system k_rule_system, code rule}],
// text message}, diagnostics (the rule id), location [XPath, "Line n, Col m"], expression
// [FHIRPath-style path], line/col extensions; empty parts are left out (FHIR forbids empty
// strings). No findings -> one information issue "No issues detected" (code informational).
nlohmann::ordered_json to_operation_outcome(const Diagnostics& diagnostics, std::string_view file = {});

// The run: a single OperationOutcome when it has one outcome to give, else a Bundle of type
// "collection" with one entry per document (fullUrl urn:uuid:<name-based UUID>, so the same
// run renders the same bytes), plus a last entry without file extension for the run-level
// findings when there are any. No documents and no run findings -> an empty collection.
nlohmann::ordered_json to_operation_outcome(const RunReport& run);

// Writes to_operation_outcome(run) as indented JSON with a final newline.
void render_operationoutcome(const RunReport& run, const RenderOptions& options, std::ostream& out);

} // namespace healthdoc::formats
