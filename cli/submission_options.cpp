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
    command
        .add_option("--content-type-system", options.content_type_system, "Code system (OID) of --content-type-code")
        ->capture_default_str();
}

push::TransportSettings transport_settings(const SubmissionOptions& options, const std::string& endpoint) {
    push::TransportSettings settings;
    settings.endpoint = endpoint;
    settings.source_id = options.source_id.empty() ? default_source_id() : options.source_id;
    settings.content_type_code = {options.content_type_code, options.content_type_system, ""};
    return settings;
}

} // namespace healthdoc::cli
