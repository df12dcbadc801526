// Reading the ebRIM 3.0 SubmitObjectsRequest of an ITI-41 request into the few facts the
// sandbox registry keeps, with the metadata checks of ITI TF-3 4.2 as IHE error codes, and the
// XDS -> MHD mapping of a DocumentEntry (MHD 4.2 DocumentReference mapping).
#pragma once

#include "sandbox/registry.hpp"

#include <pugixml.hpp>

#include <map>
#include <string>
#include <vector>

namespace healthdoc::sandbox {

// A coded value of a Classification: code (nodeRepresentation), coding system (codingScheme
// slot) and display (Name).
struct XdsCode {
    std::string code;
    std::string system;
    std::string display;
};

// One DocumentEntry (ExtrinsicObject).
struct XdsDocumentEntry {
    std::string id;        // ExtrinsicObject/@id (symbolic id or entryUUID)
    std::string mime_type;
    std::string unique_id;  // XDSDocumentEntry.uniqueId
    std::string patient_id; // XDSDocumentEntry.patientId (CX)
    std::string title;      // Name/LocalizedString/@value
    std::map<std::string, std::vector<std::string>> slots;
    std::map<std::string, XdsCode> codes; // by classificationScheme (normalised)

    // The first value of slot `name`, or "".
    std::string slot(const std::string& name) const;
    // The classification of `scheme`, or an empty XdsCode.
    XdsCode code(const std::string& scheme) const;
};

// A metadata problem: IHE error code, one-sentence context, the object id it concerns.
struct XdsProblem {
    std::string code;
    std::string context;
    std::string location;
};

// What a SubmitObjectsRequest carries, and what is wrong with it.
struct XdsSubmission {
    std::vector<XdsDocumentEntry> entries;
    std::string submission_unique_id;
    std::string submission_patient_id;
    std::vector<std::string> replaced; // RPLC targets (entryUUIDs or ids)
    std::vector<XdsProblem> problems;
};

// Reads `submit` (lcm:SubmitObjectsRequest), namespace-aware. Problems reported:
// XDSRegistryMetadataError (missing uniqueId, patientId, required slot or classification,
// submission set, HasMember), XDSPatientIdDoesNotMatch (entry and submission set differ).
XdsSubmission read_submission(const pugi::xml_node& submit);

// The DocumentReference (JSON text) the registry keeps for an XDS entry: masterIdentifier =
// uniqueId, subject identifier from the CX patientId, type, class, securityLabel, content with
// the attachment (contentType, size, base64 SHA-1, url "Binary/<id>", creation, title),
// format, facilityType, practiceSetting, status current.
std::string synthesise_document_reference(const XdsDocumentEntry& entry, const StoredDocument& stored);

} // namespace healthdoc::sandbox
