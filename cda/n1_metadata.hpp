// The metadata of a CDA N1 document ("structuration minimale": a PDF, text, RTF, JPEG or TIFF
// wrapped in a CI-SIS header), read from the JSON file docs/n1-metadata.md describes. Reading
// keeps what is written; checking reports each missing required field by its JSON path, so
// command-line options can fill fields in between.
#pragma once

#include "cda/header.hpp"
#include "formats/diagnostic.hpp"
#include "formats/source_text.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace healthdoc::cda {

// Rule ids of the metadata checks.
inline constexpr const char* k_rule_missing_field = "cda.n1.missing-field";
inline constexpr const char* k_rule_invalid_field = "cda.n1.invalid-field";

// A health professional named by their RPPS number (11 digits; the CDA id is "8" + RPPS under
// 1.2.250.1.71.4.2.1).
struct N1Person {
    std::string rpps, family, given, prefix, suffix;
};

// An organisation by its national structure id (the extension under 1.2.250.1.71.4.2.2, e.g.
// "1" + FINESS or "3" + SIRET) and its name.
struct N1Organization {
    std::string id, name;
};

// What a replacement document points at: the replaced document id, its setId and version.
struct N1Replacement {
    Identifier replaced_id, set_id;
    std::string previous_version;
};

struct N1Metadata {
    // document
    Identifier document_id, set_id; // generated when empty
    std::string id_root;            // OID under which generated ids are made; a UUID OID when empty
    Code type_code;                 // LOINC by default
    std::string title;
    std::string effective_time; // TS; now when empty
    std::string confidentiality = "N";
    std::string language = "fr-FR";
    // patient
    std::string ins, ins_kind = "nir"; // nir, nia, test, demo
    Identifier local_patient_id;
    std::string birth_name, first_given_name, given_names, used_name, used_given_name;
    std::string gender, birth_time, birth_place_code;
    // author, custodian, legal authenticator
    N1Person author;
    std::string author_time; // the document's effectiveTime when empty
    Code author_specialty;
    N1Organization author_organization;
    N1Organization custodian;                    // the author's organisation when empty
    std::optional<N1Person> legal_authenticator; // the author when absent
    std::string legal_authentication_time;       // the document's effectiveTime when empty
    // care setting
    std::string service_start, service_end;
    Code service_code;
    Code practice_setting;
    std::string encounter_start, encounter_end; // the service period when empty
    Code facility_type;
    // replacement
    std::optional<N1Replacement> replaces;
};

// Reads the metadata object `json` (file `file`). A field of the wrong JSON type, or an unknown
// INS kind, is reported as `cda.n1.invalid-field` naming its path. Never throws.
N1Metadata read_n1_metadata(const nlohmann::json& json, const std::string& file, formats::Diagnostics& out);

// Parses and reads the metadata file `source`; std::nullopt after a fatal JSON diagnostic.
std::optional<N1Metadata> parse_n1_metadata(const formats::SourceText& source, formats::Diagnostics& out);

// Reports one `cda.n1.missing-field` error per missing required field (its JSON path in the
// location and the message, e.g. `patient.ins.nir`), and `cda.n1.invalid-field` for malformed
// values (dates that are not HL7 TS, a gender outside M/F/U, an RPPS that is not 11 digits...).
// Messages name fields, never patient values.
void check_n1_metadata(const N1Metadata& metadata, const std::string& file, formats::Diagnostics& out);

// Parses "root" or "root^extension" (the XDS uniqueId form) into an identifier.
Identifier parse_identifier(const std::string& text);

} // namespace healthdoc::cda
