#include "cli/submission_options.hpp"

#include "formats/ids.hpp"

#include <unistd.h>

namespace healthdoc::cli {
namespace {

// A stable sourceId for this machine when none is given: an OID under 2.25 (UUID-based OIDs,
// ITU-T X.667) from a name-based UUID of the host name.
std::string default_source_id() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return formats::uuid_to_oid(formats::name_based_uuid(std::string("healthdoc-source:") + host));
}

} // namespace

void add_submission_options(CLI::App& command, SubmissionOptions& options) {
    command.add_option("--source-id", options.source_id,
                       "Submission set sourceId (an OID); default: one derived from this machine's name");
    command.add_option("--content-type-code", options.content_type_code,
                       "Submission set contentTypeCode (JDV_J59-ContentTypeCode-DMP): the activity that led to the "
                       "submission (required by the DMP)");
    command.add_option("--class-code", options.class_code,
                       "classCode (TRE_A03-ClasseDocument) to use when it cannot be derived from the type code (the "
                       "ANS table ASS_X04 is not built in)");
    command.add_option(
        "--format-code", options.format_code,
        "formatCode of a structured document (e.g. urn:ihe:pcc:xds-ms:2007), which the ANS table ASS_A11 "
        "(not built in) derives from the model's template id; N1 documents have theirs");
    command
        .add_option("--content-type-system", options.content_type_system, "Code system (OID) of --content-type-code")
        ->capture_default_str();
}

push::TransportSettings transport_settings(const SubmissionOptions& options, const std::string& endpoint) {
    push::TransportSettings settings;
    settings.endpoint = endpoint;
    settings.source_id = options.source_id.empty() ? default_source_id() : options.source_id;
    settings.content_type_code = {options.content_type_code, options.content_type_system, ""};
    if (!options.class_code.empty()) settings.class_code = {options.class_code, "1.2.250.1.213.1.1.4.1", ""};
    if (!options.format_code.empty()) settings.format_code = {options.format_code, "1.3.6.1.4.1.19376.1.2.3", ""};
    return settings;
}

} // namespace healthdoc::cli
