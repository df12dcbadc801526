// Writes a CdaHeader model as CDA R2 XML (urn:hl7-org:v3 as the default namespace), in the
// element order of the CDA R2 schema (POCD_MT000040.ClinicalDocument). The reader is
// cda/header.hpp; what one writes the other reads back unchanged.
#pragma once

#include "cda/header.hpp"

#include <pugixml.hpp>

#include <string>

namespace healthdoc::cda {

// The CDA R2 type id every ClinicalDocument carries (typeId root and extension).
inline constexpr const char* k_cda_type_id_root = "2.16.840.1.113883.1.3";
inline constexpr const char* k_cda_type_id_extension = "POCD_HD000040";

// Appends to `document` a ClinicalDocument element holding `header` and returns it, so that the
// caller can append the body (`component` comes last in the schema). Elements the schema
// requires (id, code, effectiveTime, confidentialityCode, recordTarget, author, custodian...)
// are always written, with nullFlavor="NI" when the model leaves them empty; optional ones are
// written only when the model has them. participant/time carries xsi:type="IVL_TS"; the sdtc
// namespace is declared only when an sdtc element (deceasedInd, deceasedTime) is written. The
// custodian organisation takes one telecom and one address at most (the first ones). The body kind
// and media type of the model are not written: the body is the caller's. Never throws for any
// model content.
pugi::xml_node write_header(const CdaHeader& header, pugi::xml_document& document);

// `document` as UTF-8 text with an XML declaration, indented by two spaces.
std::string to_xml_text(const pugi::xml_document& document);

} // namespace healthdoc::cda
