#include "fhir/xml_child.hpp"

#include <algorithm>
#include <cctype>

namespace healthdoc::fhir {

namespace {

using fhirpath::ElementInfo;
using fhirpath::TypeKind;

FhirChildKind kind_of_type(const fhirpath::TypeProvider& types, const std::string& type) {
    if (type == "xhtml") return FhirChildKind::xhtml;
    if (fhirpath::is_fhir_primitive(type)) return FhirChildKind::primitive;
    if (type == "Resource" || type == "DomainResource") return FhirChildKind::resource;
    if (const auto* info = types.find_type(type); info && info->kind == TypeKind::resource)
        return FhirChildKind::resource;
    return FhirChildKind::complex;
}

std::optional<std::size_t> rank_of(const XmlElementOrder* order, std::string_view parent, std::string_view base) {
    if (!order) return std::nullopt;
    auto child = order->child(parent, base);
    return child ? std::optional<std::size_t>(child->rank) : std::nullopt;
}

} // namespace

bool is_resource_definition(const fhirpath::TypeProvider& types, std::string_view definition) {
    if (definition.find('.') != std::string_view::npos) return false;
    const auto* info = types.find_type(definition);
    return info && info->kind == TypeKind::resource;
}

FhirChild resolve_child(const fhirpath::TypeProvider& types, const XmlElementOrder* order, std::string_view parent,
                        std::string_view name) {
    FhirChild child;
    if (name.empty()) return child;
    const std::string path = std::string(parent) + "." + std::string(name);
    const ElementInfo* element = types.find_element(path);
    if (element && !element->is_choice) {
        child.rank = rank_of(order, parent, name);
        child.is_array = element->is_array;
        const bool is_attribute = (name == "id" && !is_resource_definition(types, parent)) ||
                                  (name == "url" && parent == "Extension") ||
                                  (name == "value" && fhirpath::is_fhir_primitive(parent));
        if (is_attribute) {
            child.kind = FhirChildKind::attribute;
            child.type = "string";
        } else if (!element->content_reference.empty()) {
            child.kind = FhirChildKind::complex;
            child.type = "BackboneElement";
            child.definition = element->content_reference;
        } else if (!element->types.empty()) {
            child.type = element->types.front();
            child.kind = kind_of_type(types, child.type);
            child.definition = (child.type == "BackboneElement" || child.type == "Element") ? path : child.type;
        }
        return child;
    }
    // A choice: "valueQuantity" is "value" of type Quantity.
    for (std::size_t cut = name.size() - 1; cut > 0; --cut) {
        if (!std::isupper(static_cast<unsigned char>(name[cut]))) continue;
        const std::string base = std::string(parent) + "." + std::string(name.substr(0, cut));
        const ElementInfo* choice = types.find_element(base);
        if (!choice || !choice->is_choice) continue;
        std::string type = fhirpath::choice_suffix_type(name.substr(cut));
        if (type.empty() || std::find(choice->types.begin(), choice->types.end(), type) == choice->types.end())
            return child;
        child.type = type;
        child.kind = kind_of_type(types, type);
        child.definition = type;
        child.is_array = false;
        child.rank = rank_of(order, parent, name.substr(0, cut));
        return child;
    }
    return child;
}

} // namespace healthdoc::fhir
