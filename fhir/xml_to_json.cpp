#include "fhir/xml_to_json.hpp"

#include "fhir/fhir_xml.hpp"
#include "formats/errors.hpp"
#include "formats/xml_document.hpp"

#include <pugixml.hpp>

#include <sstream>
#include <string>

namespace healthdoc::fhir {

namespace {

std::string first_problem(const formats::Diagnostics& diagnostics, const std::string& fallback) {
    for (const auto& diagnostic : diagnostics.items())
        if (diagnostic.severity == formats::Severity::fatal) return diagnostic.message;
    return fallback;
}

} // namespace

nlohmann::json xml_to_json(const pugi::xml_node& resource, const fhirpath::TypeProvider& types) {
    // read_fhir_xml works on a parsed document (it needs the text for the narrative and for
    // positions): the element is written out with the namespaces in scope and read again.
    pugi::xml_document copy;
    pugi::xml_node root = copy.append_copy(resource);
    for (pugi::xml_node ancestor = resource.parent(); ancestor; ancestor = ancestor.parent())
        for (pugi::xml_attribute attribute = ancestor.first_attribute(); attribute;
             attribute = attribute.next_attribute()) {
            const std::string_view name = attribute.name();
            if ((name == "xmlns" || name.substr(0, 6) == "xmlns:") && !root.attribute(attribute.name()))
                root.append_attribute(attribute.name()).set_value(attribute.value());
        }
    std::ostringstream text;
    copy.save(text, "", pugi::format_raw);
    return xml_to_json(text.str(), types);
}

nlohmann::json xml_to_json(std::string_view xml, const fhirpath::TypeProvider& types) {
    formats::Diagnostics diagnostics;
    auto document = formats::parse_xml(formats::SourceText("", std::string(xml)), diagnostics);
    if (!document) throw InputError("not well-formed XML: " + first_problem(diagnostics, "unreadable"));
    if (!document->root()) throw InputError("XML document without a root element");
    auto resource = read_fhir_xml(*document, "", types, diagnostics);
    if (!resource) throw InputError(first_problem(diagnostics, "not a FHIR resource"));
    return std::move(resource->root);
}

} // namespace healthdoc::fhir
