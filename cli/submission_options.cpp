#include "cli/submission_options.hpp"

#include "cda/code_systems.hpp"
#include "cda/value_sets.hpp"
#include "formats/errors.hpp"
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

// A code given as "CODE" (looked up in the built-in value set `value_set_oid` for its system and
// display name) or as "SYSTEM|CODE" (taken as it is).
cda::XdsCode coded_option(const std::string& option, const std::string& given, const char* value_set_oid) {
    if (auto bar = given.find('|'); bar != std::string::npos)
        return {given.substr(bar + 1), cda::oid_of_system(given.substr(0, bar)), ""};
    static const cda::ValueSets k_builtin = cda::ValueSets::builtin();
    const auto* set = k_builtin.find(value_set_oid);
    const auto* concept_ = set ? set->find_code(given) : nullptr;
    if (!concept_)
        throw UsageError(option + " '" + given + "' is not a code of " +
                         (set ? set->name() : std::string("its value set")) +
                         "; give it as SYSTEM|CODE to use a code from elsewhere");
    return {concept_->code, concept_->code_system, concept_->display_name};
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
    command.add_option("--facility-type", options.facility_type,
                       "healthcareFacilityTypeCode (JDV_J02, e.g. SA07, or SYSTEM|CODE) when the document has none "
                       "(a FHIR document names it only through its Encounter's Location)");
    command.add_option("--practice-setting", options.practice_setting,
                       "practiceSettingCode (JDV_J04, e.g. AMBULATOIRE, or SYSTEM|CODE) when the document has none "
                       "(no FHIR document element carries it)");
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
    if (!options.facility_type.empty())
        settings.facility_type =
            coded_option("--facility-type", options.facility_type, cda::value_set_oid::facility_type);
    if (!options.practice_setting.empty())
        settings.practice_setting =
            coded_option("--practice-setting", options.practice_setting, cda::value_set_oid::practice_setting);
    return settings;
}

} // namespace healthdoc::cli
