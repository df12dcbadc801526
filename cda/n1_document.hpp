// Builds a complete CDA N1 document ("structuration minimale" of the CI-SIS): the header from
// N1 metadata, and a nonXMLBody carrying the content (PDF, text, RTF, JPEG or TIFF) in base64.
// The structure follows the ANS example DOC_NON_STRUCTURE_CDA-R2-N1.xml.
#pragma once

#include "cda/header.hpp"
#include "cda/n1_metadata.hpp"
#include "formats/detect.hpp"
#include "formats/diagnostic.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::cda {

// The template ids of an N1 document: HL7 France, CI-SIS, and IHE XDS-SD (the model's).
inline constexpr const char* k_template_hl7_france = "2.16.840.1.113883.2.8.2.1";
inline constexpr const char* k_template_cisis = "1.2.250.1.213.1.1.1.1";
inline constexpr const char* k_template_xds_sd = "1.3.6.1.4.1.19376.1.2.20";

// Where generated values come from; tests replace them to get reproducible documents.
struct N1Environment {
    std::function<std::string()> new_uuid; // a random UUID (formats::random_uuid) when empty
    std::function<std::string()> now;      // the local time as HL7 TS with zone when empty
};

// The media type an N1 body carries for `format` (application/pdf, text/plain, text/rtf,
// image/jpeg, image/tiff); std::nullopt for any other format.
std::optional<std::string> n1_media_type(formats::Format format);

// The header of the N1 document `metadata` describes, for a body of `media_type`: realmCode FR,
// the three template ids, the ids (given, else generated: root + extension under
// metadata.id_root, else a UUID OID), setId (the replaced document's when replacing), versionNumber
// (1, or the previous one + 1), the patient with the INS and its traits, the author,
// custodian, legal authenticator, service event with its performer and practice setting, the
// RPLC relation and the encounter. Assumes check_n1_metadata found no error.
CdaHeader build_n1_header(const N1Metadata& metadata, const std::string& media_type,
                          const N1Environment& environment = {});

// The whole document as XML text: build_n1_header + nonXMLBody/text with mediaType,
// representation="B64" and the base64 of `content`.
std::string write_n1_document(const CdaHeader& header, std::string_view content);

// Converts `content` (detected as `format`) with `metadata`: checks the metadata (errors as
// check_n1_metadata reports them, under `metadata_file`), refuses media an N1 body cannot carry
// (`cda.n1.unsupported-media`, error), warns `cda.n1.not-pdfa` for a PDF that does not declare
// PDF/A. Returns the document text, or std::nullopt when an error was reported (nothing must
// then be written).
std::optional<std::string> convert_to_n1(std::string_view content, formats::Format format, const N1Metadata& metadata,
                                         const std::string& metadata_file, formats::Diagnostics& out,
                                         const N1Environment& environment = {});

// The current local time as HL7 TS with seconds and zone, e.g. 20240115103000+0100.
std::string hl7_now();

} // namespace healthdoc::cda
