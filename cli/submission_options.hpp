// Options that describe a submission rather than a document (the XDS submission set's sourceId
// and contentTypeCode), shared by `push` and `convert --to mhd|xds`.
#pragma once

#include "push/transport.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace healthdoc::cli {

struct SubmissionOptions {
    std::string source_id;
    std::string content_type_code;
    std::string content_type_system = "1.2.250.1.213.1.1.4.1"; // the system the DMP's examples use
    std::string class_code;                                    // TRE_A03-ClasseDocument
    std::string format_code;                                   // IHE / ANS formatCode URN
    std::string facility_type;                                 // JDV_J02 code, or SYSTEM|CODE
    std::string practice_setting;                              // JDV_J04 code, or SYSTEM|CODE
};

void add_submission_options(CLI::App& command, SubmissionOptions& options);

// The transport settings these options give (a machine-derived sourceId when none is given).
// Throws UsageError when --facility-type or --practice-setting names a code its value set lacks.
push::TransportSettings transport_settings(const SubmissionOptions& options, const std::string& endpoint);

} // namespace healthdoc::cli
