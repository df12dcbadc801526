// Recognises what an input is from its content, never from its file name.
#pragma once

#include "formats/source_text.hpp"

#include <string>
#include <string_view>

namespace healthdoc::formats {

enum class Format {
    cda,                  // root ClinicalDocument in urn:hl7-org:v3
    cda_autopresentable,  // ANS auto-presentable: a ClinicalDocument inside an xsl:stylesheet
    fhir_json,            // JSON object with "resourceType"
    fhir_xml,             // XML root in http://hl7.org/fhir
    pdf,
    text,                 // plain text (UTF-8 or ASCII)
    jpeg,
    tiff,
    rtf,
    xml,                  // any other XML
    json,                 // any other JSON
    unknown,
};

// "cda", "cda-autopresentable", "fhir-json", "fhir-xml", "pdf", "text", "jpeg", "tiff", "rtf",
// "xml", "json", "unknown".
std::string_view to_string(Format format);

// What a detection found: the format and, for XML, the root element's local name and
// namespace URI (empty otherwise), for FHIR the resourceType.
struct Detection {
    Format format = Format::unknown;
    std::string root_name;      // XML root local name, or FHIR resourceType
    std::string root_namespace; // XML root namespace URI
};

// Judges `source` from its leading bytes (magic numbers, BOMs) and, for XML and JSON, from a
// light scan of the root element or top-level keys. Never throws; never reads past what it needs.
Detection detect_format(const SourceText& source);

// Media type of a format ("application/pdf", "text/xml", "application/fhir+json"...).
std::string_view media_type(Format format);

} // namespace healthdoc::formats
