// What the FHIR XML representation needs of the definitions beyond the TypeProvider: the order
// of each element's children (the snapshot order of the StructureDefinitions, which the XML
// form imposes) and which children are XML attributes (representation "xmlAttr": Element.id,
// Extension.url, the value of primitives).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace healthdoc::fhir {

struct XmlChildOrder {
    std::size_t rank = 0;      // position among its parent's children in the snapshot
    bool is_attribute = false; // written as an XML attribute
};

class XmlElementOrder {
public:
    // `package_folder` holds StructureDefinition-<Type>.json files (a package's package/ folder).
    // Each type is read once, the first time it is asked for.
    explicit XmlElementOrder(std::filesystem::path package_folder);

    // Child `name` of the element at definition path `parent` ("Patient", "Patient.contact",
    // "HumanName", "Questionnaire.item"); a choice child is named without its suffix ("value").
    // std::nullopt when the type or the child is unknown. Thread-safe.
    std::optional<XmlChildOrder> child(std::string_view parent, std::string_view name) const;

    // The index of `package_folder`, created once per process.
    static std::shared_ptr<const XmlElementOrder> shared(const std::filesystem::path& package_folder);

private:
    using Children = std::unordered_map<std::string, XmlChildOrder>; // keyed by the child's full path
    const Children* load(std::string_view type) const;

    std::filesystem::path m_folder;
    mutable std::mutex m_mutex;
    mutable std::map<std::string, std::unique_ptr<Children>, std::less<>> m_types; // null: unknown type
};

// Names the package folder whose definitions give the element order to read_fhir_xml and
// write_fhir_xml (the CLI calls it with the core package it found under --package-cache).
void set_xml_element_order_source(const std::filesystem::path& package_folder);

// The order in use: the folder set above, else the hl7.fhir.r4.core#4.0.1 package of the default
// package cache; nullptr when there is neither (order is then neither checked nor imposed).
std::shared_ptr<const XmlElementOrder> xml_element_order();

} // namespace healthdoc::fhir
