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
// representation are reported (rule ids fhir.xml.*): wrong or missing namespace
// (http://hl7.org/fhir), a primitive without a `value` attribute nor children, attributes
// other than id/value/url where not allowed, text content outside xhtml, elements unknown to
// the type, elements out of the definition's order, a repeated element that does not repeat.
// Returns nullptr (after a fatal fhir.xml.not-a-resource) when the root is no FHIR resource.
std::unique_ptr<FhirJson> read_fhir_xml(const formats::XmlDocument& xml, const std::string& file,
                                        const fhirpath::TypeProvider& types, formats::Diagnostics& diagnostics);

// FHIR XML text of a FHIR JSON resource: <?xml?> declaration, xmlns="http://hl7.org/fhir" on
// the root, elements in definition order, decimals as written when `map` has their text, the
// div narrative written as its XHTML. Members unknown to `types` are written in JSON order.
std::string write_fhir_xml(const nlohmann::json& resource, const JsonSourceMap* map,
                           const fhirpath::TypeProvider& types);

} // namespace healthdoc::fhir
