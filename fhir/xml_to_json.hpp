// FHIR XML -> FHIR JSON as a plain nlohmann::json, for callers that need neither positions nor
// findings nor decimals as written (the fhirpath command, ready ITI-65 Bundles): a thin wrapper
// over read_fhir_xml (fhir/fhir_xml.hpp), which does the conversion.
#pragma once

#include "fhir/fhirpath/type_provider.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace pugi {
class xml_node;
}

namespace healthdoc::fhir {

// Converts the resource element `resource` (e.g. <Patient xmlns="http://hl7.org/fhir">) with
// read_fhir_xml, ignoring its findings: breaches of the XML representation are tolerated as far
// as read_fhir_xml reads on (unknown elements are left out). Decimals become JSON numbers.
// Throws InputError when the element is no FHIR resource.
nlohmann::json xml_to_json(const pugi::xml_node& resource, const fhirpath::TypeProvider& types);

// Parses `xml` (with formats::parse_xml's defences) and converts its document element. Throws
// InputError when the text is not well-formed XML or holds no FHIR resource.
nlohmann::json xml_to_json(std::string_view xml, const fhirpath::TypeProvider& types);

} // namespace healthdoc::fhir
