#include "sandbox/mhd_recipient.hpp"

#include "formats/text_utils.hpp"

#include "formats/base64.hpp"
#include "formats/hash.hpp"
#include "formats/ids.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace healthdoc::sandbox {
namespace {

using Json = nlohmann::ordered_json;

std::string entry_path(std::size_t index) { return "Bundle.entry[" + std::to_string(index) + "]"; }

// A string member of `object`, or "" when absent or not a string.
std::string text_of(const Json& object, const char* name) {
    if (!object.is_object()) return "";
    auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json* member(const Json& object, const char* name) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(name);
    return it != object.end() ? &*it : nullptr;
}

bool is_submission_set(const Json& list) {
    const Json* code = member(list, "code");
    const Json* codings = code ? member(*code, "coding") : nullptr;
    if (!codings || !codings->is_array()) return false;
    for (const auto& coding : *codings)
        if (text_of(coding, "code") == "submissionset") return true;
    return false;
}

struct PatientKey {
    std::string system;
    std::string value;
    std::string reference;
};

bool first_identifier(const Json& resource, PatientKey& key) {
    const Json* identifiers = member(resource, "identifier");
    if (!identifiers || !identifiers->is_array() || identifiers->empty()) return false;
    key.system = text_of((*identifiers)[0], "system");
    key.value = text_of((*identifiers)[0], "value");
    return !key.value.empty();
}

// MHD 2:3.65.4.1.2.2: the subject is a Patient reference (literal, conditional
// "Patient?identifier=system|value", contained, or in the Bundle) or a logical identifier.
bool resolve_subject(const Json& subject, const Json& document, const std::map<std::string, const Json*>& by_url,
                     PatientKey& key) {
    if (const Json* identifier = member(subject, "identifier")) {
        key.system = text_of(*identifier, "system");
        key.value = text_of(*identifier, "value");
        if (!key.value.empty()) return true;
    }
    std::string reference = text_of(subject, "reference");
    if (reference.empty()) return false;
    const std::string conditional = "Patient?identifier=";
    if (reference.rfind(conditional, 0) == 0) {
        std::string token = formats::percent_decode(reference.substr(conditional.size()));
        auto bar = token.find('|');
        key.system = bar == std::string::npos ? "" : token.substr(0, bar);
        key.value = bar == std::string::npos ? token : token.substr(bar + 1);
        return !key.value.empty();
    }
    if (reference[0] == '#') {
        if (const Json* contained = member(document, "contained"); contained && contained->is_array())
            for (const auto& resource : *contained)
                if (text_of(resource, "id") == reference.substr(1)) return first_identifier(resource, key);
        return false;
    }
    if (auto it = by_url.find(reference); it != by_url.end()) {
        key.reference = reference;
        first_identifier(*it->second, key);
        return true;
    }
    key.reference = reference;
    return true;
}

// "DocumentReference/<id>" at the end of a relative or absolute reference, else "".
std::string document_reference_id(const std::string& reference) {
    const std::string marker = "DocumentReference/";
    auto at = reference.rfind(marker);
    if (at == std::string::npos) return "";
    std::string id = reference.substr(at + marker.size());
    return id.substr(0, id.find('/'));
}

// A PATCH (FHIRPath Patch Parameters) or PUT that sets DocumentReference.status to superseded:
// the ANS PDSm replacement example uses the PATCH, MHD's UpdateDocumentRefs slice the PUT.
bool sets_superseded(const std::string& method, const Json& resource) {
    if (method == "PUT") return text_of(resource, "status") == "superseded";
    const Json* parameters = member(resource, "parameter");
    if (!parameters || !parameters->is_array()) return false;
    for (const auto& operation : *parameters) {
        const Json* parts = member(operation, "part");
        if (!parts || !parts->is_array()) continue;
        std::string path;
        std::string value;
        for (const auto& part : *parts) {
            if (text_of(part, "name") == "path") path = text_of(part, "valueString");
            if (text_of(part, "name") == "value") {
                value = text_of(part, "valueCode");
                if (value.empty()) value = text_of(part, "valueString");
            }
        }
        if (path == "DocumentReference.status" && value == "superseded") return true;
    }
    return false;
}

struct Checked {
    std::vector<Problem> problems;
    std::vector<StoredDocument> documents;
    std::vector<Replacement> replacements;
    std::vector<Json> responses; // one per entry
};

// Whether an MHD identifier has the given type (IHE.MHD.MHDIdentifierType: entryUUID, uniqueId).
bool has_type(const Json& identifier, const char* type) {
    const Json* kind = member(identifier, "type");
    const Json* codings = kind ? member(*kind, "coding") : nullptr;
    if (!codings || !codings->is_array()) return false;
    for (const auto& coding : *codings)
        if (text_of(coding, "code") == type) return true;
    return false;
}

// The value of `doc`'s identifier of the given type, or "".
std::string typed_identifier(const Json& doc, const char* type) {
    const Json* identifiers = member(doc, "identifier");
    if (!identifiers || !identifiers->is_array()) return {};
    for (const auto& identifier : *identifiers)
        if (has_type(identifier, type)) return text_of(identifier, "value");
    return {};
}

// The replacements `doc` asks for (relatesTo replaces): by DocumentReference/<id>, by the
// replaced entry's entryUUID, or by its uniqueId (master identifier).
void record_relations(const Json& doc, const std::string& path, Checked& checked) {
    const Json* relations = member(doc, "relatesTo");
    if (!relations || !relations->is_array()) return;
    for (std::size_t i = 0; i < relations->size(); ++i) {
        const Json& relation = (*relations)[i];
        if (text_of(relation, "code") != "replaces") continue;
        const Json* relation_target = member(relation, "target");
        Replacement replacement;
        if (relation_target) {
            replacement.target_id = document_reference_id(text_of(*relation_target, "reference"));
            if (const Json* identifier = member(*relation_target, "identifier"))
                (has_type(*identifier, "entryUUID") ? replacement.target_id : replacement.target_master) =
                    text_of(*identifier, "value");
        }
        if (replacement.target_id.empty() && replacement.target_master.empty())
            checked.problems.push_back(Problem{"required", path + ".relatesTo[" + std::to_string(i) + "].target",
                                               "relatesTo.target must reference DocumentReference/<id> or carry the "
                                               "replaced document's entryUUID or uniqueId.",
                                               ""});
        else
            checked.replacements.push_back(replacement);
    }
}

// Keeps `doc` as the stored DocumentReference, its content served at <content_type>/<id>
// (Binary, or Bundle for a FHIR document).
void finish_document(const Json& doc, StoredDocument stored, Checked& checked, const std::string& content_type) {
    Json stored_json = doc;
    stored_json["id"] = stored.id;
    if (!stored_json["meta"].is_object()) stored_json["meta"] = Json::object();
    stored_json["meta"]["versionId"] = "1";
    stored_json["meta"]["lastUpdated"] = stored.created;
    stored_json["content"][0]["attachment"]["url"] = content_type + "/" + stored.id;
    stored.document_reference = stored_json.dump();
    checked.documents.push_back(std::move(stored));
}

void check_document(const Json& doc, const std::string& path, const std::map<std::string, const Json*>& by_url,
                    std::map<std::string, std::string>& binary_owner, Checked& checked) {
    auto problem = [&](const char* code, const std::string& where, const std::string& message, const char* ihe = "") {
        checked.problems.push_back(Problem{code, path + where, message, ihe});
    };
    StoredDocument stored;
    stored.id = formats::random_uuid();
    // The entryUUID the Document Source gave (MHD: its fullUrl, as an entryUUID identifier),
    // else one of ours: a later replacement may name the document by it.
    stored.entry_uuid = typed_identifier(doc, "entryUUID");
    if (stored.entry_uuid.rfind("urn:uuid:", 0) != 0) stored.entry_uuid = "urn:uuid:" + formats::random_uuid();
    stored.transport = "mhd";
    stored.created = formats::utc_timestamp_now();
    const Json* master = member(doc, "masterIdentifier");
    stored.master_system = master ? text_of(*master, "system") : "";
    stored.master_value = master ? text_of(*master, "value") : "";
    if (stored.master_value.empty())
        problem("required", ".masterIdentifier.value",
                "DocumentReference.masterIdentifier.value is missing; the document unique id is required.",
                "XDSRegistryMetadataError");
    std::string status = text_of(doc, "status");
    if (status.empty())
        problem("required", ".status", "DocumentReference.status is missing; expected current.");
    else if (status != "current")
        problem("value", ".status", "DocumentReference.status must be current for a new document.");
    const Json* type = member(doc, "type");
    const Json* codings = type ? member(*type, "coding") : nullptr;
    if (codings && codings->is_array() && !codings->empty()) {
        stored.type_system = text_of((*codings)[0], "system");
        stored.type_code = text_of((*codings)[0], "code");
    }
    if (stored.type_code.empty())
        problem("required", ".type", "DocumentReference.type.coding[0].code is missing; the document type is required.",
                "XDSRegistryMetadataError");
    PatientKey patient;
    const Json* subject = member(doc, "subject");
    if (!subject || !resolve_subject(*subject, doc, by_url, patient))
        problem("required", ".subject",
                "DocumentReference.subject is missing or does not identify a patient (identifier or Patient reference "
                "expected).",
                "XDSRegistryMetadataError");
    stored.patient_system = patient.system;
    stored.patient_value = patient.value;
    stored.patient_reference = patient.reference;

    const Json* contents = member(doc, "content");
    if (!contents || !contents->is_array() || contents->empty() || !member((*contents)[0], "attachment")) {
        problem("required", ".content", "DocumentReference.content[0].attachment is missing.", "XDSMissingDocument");
        return;
    }
    const Json& attachment = (*contents)[0]["attachment"];
    const std::string at = ".content[0].attachment";
    stored.content_type = text_of(attachment, "contentType");
    if (stored.content_type.empty())
        problem("required", at + ".contentType", "attachment.contentType is missing; the MIME type is required.",
                "XDSRegistryMetadataError");
    std::string url = text_of(attachment, "url");
    auto target = by_url.find(url);
    std::string target_type = target == by_url.end() || !target->second ? "" : text_of(*target->second, "resourceType");
    if (target_type == "Bundle") {
        // MHD "FHIR Document Publish": the content is a FHIR document Bundle of the transaction.
        if (text_of(*target->second, "type") != "document")
            problem("value", at + ".url",
                    "attachment.url points at a Bundle that is not a FHIR document (type document).",
                    "XDSMissingDocument");
        if (member(attachment, "size") || member(attachment, "hash"))
            problem("value", at,
                    "attachment.size and .hash must be absent when the content is a FHIR document Bundle of the "
                    "transaction (ITI-65 FHIR Document Publish).",
                    "XDSRepositoryMetadataError");
        stored.content = target->second->dump();
        stored.size = static_cast<std::int64_t>(stored.content.size());
        stored.sha1_hex = formats::sha1_hex(stored.content);
        binary_owner[url] = stored.id;
        record_relations(doc, path, checked);
        finish_document(doc, std::move(stored), checked, "Bundle");
        return;
    }
    if (url.empty() || target_type != "Binary") {
        problem("not-found", at + ".url",
                "attachment.url does not point at a Binary entry (or, for a FHIR document, a document Bundle entry) of "
                "the Bundle (by fullUrl).",
                "XDSMissingDocument");
        return;
    }
    auto decoded = formats::base64_decode(text_of(*target->second, "data"));
    if (!decoded || text_of(*target->second, "data").empty()) {
        problem("required", at + ".url", "the Binary the attachment points at has no valid base64 data.",
                "XDSMissingDocument");
        return;
    }
    stored.content = std::move(*decoded);
    stored.size = static_cast<std::int64_t>(stored.content.size());
    stored.sha1_hex = formats::sha1_hex(stored.content);
    const Json* size = member(attachment, "size");
    if (!size)
        problem("required", at + ".size", "attachment.size is missing; it must give the size of the Binary content.",
                "XDSRepositoryMetadataError");
    else if (!size->is_number_integer() || size->get<std::int64_t>() != stored.size)
        problem("value", at + ".size", "attachment.size does not match the size of the decoded Binary content.",
                "XDSNonIdenticalSize");
    std::string hash = text_of(attachment, "hash");
    if (hash.empty())
        problem("required", at + ".hash",
                "attachment.hash is missing; it must give the base64 SHA-1 of the Binary content.",
                "XDSRepositoryMetadataError");
    else if (auto given = formats::base64_decode(hash).value_or(""); given == formats::sha1_hex(stored.content))
        // A frequent slip (the IPF MHD sample has it): base64 of the hexadecimal digest.
        problem("value", at + ".hash",
                "attachment.hash is the base64 of the hexadecimal SHA-1; FHIR expects the base64 of the 20 raw SHA-1 "
                "bytes.",
                "XDSNonIdenticalHash");
    else if (given != formats::sha1_raw(stored.content))
        problem("value", at + ".hash", "attachment.hash does not match the base64 SHA-1 of the decoded Binary content.",
                "XDSNonIdenticalHash");
    binary_owner[url] = stored.id;

    record_relations(doc, path, checked);
    finish_document(doc, std::move(stored), checked, "Binary");
}

Json response_entry(const std::string& status, const std::string& location, const std::string& when) {
    Json response;
    response["status"] = status;
    if (!location.empty()) response["location"] = location;
    response["lastModified"] = when;
    return Json{{"response", response}};
}

} // namespace

HttpAnswer provide_document_bundle(Registry& registry, const std::string& body, const std::string& content_type) {
    std::string type = media_type(content_type);
    if (type != "application/fhir+json" && type != "application/json")
        return operation_outcome(415, "not-supported", "",
                                 "The request body must be application/fhir+json (or application/json); the sandbox "
                                 "does not read FHIR XML.");
    Json bundle = Json::parse(body, nullptr, false);
    if (bundle.is_discarded()) return operation_outcome(400, "structure", "", "The request body is not valid JSON.");
    if (text_of(bundle, "resourceType") != "Bundle")
        return operation_outcome(400, "structure", "Bundle.resourceType", "resourceType must be Bundle for ITI-65.");
    if (text_of(bundle, "type") != "transaction")
        return operation_outcome(400, "value", "Bundle.type", "Bundle.type must be transaction for ITI-65.");
    const Json* entries = member(bundle, "entry");
    if (!entries || !entries->is_array() || entries->empty())
        return operation_outcome(400, "required", "Bundle.entry", "The transaction Bundle has no entries.");

    std::vector<Problem> problems;
    std::map<std::string, const Json*> by_url;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const Json& entry = (*entries)[i];
        std::string path = entry_path(i);
        std::string full_url = text_of(entry, "fullUrl");
        const Json* resource = member(entry, "resource");
        const Json* request = member(entry, "request");
        if (full_url.empty())
            problems.push_back({"required", path + ".fullUrl", "The entry has no fullUrl.", ""});
        else if (!by_url.emplace(full_url, resource).second)
            problems.push_back({"structure", path + ".fullUrl", "Two entries share this fullUrl.", ""});
        if (!resource || !resource->is_object() || text_of(*resource, "resourceType").empty())
            problems.push_back({"required", path + ".resource", "The entry has no resource with a resourceType.", ""});
        if (!request || text_of(*request, "method").empty() || text_of(*request, "url").empty())
            problems.push_back({"required", path + ".request", "The entry has no request with method and url.", ""});
        else if (auto method = text_of(*request, "method"); method != "POST" && method != "PUT" && method != "PATCH")
            problems.push_back({"not-supported", path + ".request.method",
                                "Only POST, PUT and PATCH entries are accepted in ITI-65.", ""});
    }
    if (!problems.empty()) return operation_outcome(400, problems);

    Checked checked;
    std::map<std::string, std::string> binary_owner; // Binary fullUrl -> document id
    std::size_t submission_sets = 0;
    std::size_t document_count = 0;
    for (std::size_t i = 0; i < entries->size(); ++i) {
        const Json& entry = (*entries)[i];
        const Json& resource = entry["resource"];
        std::string method = text_of(entry["request"], "method");
        std::string url = text_of(entry["request"], "url");
        std::string resource_type = text_of(resource, "resourceType");
        if (method != "POST") {
            std::string target = document_reference_id(url);
            if (target.empty() || !sets_superseded(method, resource))
                checked.problems.push_back(
                    {"not-supported", entry_path(i) + ".request",
                     "Only a PUT or PATCH setting DocumentReference/<id> status to superseded is accepted.", ""});
            else
                checked.replacements.push_back(Replacement{target, ""});
            continue;
        }
        if (url != resource_type)
            checked.problems.push_back(
                {"structure", entry_path(i) + ".request.url",
                 "request.url must name the resource type being created (" + resource_type + ").", ""});
        if (resource_type == "List" && is_submission_set(resource)) ++submission_sets;
        if (resource_type == "DocumentReference") {
            ++document_count;
            check_document(resource, entry_path(i) + ".resource", by_url, binary_owner, checked);
        }
    }
    if (submission_sets != 1)
        checked.problems.push_back({"required", "Bundle.entry",
                                    "The Bundle must hold exactly one SubmissionSet List (code submissionset).",
                                    "XDSRegistryMetadataError"});
    if (document_count == 0)
        checked.problems.push_back(
            {"required", "Bundle.entry", "The Bundle holds no DocumentReference.", "XDSMissingDocument"});
    if (!checked.problems.empty()) return operation_outcome(422, checked.problems);

    auto outcome = registry.store(checked.documents, checked.replacements);
    if (outcome.duplicate_master)
        return operation_outcome(
            409, std::vector<Problem>{{"duplicate", "DocumentReference.masterIdentifier",
                                       "A document with this masterIdentifier is already stored; send a replacement "
                                       "(relatesTo replaces) with a new identifier instead.",
                                       "XDSDuplicateUniqueIdInRegistry"}});
    if (outcome.missing_target)
        return operation_outcome(422, std::vector<Problem>{{"not-found", "DocumentReference.relatesTo",
                                                            "The document to replace is not stored in this sandbox.",
                                                            "XDSUnresolvedReferenceException"}});

    std::string when = formats::utc_timestamp_now();
    Json response;
    response["resourceType"] = "Bundle";
    response["id"] = formats::random_uuid();
    response["type"] = "transaction-response";
    response["entry"] = Json::array();
    std::size_t next_document = 0;
    for (const auto& entry : *entries) {
        const Json& resource = entry["resource"];
        std::string method = text_of(entry["request"], "method");
        std::string resource_type = text_of(resource, "resourceType");
        if (method != "POST") {
            std::string id = document_reference_id(text_of(entry["request"], "url"));
            response["entry"].push_back(response_entry("200 OK", "DocumentReference/" + id + "/_history/2", when));
        } else if (resource_type == "DocumentReference") {
            const auto& id = checked.documents[next_document++].id;
            response["entry"].push_back(response_entry("201 Created", "DocumentReference/" + id + "/_history/1", when));
        } else if (auto owner = binary_owner.find(text_of(entry, "fullUrl"));
                   (resource_type == "Binary" || resource_type == "Bundle") && owner != binary_owner.end()) {
            response["entry"].push_back(
                response_entry("201 Created", resource_type + "/" + owner->second + "/_history/1", when));
        } else {
            response["entry"].push_back(
                response_entry("201 Created", resource_type + "/" + formats::random_uuid() + "/_history/1", when));
        }
    }
    return HttpAnswer{200, k_fhir_json, response.dump(), {}};
}

} // namespace healthdoc::sandbox
