// What a run produced, per document, ready for a renderer: the document's name and kind,
// its findings, optional details (inspect metadata, push outcome) and timing.
#pragma once

#include "formats/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace healthdoc::formats {

struct DocumentReport {
    std::string file;        // as the user named it ("-" for stdin)
    std::string kind;        // to_string(Format), e.g. "cda", "fhir-json"; empty when unknown
    Diagnostics diagnostics;
    nlohmann::ordered_json details = nlohmann::ordered_json::object(); // subcommand-specific facts
    double seconds = 0.0;    // time spent on this document
    bool unreadable = false; // the input could not be read or recognised (exit code 2)
};

struct RunReport {
    std::string command;     // "validate", "inspect", "push"...
    std::vector<DocumentReport> documents;
    Diagnostics run_diagnostics; // about the run itself (a layer skipped, a pack missing), said once
    double seconds = 0.0;    // wall time of the whole run
};

// Counts over a whole run, for the summary line and the exit code.
struct RunTotals {
    std::size_t documents = 0;
    std::size_t fatals = 0;
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::size_t informations = 0;
    std::size_t unreadable = 0;
};
RunTotals totals(const RunReport& run);

} // namespace healthdoc::formats
