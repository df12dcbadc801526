// FHIR XML -> FHIR JSON (FHIR R4 "XML Representation" and "JSON Representation"): element
// names become properties, `value` attributes become JSON primitives typed by the element
// definition (booleans, numbers), repeating elements become arrays, id/extension of
// primitives go to "_name", resources inside contained/resource gain "resourceType", and the
// xhtml narrative becomes a string. Which elements repeat and which primitives are numbers
// comes from a TypeProvider (the core StructureDefinitions).
#pragma once

#include "fhir/fhirpath/type_provider.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace pugi {
class xml_node;
}

namespace healthdoc::fhir {

// Converts the resource element `resource` (e.g. <Patient xmlns="http://hl7.org/fhir">).
// Elements unknown to `types` are kept as single values (objects, or strings from their
// `value` attribute). Decimals become JSON numbers: integers when written without a
// fraction, doubles otherwise (nlohmann::json cannot keep "1.50" as written). Never throws
// for well-formed XML.
nlohmann::json xml_to_json(const pugi::xml_node& resource, const fhirpath::TypeProvider& types);

// Parses `xml` and converts its document element. Throws InputError when the text is not
// well-formed XML or has no root element.
nlohmann::json xml_to_json(std::string_view xml, const fhirpath::TypeProvider& types);

} // namespace healthdoc::fhir
