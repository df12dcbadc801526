// The narrative div between its two FHIR forms: an XHTML element inside FHIR XML, and in
// FHIR JSON a string holding that element serialized with xmlns="http://www.w3.org/1999/xhtml".
// Internal to the XML <-> JSON conversion (fhir/xml_reader.cpp, fhir/xml_writer.cpp).
#pragma once

#include "formats/xml_document.hpp"

#include <string>
#include <string_view>

namespace healthdoc::fhir {

inline constexpr std::string_view k_xhtml_namespace = "http://www.w3.org/1999/xhtml";

// The JSON string of the div element `div` of `xml`: its text exactly as written when the div
// declares the xhtml namespace itself (the usual form), else the element serialized with the
// xhtml namespace declared on it and xhtml prefixes dropped.
std::string narrative_json_text(const formats::XmlDocument& xml, const pugi::xml_node& div);

// True when `div` (a JSON div string) can be copied as it is into an XML document: one
// well-formed element, no DOCTYPE, no entity references other than XML's own five and
// character references.
bool is_embeddable_xhtml(std::string_view div);

} // namespace healthdoc::fhir
