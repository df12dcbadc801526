// XDS document-entry metadata derived from a CDA header, as the CI-SIS/DMP mapping
// (IG "volet transmission document CDA R2", mapping page) says. Used by `inspect` and, later,
// by the MHD and XDS.b payloads. Missing required metadata is reported, never guessed.
#pragma once

#include "cda/header.hpp"
#include "cda/metadata_sources.hpp"
#include "formats/detect.hpp"
#include "formats/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::cda {

// A coded XDS value: code, coding scheme (OID or URN) and display name.
struct XdsCode {
    std::string code, scheme, display;
};

struct XdsDocumentEntry {
    std::string unique_id; // root, or root^extension
    XdsCode type_code, class_code, format_code, confidentiality_code;
    XdsCode healthcare_facility_type_code, practice_setting_code;
    std::string mime_type, creation_time, language_code, title;
    std::string service_start_time, service_stop_time; // UTC, XDS DTM
    std::string legal_authenticator;                   // XCN
    std::vector<std::string> author_person;            // XCN, one per author
    std::vector<std::string> author_institution;       // XON
    std::vector<XdsCode> author_specialty;
    std::vector<std::string> author_role;
    std::string patient_id;        // CX with the INS OID: NIR^^^&1.2.250.1.213.1.4.8&ISO^NH
    std::string source_patient_id; // CX of the local id (PI), or the INS when there is none
    std::string hash;              // SHA-1 hex of the document bytes
    std::size_t size = 0;
    std::vector<std::string> replaces; // uniqueIds of the documents an RPLC relation replaces
};

// Maps `header` (read from `bytes`, detected as `format`) to an XDS document entry. Reports
// `cda.xds.missing-<field>` warnings for required metadata that the header lacks, and an
// information when a mapping table needed offline is not available.
// `source` says what the header was read from (a CDA document, or a FHIR document Bundle
// mapped into the header model), for the messages and the format code.
XdsDocumentEntry map_xds_metadata(const CdaHeader& header, std::string_view bytes, formats::Format format,
                                  formats::Diagnostics& out, HeaderSource source = HeaderSource::cda);

// The entry as JSON (XDS attribute names), for `inspect --format json`.
nlohmann::ordered_json to_json(const XdsDocumentEntry& entry);

} // namespace healthdoc::cda
