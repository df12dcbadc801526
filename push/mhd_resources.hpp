// Pieces of the ITI-65 bundle (push/mhd_bundle.hpp) built from the CDA header model: FHIR
// codings, identifiers, date-times, and the resources the DocumentReference and the
// SubmissionSet contain (Practitioner, PractitionerRole, Organization, Device, Patient).
// Internal to the MHD payload; nothing here reports diagnostics except fhir_date_time.
#pragma once

#include "cda/header.hpp"
#include "cda/xds_metadata.hpp"
#include "formats/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace healthdoc::push::mhd {

using Json = nlohmann::ordered_json;

// The Identifier.system IHE uses for URI-valued identifiers (uniqueId, entryUUID, sourceId).
inline constexpr const char* k_uri_system = "urn:ietf:rfc:3986";

// A Coding from an XDS code (system mapped by fhir_code_system; empty parts left out).
Json coding(const cda::XdsCode& code);
// A CodeableConcept holding that one Coding.
Json codeable_concept(const cda::XdsCode& code);
// The XDS form of a header code, for the codes the XDS entry does not carry.
cda::XdsCode xds_code(const cda::Code& code);

// A FHIR Identifier from a CDA II: system "urn:oid:<root>" and the extension, or, for a root
// alone, the root as a URI (system urn:ietf:rfc:3986); national health-professional (IDNPS) and
// structure (IDNST) roots get their FR Core identifier type. std::nullopt when the II is empty.
std::optional<Json> identifier(const cda::Identifier& id);

// The patient identifier of an XDS CX ("value^^^&OID&ISO^NH"): {"system": "urn:oid:OID",
// "value": value}; std::nullopt when the value or the assigning authority OID is missing.
std::optional<Json> identifier_from_cx(const std::string& cx);

// A FHIR dateTime from a CDA TS, keeping its precision and time zone. "" when the value is
// absent or unreadable (the caller decides whether that is missing metadata). A time without a
// zone is not a FHIR dateTime: it is reported as error push.mhd.invalid-<field> at `path` and
// "" is returned.
std::string fhir_date_time(const cda::TimeStamp& time, const std::string& field, const std::string& path,
                           formats::Diagnostics& out);

// Appends to `contained` the resources standing for one CDA participant (author, legal
// authenticator): a PractitionerRole with `id_prefix` as id, pointing at a Practitioner
// (person: ids and name) and an Organization (representedOrganization); a Device for an
// authoring device; an Organization alone when there is neither. Returns the local reference
// to use ("#author1"), or "" when the participant identifies nobody (nothing is appended).
std::string add_participant(Json& contained, const cda::AssignedEntity& who, const std::string& id_prefix);

// Appends `organization` to `contained` with id `id`; returns "#<id>", or "" when the
// organisation has neither an identifier nor a name (nothing is appended).
std::string add_organization(Json& contained, const cda::Organization& organization, const std::string& id);

// The Patient standing for XDS sourcePatientInfo: the INS identifier `ins` (when known) then
// the other patientRole ids, the names, gender and birth date of the header's first
// recordTarget. Its id is `id`.
Json source_patient(const cda::CdaHeader& header, const std::optional<Json>& ins, const std::string& id);

} // namespace healthdoc::push::mhd
