// The header of a FHIR document Bundle (type document, Composition first), read into the same
// header model as a CDA document so that the XDS metadata mapping and the MHD/XDS.b payloads
// serve both. Follows the IHE MHD "FHIR Document Publish" option: the Composition and the
// resources it references (subject, author, attester, custodian, encounter) inside the Bundle.
#pragma once

#include "cda/header.hpp"
#include "formats/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace healthdoc::cda {

// Reads the header of the FHIR document `bundle` (R4 JSON):
//   Bundle.identifier -> id (urn:oid:/urn:uuid: values become the root; another system becomes
//   root, its value the extension); Composition.type -> code; title; date -> effectiveTime;
//   confidentiality; language (or Bundle.language); subject Patient -> patient (identifiers,
//   names, gender, birthDate); author Practitioner/PractitionerRole/Organization/Device ->
//   authors (PractitionerRole: practitioner, specialty or code, organization); attester with
//   mode legal -> legal authenticator; custodian Organization; event[0] -> service period and
//   code; relatesTo replaces (targetIdentifier) -> RPLC; encounter -> encounter period, ids
//   and facility type (Location.type of its first location).
// References are resolved inside the Bundle by fullUrl, by a relative "Type/id" against the
// entries' fullUrls, or by resource type and id. std::nullopt after a fatal finding
// (fhir.document.*) when `bundle` is not a document Bundle whose first entry is a Composition.
// Unresolvable references are warnings; missing metadata is left empty for the XDS mapping to
// report. Never throws.
std::optional<CdaHeader> read_fhir_document_header(const nlohmann::json& bundle, formats::Diagnostics& out);

} // namespace healthdoc::cda
