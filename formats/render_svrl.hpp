// The SVRL renderer (ISO/IEC 19757-3 Schematron Validation Report Language, namespace
// http://purl.oclc.org/dsdl/svrl), for tools that read the reports a Schematron run writes.
// SVRL describes one schema run over one document; a healthdoc run covers many documents and
// several rule sets, so the output is a container holding one svrl:schematron-output per
// (document, rule set). docs/validate.md describes the shape for users.
#pragma once

#include "formats/render.hpp"

#include <ostream>
#include <string_view>

namespace healthdoc::formats {

inline constexpr std::string_view k_svrl_namespace = "http://purl.oclc.org/dsdl/svrl";
// The namespace of the container element and of the attributes healthdoc adds to SVRL elements.
inline constexpr std::string_view k_svrl_healthdoc_namespace = "urn:healthdoc:svrl";

// Writes the run as an XML document (UTF-8, indented):
//   <healthdoc:svrl-reports command version> holding
//   - when the run has run-level findings, one svrl:schematron-output without healthdoc:document;
//   - per document, in order: one svrl:schematron-output (title "healthdoc <command>") for its
//     findings that come from no rule-language check (schema errors, built-in rules), written
//     even when empty so every document appears; then one per rule set its check findings name
//     (RuleCheck::rule_set), in first-seen order, with @title, @schemaVersion and @phase when
//     known, healthdoc:rule-set and healthdoc:document.
// A check finding is an svrl:failed-assert (an assertion) or svrl:successful-report (a report)
// with @test, @id, @role, @flag, @see (when set) and @location (location.path), one
// svrl:diagnostic-reference per note, then svrl:text; an svrl:active-pattern (@id = its group)
// opens each run of findings of one group. Any other finding is an svrl:failed-assert with
// @id = the rule id, @role = the severity, @location = location.path ("/" when unknown), no @test
// (there is no expression), and its message as svrl:text. Every finding also carries
// healthdoc:rule, healthdoc:severity, healthdoc:line and healthdoc:column (when known) and
// healthdoc:file when it is about another file than its document. Text is sanitised as in
// sanitize_line. Never throws on bad input.
void render_svrl(const RunReport& run, const RenderOptions& options, std::ostream& out);

} // namespace healthdoc::formats
