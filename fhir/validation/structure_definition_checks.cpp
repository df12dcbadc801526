// StructureDefinition rules of the reference validator (StructureDefinitionValidator): the type
// a new structure defines, the element paths of its differential and snapshot, a differential
// that applies to its base, and fixed values that keep to the ones the base fixes.
#include "fhir/fhirpath/errors.hpp"
#include "fhir/fhirpath/expression.hpp"
#include "fhir/validation/conformance_resources.hpp"
#include "fhir/validation/json_members.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

constexpr const char* core_prefix = "http://hl7.org/fhir/StructureDefinition/";

const json* elements_of(const json& definition, const char* part) {
    auto found = definition.find(part);
    if (found == definition.end() || !found->is_object()) return nullptr;
    auto elements = found->find("element");
    return elements != found->end() && elements->is_array() ? &*elements : nullptr;
}

bool is_absolute(const std::string& url) { return url.find(':') != std::string::npos; }

// The name element paths start with: the type itself, or the last segment of a logical
// model's type URL.
std::string path_root_of(const std::string& type) {
    if (!is_absolute(type)) return type;
    return type.substr(type.find_last_of('/') + 1);
}

// A new type (a specialization) that is not a core type must be named by an absolute URL.
void check_type_name(Run& run, const json& definition, const std::string& type, const std::string& path) {
    if (type.empty() || is_absolute(type) || text_of(definition, "derivation") != "specialization") return;
    if (text_of(definition, "url") == core_prefix + type) return;
    if (run.definitions.find("StructureDefinition", core_prefix + type)) return;
    auto at = definition.find("type");
    run.report(Severity::error, "fhir.conformance.sd-type-not-local",
               "The type " + type +
                   " is not legal because it is not defined in the FHIR specification; other types must have a "
                   "namespace on them.",
               path + ".type", &*at);
}

// A specialization defines a new type: it cannot be the type of the structure it specialises.
void check_specialised_type(Run& run, const json& definition, const json* base, const std::string& type,
                            const std::string& path) {
    if (!base || type.empty() || text_of(definition, "derivation") != "specialization") return;
    if (text_of(*base, "type") != type) return;
    run.report(Severity::error, "fhir.conformance.sd-specialised-same-type",
               "The type " + type + " must not be the same as the type in the base structure " +
                   text_of(definition, "baseDefinition") + " that is being specialised.",
               path, &definition);
}

void check_paths(Run& run, const json& definition, const std::string& type, const std::string& path) {
    if (type.empty()) return;
    const std::string root = path_root_of(type);
    for (const char* part : {"differential", "snapshot"}) {
        const json* elements = elements_of(definition, part);
        if (!elements) continue;
        for (std::size_t i = 0; i < elements->size(); ++i) {
            const std::string element_path = text_of((*elements)[i], "path");
            if (element_path.empty() || element_path == root || element_path.rfind(root + ".", 0) == 0) continue;
            run.report(Severity::error, "fhir.conformance.sd-path-type",
                       "The path " + element_path + " must start with the type of the structure " + root + ".",
                       path + "." + part + ".element[" + std::to_string(i) + "]", &(*elements)[i]);
        }
    }
}

// Where a walk down an element path stands: the type-model path the next segment is looked
// up under ("Observation.component", "Quantity").
std::optional<std::string> next_scope(const fhirpath::TypeProvider& types, const std::string& scope,
                                      const std::string& segment) {
    const std::string name = segment.size() > 3 && segment.compare(segment.size() - 3, 3, "[x]") == 0
                                 ? segment.substr(0, segment.size() - 3)
                                 : segment;
    const fhirpath::ElementInfo* element = types.find_element(scope + "." + name);
    std::string chosen; // the type a choice element's renamed path names ("valueQuantity")
    if (element && element->is_choice && name == segment) return std::nullopt; // "value" for "value[x]"
    if (!element) {
        // A choice element renamed for one of its types: "valueQuantity" for "value[x]".
        for (std::size_t cut = 1; cut < name.size() && !element; ++cut) {
            if (!(name[cut] >= 'A' && name[cut] <= 'Z')) continue;
            const fhirpath::ElementInfo* candidate = types.find_element(scope + "." + name.substr(0, cut));
            if (!candidate || !candidate->is_choice) continue;
            const std::string type = fhirpath::choice_suffix_type(name.substr(cut));
            if (std::find(candidate->types.begin(), candidate->types.end(), type) == candidate->types.end()) continue;
            element = candidate;
            chosen = type;
        }
        if (!element) return std::nullopt;
    }
    if (!element->content_reference.empty()) {
        const std::string& target = element->content_reference;
        return target[0] == '#' ? target.substr(1) : target;
    }
    if (!chosen.empty()) return chosen;
    if (element->types.size() == 1) {
        const std::string& type = element->types.front();
        if (type == "BackboneElement" || type == "Element") return scope + "." + name;
        return type;
    }
    return scope + "." + name; // a choice kept whole: its common children (id, extension)
}

// True when the differential element path names an element of the type model under `type`.
bool is_known_path(const fhirpath::TypeProvider& types, const std::string& type, const std::string& element_path) {
    std::string scope = type;
    std::size_t start = type.size() + 1;
    for (int depth = 0; start <= element_path.size() && depth < 64; ++depth) {
        const std::size_t dot = element_path.find('.', start);
        const std::string segment = element_path.substr(start, dot == std::string::npos ? dot : dot - start);
        auto next = next_scope(types, scope, segment);
        if (!next) return false;
        if (dot == std::string::npos) return true;
        scope = *next;
        start = dot + 1;
    }
    return true;
}

// What stops the reference validator's snapshot generation on a constraint's differential
// (it stops at the first problem): slicing at the root, a path that is not an element of the
// base type, an unknown discriminator type.
std::optional<std::string> snapshot_problem(Run& run, const json& differential, const std::string& type) {
    const fhirpath::TypeProvider& types = run.definitions.types();
    const bool known_type = types.find_type(type) != nullptr;
    static const std::set<std::string> discriminator_types = {"value", "exists", "pattern", "type", "profile"};
    for (const auto& element : differential) {
        const std::string element_path = text_of(element, "path");
        if (element_path == type && element.contains("slicing"))
            return "the profile has slicing at the root ('" + type + "'), which is illegal.";
        if (known_type && element_path.rfind(type + ".", 0) == 0 && !is_known_path(types, type, element_path))
            return "the differential element path " + element_path + " is not an element of " + type + ".";
        auto slicing = element.find("slicing");
        if (slicing == element.end() || !slicing->is_object()) continue;
        auto discriminators = slicing->find("discriminator");
        if (discriminators == slicing->end() || !discriminators->is_array()) continue;
        for (const auto& discriminator : *discriminators) {
            const std::string kind = text_of(discriminator, "type");
            if (!kind.empty() && !discriminator_types.count(kind)) return "unknown discriminator type '" + kind + "'.";
        }
    }
    return std::nullopt;
}

void check_differential(Run& run, const json& definition, const std::string& type, const std::string& path) {
    const json* differential = elements_of(definition, "differential");
    if (!differential || text_of(definition, "derivation") != "constraint" || type.empty() || is_absolute(type)) return;
    for (std::size_t i = 0; i < differential->size(); ++i)
        if (text_of((*differential)[i], "path") == type && (*differential)[i].contains("slicing"))
            run.report(Severity::error, "fhir.conformance.sd-root-slicing",
                       "Slicing is not allowed at the root of a profile.",
                       path + ".differential.element[" + std::to_string(i) + "]", &(*differential)[i]);
    if (auto problem = snapshot_problem(run, *differential, type))
        run.report(Severity::error, "fhir.conformance.sd-snapshot-error", "Error generating the snapshot: " + *problem,
                   path, &definition);
}

// Every constraint expression of the differential and snapshot must compile.
void check_constraint_expressions(Run& run, const json& definition, const std::string& path) {
    for (const char* part : {"differential", "snapshot"}) {
        const json* elements = elements_of(definition, part);
        if (!elements) continue;
        for (std::size_t i = 0; i < elements->size(); ++i) {
            auto constraints = (*elements)[i].find("constraint");
            if (constraints == (*elements)[i].end() || !constraints->is_array()) continue;
            for (std::size_t c = 0; c < constraints->size(); ++c) {
                const json& constraint = (*constraints)[c];
                auto expression = constraint.is_object() ? constraint.find("expression") : constraint.end();
                if (!constraint.is_object() || expression == constraint.end() || !expression->is_string()) continue;
                try {
                    fhirpath::parse(expression->get<std::string>());
                } catch (const fhirpath::FhirPathError& error) {
                    run.report(Severity::error, "fhir.conformance.sd-constraint-expression",
                               "Error in constraint '" + text_of(constraint, "key") + "' with expression '" +
                                   expression->get<std::string>() + "': " + error.what(),
                               path + "." + part + ".element[" + std::to_string(i) + "].constraint[" +
                                   std::to_string(c) + "].expression",
                               &*expression);
                }
            }
        }
    }
}

// The fixed[x] member of an element definition: its name and value.
std::pair<std::string, const json*> fixed_of(const json& element, const char* prefix) {
    if (!element.is_object()) return {};
    const std::string_view wanted(prefix);
    for (auto it = element.begin(); it != element.end(); ++it)
        if (it.key().size() > wanted.size() && it.key().compare(0, wanted.size(), wanted) == 0 &&
            it.key()[wanted.size()] >= 'A' && it.key()[wanted.size()] <= 'Z')
            return {it.key(), &it.value()};
    return {};
}

std::string shown(const json& value) {
    if (value.is_string()) return "'" + value.get<std::string>() + "'";
    std::string text = value.dump();
    return text.size() > 200 ? "a different value" : text;
}

// A constraint may fix what its base leaves open, never change what the base fixes.
void check_fixed_against_base(Run& run, const json& definition, const json* base, const std::string& path) {
    const json* differential = elements_of(definition, "differential");
    if (!base || !differential || text_of(definition, "derivation") != "constraint") return;
    const json* base_elements = elements_of(*base, "snapshot");
    if (!base_elements) return;
    std::map<std::string, const json*> by_id;
    for (const auto& element : *base_elements) {
        std::string id = text_of(element, "id");
        if (id.empty()) id = text_of(element, "path");
        if (!id.empty()) by_id.emplace(id, &element);
    }
    const std::string base_url = text_of(definition, "baseDefinition");
    for (std::size_t i = 0; i < differential->size(); ++i) {
        const json& element = (*differential)[i];
        std::string id = text_of(element, "id");
        if (id.empty()) id = text_of(element, "path");
        auto found = by_id.find(id);
        if (found == by_id.end()) continue;
        const auto [name, value] = fixed_of(element, "fixed");
        if (!value) continue;
        const auto [base_name, base_value] = fixed_of(*found->second, "fixed");
        const std::string at = path + ".differential.element[" + std::to_string(i) + "]." + name;
        if (base_value && (base_name != name || *base_value != *value)) {
            run.report(Severity::error, "fhir.conformance.sd-fixed-differs-from-base",
                       "Value is " + shown(*value) + " but is fixed to " + shown(*base_value) +
                           " in the base definition " + base_url + ", which it must match.",
                       at, value);
            continue;
        }
        const auto [pattern_name, pattern] = fixed_of(*found->second, "pattern");
        if (pattern && (pattern_name.substr(7) != name.substr(5) || !matches_pattern(*value, *pattern)))
            run.report(Severity::error, "fhir.conformance.sd-fixed-differs-from-base",
                       "Value is " + shown(*value) + " but it must match the pattern " + shown(*pattern) +
                           " of the base definition " + base_url + ".",
                       at, value);
    }
}

} // namespace

void check_structure_definition(Run& run, const json& definition, const std::string& path) {
    const std::string type = text_of(definition, "type");
    const std::string base_url = text_of(definition, "baseDefinition");
    const json* base = nullptr;
    if (!base_url.empty() && base_url != text_of(definition, "url"))
        base = run.definitions.structure_definition(base_url);
    if (!base_url.empty() && !base)
        run.report(Severity::warning, "fhir.conformance.sd-base-not-found",
                   "Unable to find base " + base_url + " for StructureDefinition, so can't check the differential.",
                   path, &definition);
    check_type_name(run, definition, type, path);
    check_specialised_type(run, definition, base, type, path);
    check_paths(run, definition, type, path);
    check_differential(run, definition, type, path);
    check_fixed_against_base(run, definition, base, path);
    check_constraint_expressions(run, definition, path);
}

} // namespace healthdoc::fhir::validation
