// The IHE MHD ITI-65 "Provide Document Bundle" payload for a CDA document, as profiled by the
// ANS "Partage de documents de santé en mobilité" (PDSm) comprehensive profiles: one
// transaction Bundle holding the SubmissionSet List, the DocumentReference and the Binary.
// Module push: payloads and transports; depends on cda/ and below, never on sandbox/ or cli/.
#pragma once

#include "cda/header.hpp"
#include "cda/metadata_sources.hpp"
#include "cda/xds_metadata.hpp"
#include "formats/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace healthdoc::push {

// Canonical URLs of the PDSm profiles the bundle and its resources declare in meta.profile.
inline constexpr const char* k_pdsm_provide_bundle_profile =
    "https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-provide-document-bundle";
inline constexpr const char* k_pdsm_submission_set_profile =
    "https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-submissionset-comprehensive";
inline constexpr const char* k_pdsm_document_reference_profile =
    "https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-document-reference";

// What the CDA document cannot say about its own submission.
struct MhdOptions {
    // SubmissionSet sourceId: the OID of the sending system ("urn:oid:" prefix accepted).
    // Required: reported as push.mhd.missing-sourceId when empty.
    std::string source_id;
    // SubmissionSet uniqueId, an OID; a fresh one under 2.25 (UUID-based) when empty.
    std::string submission_set_id;
    // SubmissionSet designationType (XDS contentTypeCode, JDV_J59-ContentTypeCode-DMP): the
    // activity that led to the submission, which the CDA header does not carry. Required:
    // reported as push.mhd.missing-designationType when its code is empty.
    cda::XdsCode designation_type;
    // The document this one replaces, as "DocumentReference/<id>" (the bundle then also PATCHes
    // it to superseded) or as its entryUUID "urn:uuid:..."; when empty, each RPLC parent of the
    // header (entry.replaces) becomes a relatesTo target identified by its uniqueId.
    std::string replaces_reference;
    // attachment.contentType and Binary.contentType; empty means entry.mime_type, else text/xml.
    std::string content_type;
};

// The document an ITI-65 Bundle carries.
struct MhdContent {
    std::string_view bytes; // the document as written: the Binary's content (CDA)
    // A FHIR document Bundle, sent with the MHD "FHIR Document Publish" option: it becomes an
    // entry of its own that attachment.url points at (no Binary), attachment.size and .hash are
    // absent, the format is urn:ihe:iti:xds:2017:mimeTypeSufficient.
    const nlohmann::ordered_json* fhir_document = nullptr;
    cda::HeaderSource source = cda::HeaderSource::cda; // for the messages naming a missing element
};

nlohmann::ordered_json build_iti65_bundle(const MhdContent& content, const cda::XdsDocumentEntry& entry,
                                          const cda::CdaHeader& header, const MhdOptions& options,
                                          formats::Diagnostics& out);

// The bundle as JSON text, with the FHIR document entry written as `fhir_document_text` (the
// document as its author wrote it: a parse and dump would rewrite its decimals).
std::string serialize_iti65_bundle(const nlohmann::ordered_json& bundle, std::string_view fhir_document_text);

// Builds the ITI-65 transaction Bundle for the CDA document `cda_bytes`, whose header is
// `header` and whose XDS metadata `entry` was mapped from that header and those bytes
// (cda::map_xds_metadata). Every fullUrl is a fresh urn:uuid. Required metadata that is
// missing is never guessed: the element is left out and an error `push.mhd.missing-<field>`
// (XDS attribute names: patientId, legalAuthenticator, typeCode...) is reported with the FHIR
// path; values that FHIR cannot carry (a time without a zone) are reported as
// `push.mhd.invalid-<field>`. classCode and, for structured bodies, formatCode come from ANS
// tables that may not be installed: their absence is a warning. The bundle is always returned,
// so a caller can save it for inspection; it should not be sent when `out` holds errors.
// Never throws for bad input.
nlohmann::ordered_json build_iti65_bundle(const std::string& cda_bytes, const cda::XdsDocumentEntry& entry,
                                          const cda::CdaHeader& header, const MhdOptions& options,
                                          formats::Diagnostics& out);

// The FHIR code system URI for an XDS coding scheme: the canonical URL of the systems the
// PDSm examples use (LOINC, HL7 confidentiality, IHE formatCode, ANS TRE_R02, TRE_A01,
// TRE_A03), "urn:oid:<oid>" for any other OID, the scheme itself when it is already a URI,
// and "" for "".
std::string fhir_code_system(std::string_view scheme);

// The URI form MHD gives an XDS uniqueId (IHE ITI TF-2 Appendix Z.9.1.1): "urn:oid:<oid>" for
// an OID, "urn:uuid:<uuid>" for a UUID, otherwise the value as it is.
std::string unique_id_uri(std::string_view unique_id);

} // namespace healthdoc::push
