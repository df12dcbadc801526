// How one child of a FHIR element is defined, for the XML <-> JSON conversion: the same
// lookup serves an XML child element and a JSON member, since both carry the same name
// ("name", "valueQuantity"). Internal to fhir/xml_reader.cpp and fhir/xml_writer.cpp.
#pragma once

#include "fhir/fhirpath/type_provider.hpp"
#include "fhir/xml_element_order.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::fhir {

enum class FhirChildKind {
    unknown,   // not defined for the parent
    attribute, // an XML attribute: Element.id, Extension.url
    primitive, // <name value="..."/>
    xhtml,     // the narrative div
    resource,  // a resource wrapped in an element named by the child (contained, entry.resource)
    complex    // a data type or backbone element
};

struct FhirChild {
    FhirChildKind kind = FhirChildKind::unknown;
    std::string type;                // "Quantity", "string", "BackboneElement", "Resource", "xhtml"
    std::string definition;          // path its own children are defined under: "Quantity", "Patient.contact"
    bool is_array = false;           // repeats (a JSON array)
    std::optional<std::size_t> rank; // position in the parent's snapshot; nullopt when unknown
};

// True when `definition` (a definition path) is a resource's root ("Patient"), whose id is an
// element rather than an attribute.
bool is_resource_definition(const fhirpath::TypeProvider& types, std::string_view definition);

// The child `name` (as written: "valueQuantity") of the element defined at `parent`.
FhirChild resolve_child(const fhirpath::TypeProvider& types, const XmlElementOrder* order, std::string_view parent,
                        std::string_view name);

} // namespace healthdoc::fhir
