// Rules a constraint profile states in extensions of its element definitions rather than in
// ElementDefinition's own R4 elements: the R5 value controls carried back to R4
// (extension-ElementDefinition.mustHaveValue and .valueAlternatives), and the dispatch to the
// narrative language control (narrative_control.cpp) and additional bindings
// (additional_bindings.cpp).
#include "fhir/validation/run.hpp"

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
    if (auto extensions = definition->find("extension"); extensions != definition->end() && extensions->is_array()) {
        check_value_controls(run, profile, element, *extensions, item);
        if (item.type == "Narrative") check_narrative_language_control(run, profile, *extensions, item, frame);
    }
    if (auto binding = definition->find("binding"); binding != definition->end() && binding->is_object())
        if (auto extensions = binding->find("extension"); extensions != binding->end() && extensions->is_array())
            check_additional_bindings(run, *extensions, item);
}

} // namespace healthdoc::fhir::validation
