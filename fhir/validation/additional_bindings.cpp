// Additional bindings (R5 ElementDefinition.binding.additional, carried in R4 profiles by the
// extension-ElementDefinition.binding.additional extension or the tools additional-binding
// extension on ElementDefinition.binding): a code must also come from each additional value set
// whose purpose is required, maximum or current (error), or extensible (warning). Bindings
// restricted to a usage context are skipped (no context is given to the validator), as are
// the purposes that do not constrain a single instance (minimum, preferred, ui, starter...).
#include "fhir/validation/json_members.hpp"
#include "fhir/validation/run.hpp"

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

constexpr std::string_view k_additional_r5 =
    "http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.binding.additional";
constexpr std::string_view k_additional_tools = "http://hl7.org/fhir/tools/StructureDefinition/additional-binding";

struct AdditionalBinding {
    std::string purpose;
    std::string value_set;
    bool has_usage = false;
};

AdditionalBinding read_binding(const json& extension) {
    AdditionalBinding binding;
    auto parts = extension.find("extension");
    if (parts == extension.end() || !parts->is_array()) return binding;
    for (const auto& part : *parts) {
        const std::string name = text_of(part, "url");
        if (name == "purpose")
            binding.purpose = text_of(part, "valueCode");
        else if (name == "valueSet")
            binding.value_set = text_of(part, "valueCanonical");
        else if (name == "usage")
            binding.has_usage = true;
    }
    return binding;
}

// (system, code) pairs of a coded value; empty when it has no code to check.
std::vector<std::pair<std::string, std::string>> codes_of(const Item& item) {
    std::vector<std::pair<std::string, std::string>> codes;
    if (!item.value) return codes;
    const json& value = *item.value;
    const std::string& type = item.type;
    if (type == "code" || type == "string" || type == "uri") {
        if (value.is_string()) codes.emplace_back("", value.get<std::string>());
    } else if (type == "Coding" || type == "Quantity") {
        const std::string code = text_of(value, "code");
        if (!code.empty()) codes.emplace_back(text_of(value, "system"), code);
    } else if (type == "CodeableConcept" && value.is_object()) {
        auto codings = value.find("coding");
        if (codings != value.end() && codings->is_array())
            for (const auto& coding : *codings) {
                const std::string code = text_of(coding, "code");
                if (!code.empty()) codes.emplace_back(text_of(coding, "system"), code);
            }
    }
    return codes;
}

} // namespace

void check_additional_bindings(Run& run, const json& binding_extensions, const Item& item) {
    for (const auto& extension : binding_extensions) {
        const std::string url = text_of(extension, "url");
        if (url != k_additional_r5 && url != k_additional_tools) continue;
        const AdditionalBinding binding = read_binding(extension);
        const bool must = binding.purpose == "required" || binding.purpose == "maximum" || binding.purpose == "current";
        const bool should = binding.purpose == "extensible";
        if ((!must && !should) || binding.value_set.empty() || binding.has_usage) continue;
        const auto codes = codes_of(item);
        if (codes.empty()) continue;
        bool unknown = false;
        bool member = false;
        std::string reason;
        for (const auto& [system, code] : codes) {
            const CodeCheck check = run.terminology.check(binding.value_set, system, code);
            if (check.membership == Membership::member) member = true;
            if (check.membership == Membership::unknown) {
                unknown = true;
                reason = check.reason;
            }
        }
        if (member) continue;
        if (unknown) {
            if (run.once.first("not-expandable|" + binding.value_set))
                run.report(Severity::information, "fhir.terminology.not-expandable",
                           reason.empty() ? "The value set " + binding.value_set +
                                                " cannot be expanded offline; codes bound to it were not checked."
                                          : reason,
                           item.path, item.anchor);
            continue;
        }
        const std::string subject =
            codes.size() == 1 ? "The code '" + codes.front().second + "' is" : std::string("None of the codes are");
        if (must)
            run.report(Severity::error, "fhir.binding.additional-required",
                       subject + " not in the value set " + binding.value_set +
                           " of an additional binding, which requires a code from it (purpose " + binding.purpose +
                           ").",
                       item.path, item.anchor);
        else
            run.report(Severity::warning, "fhir.binding.additional-extensible",
                       subject + " not in the value set " + binding.value_set +
                           " of an additional binding, which asks for a code from it where one fits.",
                       item.path, item.anchor);
    }
}

} // namespace healthdoc::fhir::validation
