// FHIR XML <-> the FHIR JSON tree (FHIR R4 "XML Representation" and "JSON Representation"),
// without loss: element order comes from the definitions, primitive values with their id and
// extensions ("_name"), the xhtml narrative as written, decimals as written (through
// JsonSourceMap), resources inside contained/resource/Bundle.entry.
#pragma once

#include "fhir/fhir_json.hpp"
#include "fhir/fhirpath/type_provider.hpp"
#include "formats/diagnostic.hpp"
#include "formats/xml_document.hpp"

#include <memory>
#include <string>

namespace healthdoc::fhir {

// Converts the resource element of a parsed FHIR XML document. Positions in the result are
// the XML elements' line:col; `file` names the input in diagnostics. Breaches of the XML
// representation are reported as errors with line:col and the FHIRPath-style location
// (Bundle.entry[0].resource.name[1]): fhir.xml.wrong-namespace (an element outside
// http://hl7.org/fhir, the div outside XHTML), fhir.xml.missing-value (a primitive without a
// `value` attribute nor children), fhir.xml.unexpected-attribute (other than id/value/url where
// allowed, xmlns and xsi:*), fhir.xml.text-content (text outside xhtml),
// fhir.xml.unknown-element (left out of the JSON), fhir.xml.element-order (out of the
// definition's order), fhir.xml.repeated-element (a non-repeating element again: the later
// ones are left out), fhir.xml.too-deep, fhir.xml.not-a-resource (a contained/resource element
// not holding one resource). Decimals keep their text in the map (JsonSourceMap::decimal_text);
// the div becomes its text as written. Element order comes from xml_element_order()
// (fhir/xml_element_order.hpp); without it the order is not checked.
// Returns nullptr (after a fatal fhir.xml.not-a-resource) when the root is no FHIR resource.
std::unique_ptr<FhirJson> read_fhir_xml(const formats::XmlDocument& xml, const std::string& file,
                                        const fhirpath::TypeProvider& types, formats::Diagnostics& diagnostics);

// FHIR XML text of a FHIR JSON resource: <?xml?> declaration, xmlns="http://hl7.org/fhir" on
// the root, two-space indentation, elements in definition order (xml_element_order()),
// decimals as written when `map` has their text, the div narrative written as its XHTML (as
// escaped text of a div when it is not well-formed). Members unknown to `types` are written
// after the known ones, in JSON order. Never throws for any JSON value.
std::string write_fhir_xml(const nlohmann::json& resource, const JsonSourceMap* map,
                           const fhirpath::TypeProvider& types);

} // namespace healthdoc::fhir
