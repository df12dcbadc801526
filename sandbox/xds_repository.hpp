// The sandbox's XDS.b side: Document Repository + Registry for ITI-41 Provide and Register
// Document Set-b (SOAP 1.2, MTOM/XOP or inline base64 documents, ebRIM 3.0 metadata).
#pragma once

#include "sandbox/http_answer.hpp"
#include "sandbox/registry.hpp"

#include <string>

namespace healthdoc::sandbox {

// IHE XDS metadata identifiers the repository checks (ITI TF-3 4.2.5, verified against the
// IPF ebRS 3.0 samples).
inline constexpr const char* k_xds_document_unique_id = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";
inline constexpr const char* k_xds_document_patient_id = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
inline constexpr const char* k_xds_submission_unique_id = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";
inline constexpr const char* k_xds_submission_source_id = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
inline constexpr const char* k_xds_submission_patient_id = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
inline constexpr const char* k_xds_submission_set_node = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
inline constexpr const char* k_xds_class_code = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
inline constexpr const char* k_xds_type_code = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
inline constexpr const char* k_xds_format_code = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
inline constexpr const char* k_xds_confidentiality_code = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
inline constexpr const char* k_xds_facility_type_code = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
inline constexpr const char* k_xds_practice_setting_code = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
inline constexpr const char* k_xds_stable_document = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1";
inline constexpr const char* k_xds_on_demand_document = "urn:uuid:34268e47-fdf5-41a6-ba33-82133c465248";

// ITI-41: reads the SOAP 1.2 request in `body` (multipart/related MTOM/XOP per `content_type`,
// or a plain application/soap+xml envelope with base64 documents), checks the metadata
// (uniqueId, patientId, required slots and classifications, submission set and HasMember
// associations, document present, hash and size matching) and stores the documents with any
// RPLC replacement in one transaction. Always answers HTTP 200 with a SOAP envelope carrying
// a RegistryResponse (Success, or Failure with a RegistryErrorList of IHE error codes), except
// for an unreadable envelope: 400 with a SOAP Fault (env:Sender). Never throws for bad input.
HttpAnswer provide_and_register(Registry& registry, const std::string& body, const std::string& content_type);

// A SOAP 1.2 Fault answer (code "Sender" or "Receiver", one-sentence reason) with `status`.
HttpAnswer soap_fault(int status, const std::string& code, const std::string& reason);

// The CX patient id "value^^^&OID&ISO" split into FHIR identifier system ("urn:oid:OID") and
// value; the system is "" when the assigning authority is absent.
std::pair<std::string, std::string> cx_to_identifier(const std::string& cx);

} // namespace healthdoc::sandbox
