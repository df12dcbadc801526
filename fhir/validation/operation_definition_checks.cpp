// OperationDefinition rules of the reference validator (OperationDefinitionValidator): the
// Parameters profiles an operation names as inputProfile / outputProfile agree with its own
// parameter list (names, cardinality, types, target profiles).
#include "fhir/validation/conformance_resources.hpp"
#include "fhir/validation/json_members.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

// Beyond this many types an element's type list is the unconstrained one of Parameters.
constexpr std::size_t unconstrained_types = 10;

std::string joined(const std::set<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? "(none)" : out;
}

// max "0" (also written as a number, which the reference validator reads the same way).
bool is_prohibited(const json& element) {
    auto max = element.find("max");
    if (max == element.end()) return false;
    return (max->is_string() && *max == "0") || (max->is_number_integer() && *max == 0);
}

// One parameter as a profile on Parameters defines it (a slice of Parameters.parameter).
struct ProfiledParameter {
    int min = 0;
    std::string max = "*";
    std::set<std::string> types, target_profiles;
    bool any_type = false;
};

std::map<std::string, ProfiledParameter> parameters_of(const json& profile) {
    std::map<std::string, ProfiledParameter> out;
    auto snapshot = profile.find("snapshot");
    if (snapshot == profile.end() || !snapshot->is_object() || !snapshot->contains("element")) return out;
    const json& elements = (*snapshot)["element"];
    if (!elements.is_array()) return out;
    std::map<std::string, const json*> by_id;
    for (const auto& element : elements)
        if (const std::string id = text_of(element, "id"); !id.empty()) by_id.emplace(id, &element);
    auto element_of = [&](const std::string& id) -> const json* {
        auto found = by_id.find(id);
        return found == by_id.end() ? nullptr : found->second;
    };
    for (const auto& element : elements) {
        if (text_of(element, "path") != "Parameters.parameter" || text_of(element, "sliceName").empty()) continue;
        const std::string id = text_of(element, "id");
        if (id.find(':') == std::string::npos || id.find('.', id.find(':')) != std::string::npos) continue;
        const json* name_element = element_of(id + ".name");
        if (!name_element) continue;
        std::string name = text_of(*name_element, "fixedString");
        if (name.empty()) name = text_of(*name_element, "patternString");
        if (name.empty()) continue;
        ProfiledParameter parameter;
        if (auto min = element.find("min"); min != element.end() && min->is_number_integer()) parameter.min = *min;
        if (const std::string max = text_of(element, "max"); !max.empty()) parameter.max = max;
        for (const char* part : {".value[x]", ".resource"}) {
            const json* typed = element_of(id + part);
            if (!typed || is_prohibited(*typed)) continue;
            auto types = typed->find("type");
            if (types == typed->end() || !types->is_array()) continue;
            if (types->size() > unconstrained_types) parameter.any_type = true;
            for (const auto& type : *types) {
                if (const std::string code = text_of(type, "code"); !code.empty()) parameter.types.insert(code);
                if (auto targets = type.find("targetProfile"); targets != type.end() && targets->is_array())
                    for (const auto& target : *targets)
                        if (target.is_string()) parameter.target_profiles.insert(target.get<std::string>());
            }
        }
        out.emplace(name, std::move(parameter));
    }
    return out;
}

void check_profile(Run& run, const json& operation, const char* key, const std::string& use, const std::string& path) {
    auto at = operation.find(key);
    if (at == operation.end() || !at->is_string()) return;
    const std::string url = at->get<std::string>();
    const json* profile = run.definitions.structure_definition(url);
    if (!profile || text_of(*profile, "type") != "Parameters") return;
    std::string profile_name = text_of(*profile, "url");
    if (const std::string version = text_of(*profile, "version"); !version.empty()) profile_name += "|" + version;
    const auto profiled = parameters_of(*profile);
    const std::string profile_path = path + "." + key;

    std::set<std::string> listed;
    auto parameters = operation.find("parameter");
    if (parameters != operation.end() && parameters->is_array())
        for (std::size_t i = 0; i < parameters->size(); ++i) {
            const json& parameter = (*parameters)[i];
            if (text_of(parameter, "use") != use) continue;
            const std::string name = text_of(parameter, "name");
            if (name.empty()) continue;
            listed.insert(name);
            const std::string at_parameter = profile_path + ".parameter[" + std::to_string(i) + "]";
            auto found = profiled.find(name);
            if (found == profiled.end()) {
                run.report(Severity::warning, "fhir.conformance.opdef-profile-parameter-missing",
                           "The '" + use + "' profile does not have a parameter '" + name +
                               "' but it is in the parameters list in the operation definition.",
                           at_parameter, &parameter);
                continue;
            }
            const ProfiledParameter& in_profile = found->second;
            if (auto min = parameter.find("min");
                min != parameter.end() && min->is_number_integer() && min->get<int>() != in_profile.min)
                run.report(Severity::error, "fhir.conformance.opdef-profile-cardinality",
                           "The parameter '" + name + "' has a value for 'min' of '" + std::to_string(in_profile.min) +
                               "' in the '" + use + "' profile that is different to '" +
                               std::to_string(min->get<int>()) +
                               "' which is the value in the parameter definition in the operation definition.",
                           at_parameter, &parameter);
            if (const std::string max = text_of(parameter, "max"); !max.empty() && max != in_profile.max)
                run.report(Severity::error, "fhir.conformance.opdef-profile-cardinality",
                           "The parameter '" + name + "' has a value for 'max' of '" + in_profile.max + "' in the '" +
                               use + "' profile that is different to '" + max +
                               "' which is the value in the parameter definition in the operation definition.",
                           at_parameter, &parameter);
            std::set<std::string> types, targets;
            if (const std::string type = text_of(parameter, "type"); !type.empty()) types.insert(type);
            if (auto list = parameter.find("targetProfile"); list != parameter.end() && list->is_array())
                for (const auto& target : *list)
                    if (target.is_string()) targets.insert(target.get<std::string>());
            if (!types.empty() && !in_profile.any_type) {
                for (const auto& type : in_profile.types)
                    if (!types.count(type))
                        run.report(Severity::error, "fhir.conformance.opdef-profile-type",
                                   "The type '" + type + "' is allowed for the parameter '" + name + "' in the '" +
                                       use + "' profile " + profile_name +
                                       " but is not in the list of allowed types for the parameter in the operation "
                                       "definition: " +
                                       joined(types) + ".",
                                   at_parameter, &parameter);
                for (const auto& type : types)
                    if (!in_profile.types.count(type))
                        run.report(Severity::error, "fhir.conformance.opdef-profile-type",
                                   "The type '" + type + "' is not allowed for the parameter '" + name + "' in the '" +
                                       use + "' profile " + profile_name +
                                       " but is in the list of allowed types for the parameter in the operation "
                                       "definition (allowed types = " +
                                       joined(in_profile.types) + ").",
                                   at_parameter, &parameter);
            }
            for (const auto& target : in_profile.target_profiles)
                if (!targets.count(target))
                    run.report(Severity::error, "fhir.conformance.opdef-profile-target",
                               "The target profile '" + target + "' is allowed for the parameter '" + name +
                                   "' in the '" + use + "' profile " + profile_name +
                                   " but is not in the list of target profiles for the parameter in the operation "
                                   "definition: " +
                                   joined(targets) + ".",
                               at_parameter, &parameter);
            for (const auto& target : targets)
                if (!in_profile.target_profiles.count(target))
                    run.report(Severity::error, "fhir.conformance.opdef-profile-target",
                               "The target profile '" + target + "' is not allowed for the parameter '" + name +
                                   "' in the '" + use + "' profile " + profile_name +
                                   " but is in the list of target profiles for the parameter in the operation "
                                   "definition (profile target profiles = " +
                                   joined(in_profile.target_profiles) + ").",
                               at_parameter, &parameter);
        }
    for (const auto& [name, parameter] : profiled)
        if (!listed.count(name))
            run.report(Severity::warning, "fhir.conformance.opdef-profile-parameter-extra",
                       "The '" + use + "' profile " + profile_name + " defines a parameter '" + name +
                           "' but this is not in the parameters list in the operation definition.",
                       profile_path, &*at);
}

} // namespace

void check_operation_definition(Run& run, const json& operation, const std::string& path) {
    check_profile(run, operation, "inputProfile", "in", path);
    check_profile(run, operation, "outputProfile", "out", path);
}

} // namespace healthdoc::fhir::validation
