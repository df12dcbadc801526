// What the options ask of references beyond the targets the document holds: the reference
// validator's reference policy (CHECK_EXISTS, CHECK_EXISTS_AND_TYPE) and assumeValidRestReferences,
// offline. Nothing is fetched: a target exists when the document holds it (a Bundle entry, a
// contained resource, the resource of another parameter of the same Parameters).
#include "fhir/validation/json_members.hpp"
#include "fhir/validation/run.hpp"

#include <algorithm>
#include <string_view>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

// The parameters of a Parameters and their parts, in document order, depth-bounded.
const json* find_in_parameters(const json& parameters, const std::string& type_id, int depth) {
    auto list = parameters.find(depth == 0 ? "parameter" : "part");
    if (list == parameters.end() || !list->is_array() || depth > 16) return nullptr;
    for (const auto& parameter : *list) {
        if (!parameter.is_object()) continue;
        if (auto resource = parameter.find("resource"); resource != parameter.end() && resource->is_object()) {
            const std::string type = text_of(*resource, "resourceType");
            const std::string id = text_of(*resource, "id");
            if (!type.empty() && !id.empty() && type + "/" + id == type_id) return &*resource;
        }
        if (const json* found = find_in_parameters(parameter, type_id, depth + 1)) return found;
    }
    return nullptr;
}

// The resource type a URL names as [base/]Type/id[/_history/v], as the reference validator reads
// it (the segment before the id, when it is a resource type); empty otherwise.
std::string implied_type(const Run& run, const std::string& reference) {
    std::vector<std::string_view> parts;
    std::string_view rest = reference;
    for (std::size_t start = 0;;) {
        auto slash = rest.find('/', start);
        parts.push_back(rest.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    if (parts.size() < 2) return {};
    std::size_t at = parts.size() - 2;
    if (parts.size() >= 4 && parts[parts.size() - 2] == "_history") at = parts.size() - 4;
    const std::string type(parts[at]);
    const auto* info = run.definitions.types().find_type(type);
    return info && info->kind == fhirpath::TypeKind::resource ? type : std::string();
}

// The resource types the element's Reference targets allow; empty when any is.
std::vector<std::string> allowed_types(const Run& run, const ElementDef& element) {
    std::vector<std::string> types;
    const std::string core = "http://hl7.org/fhir/StructureDefinition/";
    for (const auto& t : element.types) {
        if (t.code != "Reference") continue;
        for (const auto& url : t.target_profiles) {
            std::string type;
            if (url.rfind(core, 0) == 0 && url.find('/', core.size()) == std::string::npos)
                type = url.substr(core.size());
            else if (auto profile = run.profiles.get(url))
                type = profile->type;
            if (type.empty() || type == "Resource" || type == "DomainResource") return {};
            types.push_back(type);
        }
    }
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    return types;
}

} // namespace

const json* resolve_in_parameters(const ResourceFrame& frame, const std::string& reference) {
    const json* outer = frame.bundle ? frame.bundle : frame.root;
    if (!outer || !outer->is_object() || text_of(*outer, "resourceType") != "Parameters") return nullptr;
    if (reference.empty() || reference[0] == '#' || reference.find(':') != std::string::npos) return nullptr;
    std::string type_id = reference.substr(0, reference.find("/_history/"));
    if (std::count(type_id.begin(), type_id.end(), '/') != 1) return nullptr;
    return find_in_parameters(*outer, type_id, 0);
}

void check_reference_policy(Run& run, const ElementDef& element, const Item& item, const std::string& reference,
                            const json* target) {
    if (!run.options || target || reference.empty() || reference[0] == '#') return;
    const auto policy = run.options->references;
    const bool assume_rest = run.options->assume_valid_rest_references;
    if (policy == ReferenceChecking::found_targets && !assume_rest) return;
    const bool restful = is_restful_url(run, reference);
    if (policy != ReferenceChecking::found_targets && !(assume_rest && restful) &&
        !(run.allow_example_urls && is_example_url(reference)))
        run.report(Severity::error, "fhir.reference.not-found",
                   "Unable to resolve resource with reference '" + reference + "'.", item.path, item.anchor);
    if (policy != ReferenceChecking::exists_and_type && !assume_rest) return;
    const std::string type = implied_type(run, reference);
    if (type.empty()) return;
    const auto allowed = allowed_types(run, element);
    if (allowed.empty() || std::find(allowed.begin(), allowed.end(), type) != allowed.end()) return;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    run.report(Severity::error, "fhir.reference.wrong-target",
               "The type '" + type + "' implied by the reference URL " + reference +
                   " is not a valid target for this element (must be one of " + list + ").",
               item.path, item.anchor);
}

} // namespace healthdoc::fhir::validation
