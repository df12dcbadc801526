// The sandbox's FHIR side, per IHE MHD 4.2: Document Recipient (ITI-65 Provide Document
// Bundle) and Document Responder (ITI-67 Find Document References, ITI-68 Retrieve Document).
// Handlers take the request pieces and return an HttpAnswer; they never throw for bad input.
#pragma once

#include "sandbox/http_answer.hpp"
#include "sandbox/registry.hpp"

#include <string>

namespace healthdoc::sandbox {

// ITI-65: checks the transaction Bundle in `body` (structure, one SubmissionSet List, each
// DocumentReference's required metadata, attachment.url resolving to a Binary entry, size and
// SHA-1 hash of the decoded Binary) and stores its documents atomically. Answers 200 with a
// transaction-response Bundle (one entry per request entry, in order), 400/415/422 with an
// OperationOutcome naming the failing path, 409 when a masterIdentifier is already stored.
// A DocumentReference relatesTo "replaces", or a PATCH/PUT of DocumentReference/<id> to status
// superseded, marks the target superseded in the same transaction (422 when it is unknown).
HttpAnswer provide_document_bundle(Registry& registry, const std::string& body, const std::string& content_type);

// ITI-67: searches DocumentReference by `patient.identifier` (token system|value, |value or
// value), `patient` (literal reference), `identifier` / `masterIdentifier` (token), `status`
// (comma-separated) and `_id`; other `_` parameters are ignored, unknown ones answer 400.
// Answers a searchset Bundle with `total`; `base` is the FHIR base URL used in fullUrl.
HttpAnswer search_document_references(const Registry& registry, const QueryParams& params, const std::string& base);

// Read of DocumentReference/<id> (404 OperationOutcome when unknown).
HttpAnswer read_document_reference(const Registry& registry, const std::string& id, const std::string& base);

// ITI-68: the stored bytes of document `id` with their content type, or, when `accept` asks
// for application/fhir+json (or application/json), a Binary resource. 404 when unknown.
HttpAnswer retrieve_document(const Registry& registry, const std::string& id, const std::string& accept);

// The stored DocumentReference JSON of `doc` as served: current status, meta, and an absolute
// attachment.url (`base` + "/Binary/<id>").
std::string render_document_reference(const StoredDocument& doc, const std::string& base);

// A minimal CapabilityStatement of the sandbox's FHIR side (GET [base]/metadata).
HttpAnswer capability_statement();

} // namespace healthdoc::sandbox
