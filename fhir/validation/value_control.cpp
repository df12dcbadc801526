// Rules of a constraint profile's element definitions that the compiled profile does not keep:
// those stated in extensions (the R5 value controls carried back to R4,
// extension-ElementDefinition.mustHaveValue and .valueAlternatives; the narrative language
// control, narrative_control.cpp; additional bindings, additional_bindings.cpp) and the
// aggregation modes of a Reference type (contained, bundled, referenced) inside a Bundle.
#include "fhir/validation/run.hpp"

#include <algorithm>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

constexpr std::string_view k_must_have_value_suffix = "ElementDefinition.mustHaveValue";
constexpr std::string_view k_value_alternatives_suffix = "ElementDefinition.valueAlternatives";

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string text_of(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The urls of the extensions a primitive's "_name" object carries.
std::vector<std::string> extension_urls(const Item& item) {
    std::vector<std::string> urls;
    if (!item.extras || !item.extras->is_object()) return urls;
    auto list = item.extras->find("extension");
    if (list == item.extras->end() || !list->is_array()) return urls;
    for (const auto& extension : *list)
        if (extension.is_object()) urls.push_back(text_of(extension, "url"));
    return urls;
}

// mustHaveValue: the primitive needs a value, extensions alone do not do; valueAlternatives:
// without a value, one of the listed extensions has to stand in for it.
void check_value_controls(Run& run, const CompiledProfile& profile, const ElementDef& element, const json& extensions,
                          const Item& item) {
    if (item.value || !fhirpath::is_fhir_primitive(item.type)) return;
    bool must_have_value = false;
    std::vector<std::string> alternatives;
    for (const auto& extension : extensions) {
        if (!extension.is_object()) continue;
        const std::string url = text_of(extension, "url");
        if (ends_with(url, k_must_have_value_suffix)) {
            auto flag = extension.find("valueBoolean");
            must_have_value = must_have_value || (flag != extension.end() && flag->is_boolean() && flag->get<bool>());
        } else if (ends_with(url, k_value_alternatives_suffix)) {
            const std::string alternative = text_of(extension, "valueCanonical");
            if (!alternative.empty()) alternatives.push_back(alternative.substr(0, alternative.find('|')));
        }
    }
    const std::string name = element.id.empty() ? element.path : element.id;
    if (must_have_value) {
        run.report(Severity::error, "fhir.profile.must-have-value",
                   "The element definition " + name + " in the profile " + profile.url +
                       " requires that a value be present in this element.",
                   item.path, item.anchor);
        return;
    }
    if (alternatives.empty()) return;
    for (const auto& url : extension_urls(item))
        for (const auto& alternative : alternatives)
            if (url == alternative) return;
    run.report(Severity::error, "fhir.profile.value-alternatives",
               "The element definition " + name + " in the profile " + profile.url +
                   " requires a value or one of the extensions it lists in its place.",
               item.path, item.anchor);
}

// In a Bundle, how a reference resolves (contained, bundled, or not at all) must be one of the
// aggregation modes its type lists: "referenced" admits references to resources outside the
// bundle (and bundled ones), "bundled" and "contained" require the target inside.
void check_aggregation(Run& run, const json& definition, const Item& item, const ResourceFrame& frame) {
    if (!frame.bundle_index || !item.value || !item.value->is_object()) return;
    const std::string reference = text_of(*item.value, "reference");
    if (reference.empty()) return;
    auto types = definition.find("type");
    if (types == definition.end() || !types->is_array()) return;
    std::vector<std::string> modes;
    for (const auto& type : *types) {
        if (!type.is_object() || text_of(type, "code") != "Reference") continue;
        auto aggregation = type.find("aggregation");
        if (aggregation == type.end() || !aggregation->is_array()) continue;
        for (const auto& mode : *aggregation)
            if (mode.is_string()) modes.push_back(mode.get<std::string>());
    }
    if (modes.empty()) return;
    auto allows = [&](std::string_view mode) { return std::find(modes.begin(), modes.end(), mode) != modes.end(); };
    std::string listed;
    for (const auto& mode : modes) listed += (listed.empty() ? "" : ", ") + mode;
    if (reference[0] == '#') {
        if (!allows("contained"))
            run.report(Severity::error, "fhir.reference.aggregation",
                       "The reference is to a contained resource, which the aggregation mode(s) of the reference (" +
                           listed + ") do not allow.",
                       item.path, item.anchor);
        return;
    }
    const BundleIndex& index = *frame.bundle_index;
    std::string from;
    if (auto found = index.full_url_of.find(frame.root); found != index.full_url_of.end()) from = found->second;
    const bool bundled = resolve_in_bundle(index, reference, from) != nullptr;
    if (bundled ? (allows("bundled") || allows("referenced")) : allows("referenced")) return;
    run.report(Severity::error, "fhir.reference.aggregation",
               bundled
                   ? "The reference is to a resource of the bundle, which the aggregation mode(s) of the reference (" +
                         listed + ") do not allow."
                   : "The bundled or contained resource the reference names is not found within the bundle or the "
                     "resource (aggregation mode(s) " +
                         listed + ").",
               item.path, item.anchor);
}

} // namespace

const json* element_definition_json(const CompiledProfile& profile, int index) {
    if (!profile.definition || index < 0) return nullptr;
    auto snapshot = profile.definition->find("snapshot");
    if (snapshot == profile.definition->end() || !snapshot->is_object()) return nullptr;
    auto list = snapshot->find("element");
    if (list == snapshot->end() || !list->is_array()) return nullptr;
    const std::string& id = profile.elements[static_cast<std::size_t>(index)].id;
    // The compiled elements follow the snapshot order; the id confirms it.
    if (static_cast<std::size_t>(index) < list->size()) {
        const json& candidate = (*list)[static_cast<std::size_t>(index)];
        if (candidate.is_object() && text_of(candidate, "id") == id) return &candidate;
    }
    for (const auto& candidate : *list)
        if (candidate.is_object() && text_of(candidate, "id") == id) return &candidate;
    return nullptr;
}

void check_element_extensions(Run& run, const CompiledProfile& profile, int index, const Item& item,
                              const ResourceFrame& frame) {
    // Base definitions (specializations) carry none of these controls.
    if (profile.derivation != "constraint") return;
    const json* definition = element_definition_json(profile, index);
    if (!definition) return;
    const ElementDef& element = profile.elements[static_cast<std::size_t>(index)];
    if (item.type == "Reference") check_aggregation(run, *definition, item, frame);
    if (auto extensions = definition->find("extension"); extensions != definition->end() && extensions->is_array()) {
        check_value_controls(run, profile, element, *extensions, item);
        if (item.type == "Narrative") check_narrative_language_control(run, profile, *extensions, item, frame);
    }
    if (auto binding = definition->find("binding"); binding != definition->end() && binding->is_object())
        if (auto extensions = binding->find("extension"); extensions != binding->end() && extensions->is_array())
            check_additional_bindings(run, *extensions, item);
}

} // namespace healthdoc::fhir::validation
