#include "push/mhd_bundle.hpp"

#include "formats/base64.hpp"
#include "formats/hash.hpp"
#include "formats/ids.hpp"
#include "formats/text_utils.hpp"
#include "push/mhd_resources.hpp"

#include <optional>
#include <utility>

namespace healthdoc::push {
namespace {

using mhd::Json;

constexpr const char* k_identifier_types = "https://profiles.ihe.net/ITI/MHD/CodeSystem/IHE.MHD.MHDIdentifierType";
constexpr const char* k_list_types = "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes";
constexpr const char* k_source_id_extension = "https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId";
constexpr const char* k_designation_type_extension =
    "https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-designationType";
constexpr const char* k_author_org_extension = "https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-authorOrg";

// Entry order follows the PDSM4DMP ITI-65 examples: SubmissionSet, DocumentReference, the
// optional PATCH of the replaced DocumentReference, then the Binary.
const std::string k_list = "Bundle.entry[0].resource";
const std::string k_document = "Bundle.entry[1].resource";

// What every part of the bundle needs: the inputs and where findings go.
struct Context {
    std::string_view bytes;
    const nlohmann::ordered_json* fhir_document; // sent as a Bundle entry instead of a Binary
    cda::HeaderSource source;
    const cda::XdsDocumentEntry& entry;
    const cda::CdaHeader& header;
    const MhdOptions& options;
    formats::Diagnostics& out;
    std::string now; // submission time: List.date and DocumentReference.date

    void report(formats::Severity severity, const std::string& rule, const std::string& message,
                const std::string& path) const {
        out.report(severity, rule, message, formats::Location{"", 0, 0, path});
    }
    // Required metadata the inputs lack: the element at `path` is left out. `why` says where it
    // would come from; by default the document element it is read from.
    void missing(const std::string& field, const std::string& path, const std::string& why = {},
                 formats::Severity severity = formats::Severity::error) const {
        report(severity, "push.mhd.missing-" + field,
               path + " was left out: XDS " + field + " is missing (" +
                   (why.empty() ? cda::metadata_source(source, field) : why) + ")",
               path);
    }
    // A required date-time from the header, or "" after reporting why there is none.
    std::string required_time(const cda::TimeStamp& time, const std::string& field, const std::string& path) const {
        if (!time.parsed()) {
            missing(field, path);
            return {};
        }
        return mhd::fhir_date_time(time, field, path, out);
    }
};

// An MHD business identifier (IHE.MHD.UniqueIdIdentifier / EntryUUIDIdentifier): typed,
// system urn:ietf:rfc:3986 and a URI value. `use` as in the MHD examples.
Json mhd_identifier(const char* type, const std::string& value, const char* use) {
    Json identifier = Json::object();
    if (use) identifier["use"] = use;
    identifier["type"] = Json{{"coding", Json::array({Json{{"system", k_identifier_types}, {"code", type}}})}};
    identifier["system"] = mhd::k_uri_system;
    identifier["value"] = value;
    return identifier;
}

Json profile(const char* canonical) { return Json{{"profile", Json::array({canonical})}}; }

Json transaction_entry(const std::string& full_url, Json resource, const char* method, const std::string& url) {
    return Json{
        {"fullUrl", full_url}, {"resource", std::move(resource)}, {"request", {{"method", method}, {"url", url}}}};
}

// The OID of an option given as "1.2.3" or "urn:oid:1.2.3"; "" when it is not an OID.
std::string option_oid(const std::string& value) {
    std::string bare = value.rfind("urn:oid:", 0) == 0 ? value.substr(8) : value;
    return unique_id_uri(bare).rfind("urn:oid:", 0) == 0 ? bare : std::string();
}

// "DocumentReference/<id>" at the end of a relative or absolute reference, else "".
std::string document_reference_path(const std::string& reference) {
    auto at = reference.rfind("DocumentReference/");
    if (at == std::string::npos) return {};
    std::string path = reference.substr(at);
    if (path.size() == std::string("DocumentReference/").size() || path.find('/', 18) != std::string::npos) return {};
    return path;
}

// relatesTo "replaces" (MHD ConceptMap AssociationTypeVsRelatesTo: RPLC -> replaces).
Json replacements(const Context& c) {
    Json relations = Json::array();
    auto replaces = [&](Json target) {
        relations.push_back(Json{{"code", "replaces"}, {"target", std::move(target)}});
    };
    const std::string& given = c.options.replaces_reference;
    if (given.rfind("urn:uuid:", 0) == 0) {
        replaces(Json{{"type", "DocumentReference"}, {"identifier", mhd_identifier("entryUUID", given, nullptr)}});
    } else if (!given.empty()) {
        if (document_reference_path(given).empty())
            c.report(formats::Severity::error, "push.mhd.invalid-replaces",
                     "the replaced document must be given as DocumentReference/<id> or as its entryUUID urn:uuid:...",
                     k_document + ".relatesTo");
        else
            replaces(Json{{"reference", given}});
    } else {
        // Only the replaced document's uniqueId is known from the CDA header (RPLC parent id).
        for (const auto& unique_id : c.entry.replaces)
            replaces(Json{{"type", "DocumentReference"},
                          {"identifier", mhd_identifier("uniqueId", unique_id_uri(unique_id), nullptr)}});
    }
    return relations;
}

// The PATCH that supersedes the replaced DocumentReference (MHD UpdateDocumentRefs slice,
// IHE.MHD.Patch.Parameters), as the PDSM4DMP replacement example sends it.
std::optional<Json> supersede_patch(const MhdOptions& options) {
    std::string path = document_reference_path(options.replaces_reference);
    if (path.empty()) return std::nullopt;
    Json parts = Json::array({Json{{"name", "type"}, {"valueCode", "replace"}},
                              Json{{"name", "path"}, {"valueString", "DocumentReference.status"}},
                              Json{{"name", "value"}, {"valueCode", "superseded"}}});
    Json parameters{{"resourceType", "Parameters"},
                    {"parameter", Json::array({Json{{"name", "operation"}, {"part", std::move(parts)}}})}};
    return transaction_entry("urn:uuid:" + formats::random_uuid(), std::move(parameters), "PATCH", path);
}

// The attachment and format of the one content element (MHD: content 1..1).
Json content(const Context& c, const std::string& binary_url, const std::string& content_type) {
    const std::string path = k_document + ".content[0]";
    Json attachment = Json::object();
    attachment["contentType"] = content_type;
    if (!c.entry.language_code.empty())
        attachment["language"] = c.entry.language_code;
    else
        c.missing("languageCode", path + ".attachment.language");
    attachment["url"] = binary_url;
    if (!c.fhir_document) {
        // FHIR Attachment.hash: base64 of the 20 raw SHA-1 bytes (not of the hexadecimal digest).
        // MHD: absent when the content is a FHIR document Bundle of the transaction.
        attachment["size"] = c.bytes.size();
        attachment["hash"] = formats::base64_encode(formats::sha1_raw(c.bytes));
    }
    if (!c.entry.title.empty())
        attachment["title"] = c.entry.title;
    else
        c.missing("title", path + ".attachment.title");
    std::string creation = c.required_time(c.header.effective_time, "creationTime", path + ".attachment.creation");
    if (!creation.empty()) attachment["creation"] = creation;

    Json element{{"attachment", std::move(attachment)}};
    if (!c.entry.format_code.code.empty()) {
        element["format"] = mhd::coding(c.entry.format_code);
    } else if (c.header.body == cda::BodyKind::non_xml) {
        c.missing("formatCode", path + ".format", "a nonXMLBody media type known to the DMP");
    } else {
        // Not the document's fault: the ANS table ASS_A11 (template id -> formatCode) is not
        // installed. Still required by the comprehensive profile, hence the warning.
        c.missing("formatCode", path + ".format", "the ANS table ASS_A11 is needed for a structured body",
                  formats::Severity::warning);
    }
    return element;
}

Json context_element(const Context& c) {
    const std::string path = k_document + ".context";
    Json context = Json::object();
    Json period = Json::object();
    std::string start = c.required_time(c.header.service_period.low, "serviceStartTime", path + ".period.start");
    if (!start.empty()) period["start"] = start;
    std::string stop =
        mhd::fhir_date_time(c.header.service_period.high, "serviceStopTime", path + ".period.end", c.out);
    if (!stop.empty()) period["end"] = stop;
    if (!period.empty()) context["period"] = std::move(period);
    if (!c.entry.healthcare_facility_type_code.code.empty())
        context["facilityType"] = mhd::codeable_concept(c.entry.healthcare_facility_type_code);
    else
        c.missing("healthcareFacilityTypeCode", path + ".facilityType");
    if (!c.entry.practice_setting_code.code.empty())
        context["practiceSetting"] = mhd::codeable_concept(c.entry.practice_setting_code);
    else
        c.missing("practiceSettingCode", path + ".practiceSetting");
    context["sourcePatientInfo"] = Json{{"reference", "#patient"}};
    return context;
}

Json document_reference(const Context& c, const std::string& entry_uuid, const std::string& binary_url,
                        const std::optional<Json>& ins, const std::optional<Json>& subject) {
    Json contained = Json::array({mhd::source_patient(c.header, ins, "patient")});
    Json authors = Json::array();
    for (std::size_t i = 0; i < c.header.authors.size(); ++i) {
        std::string ref = mhd::add_participant(contained, c.header.authors[i], "author" + std::to_string(i + 1));
        if (ref.empty())
            c.missing("authorPerson", k_document + ".author[" + std::to_string(authors.size()) + "]",
                      (c.source == cda::HeaderSource::cda ? "ClinicalDocument/author[" + std::to_string(i + 1) + "]"
                                                          : "Composition.author[" + std::to_string(i) + "]") +
                          " identifies no person, device or organisation");
        else
            authors.push_back(Json{{"reference", ref}});
    }
    if (c.header.authors.empty()) c.missing("authorPerson", k_document + ".author");
    std::string authenticator;
    if (c.header.legal_authenticator)
        authenticator = mhd::add_participant(contained, *c.header.legal_authenticator, "authenticator");
    if (authenticator.empty()) c.missing("legalAuthenticator", k_document + ".authenticator");
    // PDSm makes custodian 1..1; the CDA custodian is the organisation keeping the document.
    std::string custodian = mhd::add_organization(contained, c.header.custodian, "custodian");
    if (custodian.empty()) c.missing("custodian", k_document + ".custodian");

    Json doc{{"resourceType", "DocumentReference"}, {"meta", profile(k_pdsm_document_reference_profile)}};
    doc["contained"] = std::move(contained);
    if (!c.entry.unique_id.empty() && !c.header.id.root.empty())
        doc["masterIdentifier"] = mhd_identifier("uniqueId", unique_id_uri(c.entry.unique_id), nullptr);
    else
        c.missing("uniqueId", k_document + ".masterIdentifier");
    doc["identifier"] = Json::array({mhd_identifier("entryUUID", entry_uuid, "official")});
    doc["status"] = "current";
    if (!c.entry.type_code.code.empty())
        doc["type"] = mhd::codeable_concept(c.entry.type_code);
    else
        c.missing("typeCode", k_document + ".type");
    if (!c.entry.class_code.code.empty())
        doc["category"] = Json::array({mhd::codeable_concept(c.entry.class_code)});
    else
        // Derived from typeCode with the ANS table ASS_X04, which may not be installed.
        c.missing("classCode", k_document + ".category", "the ANS table ASS_X04 maps typeCode to it",
                  formats::Severity::warning);
    if (subject) doc["subject"] = *subject;
    doc["date"] = c.now;
    if (!authors.empty()) doc["author"] = std::move(authors);
    if (!authenticator.empty()) doc["authenticator"] = Json{{"reference", authenticator}};
    if (!custodian.empty()) doc["custodian"] = Json{{"reference", custodian}};
    if (Json relations = replacements(c); !relations.empty()) doc["relatesTo"] = std::move(relations);
    if (!c.entry.confidentiality_code.code.empty())
        doc["securityLabel"] = Json::array({mhd::codeable_concept(c.entry.confidentiality_code)});
    else
        c.missing("confidentialityCode", k_document + ".securityLabel");
    std::string content_type = !c.options.content_type.empty() ? c.options.content_type
                               : !c.entry.mime_type.empty()    ? c.entry.mime_type
                                                               : "text/xml";
    doc["content"] = Json::array({content(c, binary_url, content_type)});
    doc["context"] = context_element(c);
    return doc;
}

Json submission_set(const Context& c, const std::string& entry_uuid, const std::string& document_url,
                    const std::optional<Json>& subject) {
    Json list{{"resourceType", "List"}, {"meta", profile(k_pdsm_submission_set_profile)}};
    // The CDA names no sender: its first author stands for the SubmissionSet author, as in the
    // PDSM4DMP examples where the lot and the document share their author.
    Json contained = Json::array();
    std::string author =
        c.header.authors.empty() ? std::string() : mhd::add_participant(contained, c.header.authors.front(), "author");
    if (author.empty()) c.missing("authorPerson", k_list + ".source");
    list["contained"] = contained;

    Json extensions = Json::array();
    if (!c.options.designation_type.code.empty())
        extensions.push_back(Json{{"url", k_designation_type_extension},
                                  {"valueCodeableConcept", mhd::codeable_concept(c.options.designation_type)}});
    else
        c.missing("designationType", k_list + ".extension[designationType]",
                  "the submission's contentTypeCode is not in the CDA document and was not given");
    std::string source_oid = option_oid(c.options.source_id);
    if (!source_oid.empty())
        extensions.push_back(
            Json{{"url", k_source_id_extension},
                 {"valueIdentifier", {{"system", mhd::k_uri_system}, {"value", "urn:oid:" + source_oid}}}});
    else if (c.options.source_id.empty())
        c.missing("sourceId", k_list + ".extension[sourceId]", "the sending system's OID was not given");
    else
        c.report(formats::Severity::error, "push.mhd.invalid-sourceId", "the submission set sourceId must be an OID",
                 k_list + ".extension[sourceId]");
    list["extension"] = std::move(extensions);

    std::string unique_id = c.options.submission_set_id.empty() ? formats::uuid_to_oid(formats::random_uuid())
                                                                : option_oid(c.options.submission_set_id);
    if (unique_id.empty())
        c.report(formats::Severity::error, "push.mhd.invalid-submissionSetId",
                 "the submission set uniqueId must be an OID", k_list + ".identifier[uniqueId]");
    Json identifiers = Json::array();
    if (!unique_id.empty()) identifiers.push_back(mhd_identifier("uniqueId", "urn:oid:" + unique_id, "usual"));
    identifiers.push_back(mhd_identifier("entryUUID", entry_uuid, "official"));
    list["identifier"] = std::move(identifiers);
    list["status"] = "current";
    list["mode"] = "working";
    list["code"] = Json{{"coding", Json::array({Json{{"system", k_list_types}, {"code", "submissionset"}}})}};
    if (subject) list["subject"] = *subject;
    list["date"] = c.now;
    if (!author.empty()) {
        // An organisation alone is named through the authorOrg extension (MHD SubmissionSet).
        bool organization_only = contained.size() == 1 && contained[0]["resourceType"] == "Organization";
        list["source"] = organization_only
                             ? Json{{"extension", Json::array({Json{{"url", k_author_org_extension},
                                                                    {"valueReference", {{"reference", author}}}}})}}
                             : Json{{"reference", author}};
    }
    list["entry"] = Json::array({Json{{"item", {{"reference", document_url}}}}});
    return list;
}

} // namespace

nlohmann::ordered_json build_iti65_bundle(const std::string& cda_bytes, const cda::XdsDocumentEntry& entry,
                                          const cda::CdaHeader& header, const MhdOptions& options,
                                          formats::Diagnostics& out) {
    return build_iti65_bundle(MhdContent{cda_bytes}, entry, header, options, out);
}

nlohmann::ordered_json build_iti65_bundle(const MhdContent& content, const cda::XdsDocumentEntry& entry,
                                          const cda::CdaHeader& header, const MhdOptions& options,
                                          formats::Diagnostics& out) {
    const auto& cda_bytes = content.bytes;
    Context c{content.bytes, content.fhir_document,       content.source, entry, header, options,
              out,           formats::utc_timestamp_now()};
    if (cda_bytes.empty())
        c.report(formats::Severity::error, "push.mhd.missing-content", "the document to send is empty",
                 k_document + ".content[0].attachment");
    else if (!entry.hash.empty() && entry.hash != formats::sha1_hex(cda_bytes))
        c.report(formats::Severity::error, "push.mhd.content-mismatch",
                 "the XDS metadata was mapped from other bytes than the document being wrapped",
                 k_document + ".content[0]");

    // MHD comprehensive: the subject is the INS; a conditional reference as in the PDSM4DMP
    // examples lets the recipient resolve its own Patient.
    std::optional<Json> ins = mhd::identifier_from_cx(entry.patient_id);
    std::optional<Json> subject;
    if (ins)
        subject = Json{{"reference", "Patient?identifier=" + (*ins)["system"].get<std::string>() + "|" +
                                         (*ins)["value"].get<std::string>()}};
    else
        c.missing("patientId", k_document + ".subject");

    std::string list_url = "urn:uuid:" + formats::random_uuid();
    std::string document_url = "urn:uuid:" + formats::random_uuid();
    std::string binary_url = "urn:uuid:" + formats::random_uuid();
    // The entryUUIDs are the fullUrls: the XDS-on-FHIR identity of each entry in the bundle.
    Json document = document_reference(c, document_url, binary_url, ins, subject);
    Json list = submission_set(c, list_url, document_url, subject);
    auto content_type = document["content"][0]["attachment"]["contentType"].get<std::string>();

    Json bundle{{"resourceType", "Bundle"}, {"meta", profile(k_pdsm_provide_bundle_profile)}, {"type", "transaction"}};
    Json entries = Json::array();
    entries.push_back(transaction_entry(list_url, std::move(list), "POST", "List"));
    entries.push_back(transaction_entry(document_url, std::move(document), "POST", "DocumentReference"));
    if (auto patch = supersede_patch(options)) entries.push_back(std::move(*patch));
    if (content.fhir_document)
        entries.push_back(transaction_entry(binary_url, *content.fhir_document, "POST", "Bundle"));
    else
        entries.push_back(transaction_entry(binary_url,
                                            Json{{"resourceType", "Binary"},
                                                 {"contentType", content_type},
                                                 {"data", formats::base64_encode(cda_bytes)}},
                                            "POST", "Binary"));
    bundle["entry"] = std::move(entries);
    return bundle;
}

std::string serialize_iti65_bundle(const nlohmann::ordered_json& bundle, std::string_view fhir_document_text) {
    if (fhir_document_text.empty()) return bundle.dump(2);
    // Stand the document in with a token no JSON text can hold by accident, then put the text
    // written by the document's author in its place.
    const std::string token = "healthdoc-fhir-document-" + formats::random_uuid();
    Json copy = bundle;
    for (auto& entry : copy["entry"])
        if (entry["request"].value("url", "") == "Bundle") entry["resource"] = token;
    std::string text = copy.dump(2);
    auto at = text.find('"' + token + '"');
    if (at == std::string::npos) return bundle.dump(2);
    return text.replace(at, token.size() + 2, formats::trim(fhir_document_text));
}

} // namespace healthdoc::push
