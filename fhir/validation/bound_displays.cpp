// Displays a bound value set gives a code. A Coding's display is checked against its code
// system; where the element is bound, the reference validator checks it against the value set,
// which may give the code other displays (its expansion's contains.display and designations, its
// compose concepts' display and designations). A resource is walked by its base definition and
// by each of its profiles, and a profile may bind where the base does not: so a wrong display is
// decided once the whole document is walked (deferred), accepted when any walk's binding gives it.
#include "fhir/validation/json_members.hpp"
#include "fhir/validation/run.hpp"

namespace healthdoc::fhir::validation {

using nlohmann::json;

namespace {

bool same_display(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// True when `concept_entry` (a contains or compose concept) gives `display` as its display or
// one of its designations.
bool gives_display(const json& concept_entry, const std::string& display) {
    if (same_display(text_of(concept_entry, "display"), display)) return true;
    if (auto designations = concept_entry.find("designation");
        designations != concept_entry.end() && designations->is_array())
        for (const auto& designation : *designations)
            if (designation.is_object() && same_display(text_of(designation, "value"), display)) return true;
    return false;
}

bool expansion_gives(const json& contains, const std::string& system, const std::string& code,
                     const std::string& display, int depth) {
    if (!contains.is_array() || depth > 32) return false;
    for (const auto& entry : contains) {
        if (!entry.is_object()) continue;
        if (text_of(entry, "code") == code && text_of(entry, "system") == system && gives_display(entry, display))
            return true;
        if (auto nested = entry.find("contains");
            nested != entry.end() && expansion_gives(*nested, system, code, display, depth + 1))
            return true;
    }
    return false;
}

bool value_set_gives(const json& value_set, const std::string& system, const std::string& code,
                     const std::string& display) {
    if (auto expansion = value_set.find("expansion"); expansion != value_set.end() && expansion->is_object())
        if (auto contains = expansion->find("contains");
            contains != expansion->end() && expansion_gives(*contains, system, code, display, 0))
            return true;
    auto compose = value_set.find("compose");
    if (compose == value_set.end() || !compose->is_object()) return false;
    auto includes = compose->find("include");
    if (includes == compose->end() || !includes->is_array()) return false;
    for (const auto& include : *includes) {
        if (!include.is_object() || text_of(include, "system") != system) continue;
        if (auto concepts = include.find("concept"); concepts != include.end() && concepts->is_array())
            for (const auto& concept_entry : *concepts)
                if (concept_entry.is_object() && text_of(concept_entry, "code") == code &&
                    gives_display(concept_entry, display))
                    return true;
    }
    return false;
}

// The ValueSet a binding names: "#id" among the profile's contained resources, else by its
// canonical URL (a "|version" suffix dropped).
const json* bound_value_set(const Run& run, const CompiledProfile& profile, const std::string& url) {
    if (url.empty()) return nullptr;
    if (url[0] == '#') {
        if (!profile.definition) return nullptr;
        auto contained = profile.definition->find("contained");
        if (contained == profile.definition->end() || !contained->is_array()) return nullptr;
        for (const auto& resource : *contained)
            if (resource.is_object() && text_of(resource, "resourceType") == "ValueSet" &&
                text_of(resource, "id") == url.substr(1))
                return &resource;
        return nullptr;
    }
    return run.definitions.find("ValueSet", url.substr(0, url.find('|')));
}

} // namespace

BoundValueSetScope::BoundValueSetScope(Run& run, const CompiledProfile& profile, const ElementDef& element,
                                       const std::string& type)
    : m_run(run) {
    if (!element.binding || (type != "CodeableConcept" && type != "Coding")) return;
    if (const json* value_set = bound_value_set(run, profile, element.binding->value_set)) {
        run.bound_value_sets.push_back(value_set);
        m_pushed = true;
    }
}

BoundValueSetScope::~BoundValueSetScope() {
    if (m_pushed) m_run.bound_value_sets.pop_back();
}

bool display_decided_by_binding(Run& run, const json& coding, const std::string& system, const std::string& code,
                                const std::string& display, const std::string& path) {
    for (const json* value_set : run.bound_value_sets)
        if (value_set_gives(*value_set, system, code, display)) {
            run.accepted_displays.insert(&coding);
            return true;
        }
    if (run.deciding_displays) return run.accepted_displays.count(&coding) > 0;
    if (run.deferred_displays.size() < 100000) run.deferred_displays.emplace_back(&coding, path);
    return true;
}

void report_deferred_displays(Run& run) {
    run.deciding_displays = true;
    std::set<const json*> done;
    for (const auto& [coding, path] : run.deferred_displays)
        if (!run.accepted_displays.count(coding) && done.insert(coding).second)
            check_coding_in_system(run, *coding, path);
    run.deferred_displays.clear();
    run.deciding_displays = false;
}

} // namespace healthdoc::fhir::validation
