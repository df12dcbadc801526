#include "sandbox/xds_metadata.hpp"

#include "formats/base64.hpp"
#include "formats/hash.hpp"
#include "formats/xml_document.hpp"
#include "sandbox/xds_repository.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace healthdoc::sandbox {
namespace {

constexpr const char* k_rim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
constexpr const char* k_has_member = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
constexpr const char* k_rplc = "urn:ihe:iti:2007:AssociationType:RPLC";

bool is_rim(const pugi::xml_node& node, const char* local) {
    return node.type() == pugi::node_element && formats::XmlDocument::local_name(node.name()) == local &&
           formats::XmlDocument::namespace_uri(node) == k_rim;
}

// Some senders (and the IPF samples) break long UUIDs with blanks; compare them without.
std::string normalised(const char* text) {
    std::string out;
    for (const char* c = text; *c; ++c)
        if (!std::isspace(static_cast<unsigned char>(*c))) out += *c;
    return out;
}

std::string name_of(const pugi::xml_node& object) {
    for (auto child : object.children())
        if (is_rim(child, "Name"))
            for (auto localized : child.children())
                if (is_rim(localized, "LocalizedString")) return localized.attribute("value").value();
    return "";
}

std::map<std::string, std::vector<std::string>> slots_of(const pugi::xml_node& object) {
    std::map<std::string, std::vector<std::string>> slots;
    for (auto slot : object.children()) {
        if (!is_rim(slot, "Slot")) continue;
        auto& values = slots[slot.attribute("name").value()];
        for (auto list : slot.children())
            if (is_rim(list, "ValueList"))
                for (auto value : list.children())
                    if (is_rim(value, "Value")) values.emplace_back(value.text().get());
    }
    return slots;
}

// External identifiers of `object` by (normalised) identificationScheme.
std::map<std::string, std::string> identifiers_of(const pugi::xml_node& object) {
    std::map<std::string, std::string> identifiers;
    for (auto child : object.children())
        if (is_rim(child, "ExternalIdentifier"))
            identifiers[normalised(child.attribute("identificationScheme").value())] = child.attribute("value").value();
    return identifiers;
}

// XDS DTM (YYYY[MM[DD[hh[mm[ss]]]]], UTC) -> FHIR dateTime.
std::string fhir_date_time(const std::string& dtm) {
    if (dtm.size() < 4 || !std::all_of(dtm.begin(), dtm.end(), [](unsigned char c) { return std::isdigit(c); })) return "";
    std::string out = dtm.substr(0, 4);
    if (dtm.size() >= 6) out += "-" + dtm.substr(4, 2);
    if (dtm.size() >= 8) out += "-" + dtm.substr(6, 2);
    if (dtm.size() >= 12) {
        out += "T" + dtm.substr(8, 2) + ":" + dtm.substr(10, 2) + ":" + (dtm.size() >= 14 ? dtm.substr(12, 2) : "00") + "Z";
    }
    return out;
}

nlohmann::ordered_json concept_of(const XdsCode& code) {
    nlohmann::ordered_json coding;
    if (!code.system.empty())
        coding["system"] = code.system.find(':') == std::string::npos ? "urn:oid:" + code.system : code.system;
    coding["code"] = code.code;
    if (!code.display.empty()) coding["display"] = code.display;
    return nlohmann::ordered_json{{"coding", nlohmann::ordered_json::array({coding})}};
}

} // namespace

std::string XdsDocumentEntry::slot(const std::string& name) const {
    auto it = slots.find(name);
    return it == slots.end() || it->second.empty() ? "" : it->second.front();
}

XdsCode XdsDocumentEntry::code(const std::string& scheme) const {
    auto it = codes.find(scheme);
    return it == codes.end() ? XdsCode{} : it->second;
}

XdsSubmission read_submission(const pugi::xml_node& submit) {
    XdsSubmission submission;
    pugi::xml_node list;
    for (auto child : submit.children())
        if (is_rim(child, "RegistryObjectList")) list = child;
    auto problem = [&](const std::string& code, const std::string& context, const std::string& location) {
        submission.problems.push_back(XdsProblem{code, context, location});
    };
    if (!list) {
        problem("XDSRegistryMetadataError", "The SubmitObjectsRequest holds no rim:RegistryObjectList.", "");
        return submission;
    }
    std::string package_id;
    std::vector<std::pair<std::string, std::string>> members; // (source, target) of HasMember
    for (auto object : list.children()) {
        if (is_rim(object, "ExtrinsicObject")) {
            XdsDocumentEntry entry;
            entry.id = object.attribute("id").value();
            entry.mime_type = object.attribute("mimeType").value();
            entry.title = name_of(object);
            entry.slots = slots_of(object);
            auto identifiers = identifiers_of(object);
            entry.unique_id = identifiers[k_xds_document_unique_id];
            entry.patient_id = identifiers[k_xds_document_patient_id];
            for (auto child : object.children()) {
                if (!is_rim(child, "Classification")) continue;
                XdsCode code{child.attribute("nodeRepresentation").value(), "", name_of(child)};
                auto slots = slots_of(child);
                if (!slots["codingScheme"].empty()) code.system = slots["codingScheme"].front();
                entry.codes[normalised(child.attribute("classificationScheme").value())] = code;
            }
            const std::string where = entry.id;
            std::string object_type = normalised(object.attribute("objectType").value());
            if (object_type != k_xds_stable_document && object_type != k_xds_on_demand_document)
                problem("XDSRegistryMetadataError", "ExtrinsicObject " + where + " has no DocumentEntry objectType (stable or on-demand).", where);
            if (entry.mime_type.empty()) problem("XDSRegistryMetadataError", "DocumentEntry " + where + " has no mimeType.", where);
            if (entry.unique_id.empty()) problem("XDSRegistryMetadataError", "DocumentEntry " + where + " has no XDSDocumentEntry.uniqueId.", where);
            if (entry.patient_id.empty()) problem("XDSRegistryMetadataError", "DocumentEntry " + where + " has no XDSDocumentEntry.patientId.", where);
            for (const char* slot : {"creationTime", "languageCode", "sourcePatientId"})
                if (entry.slot(slot).empty())
                    problem("XDSRegistryMetadataError", "DocumentEntry " + where + " has no " + slot + " slot.", where);
            const std::pair<const char*, const char*> required[] = {
                {k_xds_class_code, "classCode"}, {k_xds_type_code, "typeCode"}, {k_xds_format_code, "formatCode"},
                {k_xds_confidentiality_code, "confidentialityCode"}, {k_xds_facility_type_code, "healthcareFacilityTypeCode"},
                {k_xds_practice_setting_code, "practiceSettingCode"}};
            for (const auto& [scheme, name] : required)
                if (entry.code(scheme).code.empty())
                    problem("XDSRegistryMetadataError", "DocumentEntry " + where + " has no " + name + " classification.", where);
            submission.entries.push_back(std::move(entry));
        } else if (is_rim(object, "RegistryPackage")) {
            package_id = object.attribute("id").value();
            auto identifiers = identifiers_of(object);
            submission.submission_unique_id = identifiers[k_xds_submission_unique_id];
            submission.submission_patient_id = identifiers[k_xds_submission_patient_id];
            if (submission.submission_unique_id.empty())
                problem("XDSRegistryMetadataError", "The SubmissionSet has no XDSSubmissionSet.uniqueId.", package_id);
            if (identifiers[k_xds_submission_source_id].empty())
                problem("XDSRegistryMetadataError", "The SubmissionSet has no XDSSubmissionSet.sourceId.", package_id);
            if (submission.submission_patient_id.empty())
                problem("XDSRegistryMetadataError", "The SubmissionSet has no XDSSubmissionSet.patientId.", package_id);
        } else if (is_rim(object, "Association")) {
            std::string type = normalised(object.attribute("associationType").value());
            std::string source = object.attribute("sourceObject").value();
            std::string target = object.attribute("targetObject").value();
            if (type == k_has_member) members.emplace_back(source, target);
            if (type == k_rplc) submission.replaced.push_back(target);
        }
    }
    if (package_id.empty())
        problem("XDSRegistryMetadataError", "The request has no SubmissionSet (rim:RegistryPackage).", "");
    if (submission.entries.empty())
        problem("XDSRegistryMetadataError", "The request has no DocumentEntry (rim:ExtrinsicObject).", "");
    for (const auto& entry : submission.entries) {
        bool member = std::find(members.begin(), members.end(), std::make_pair(package_id, entry.id)) != members.end();
        if (!package_id.empty() && !member)
            problem("XDSRegistryMetadataError", "No HasMember association links the SubmissionSet to DocumentEntry " + entry.id + ".", entry.id);
        if (!entry.patient_id.empty() && !submission.submission_patient_id.empty() &&
            entry.patient_id != submission.submission_patient_id)
            problem("XDSPatientIdDoesNotMatch", "The patientId of DocumentEntry " + entry.id + " differs from the SubmissionSet's.", entry.id);
    }
    return submission;
}

std::string synthesise_document_reference(const XdsDocumentEntry& entry, const StoredDocument& stored) {
    using Json = nlohmann::ordered_json;
    Json doc;
    doc["resourceType"] = "DocumentReference";
    doc["id"] = stored.id;
    doc["meta"] = Json{{"versionId", "1"}, {"lastUpdated", stored.created}};
    doc["masterIdentifier"] = Json{{"system", stored.master_system}, {"value", stored.master_value}};
    doc["identifier"] = Json::array({Json{{"use", "official"}, {"system", "urn:ietf:rfc:3986"}, {"value", stored.entry_uuid}}});
    doc["status"] = stored.status;
    if (auto type = entry.code(k_xds_type_code); !type.code.empty()) doc["type"] = concept_of(type);
    if (auto category = entry.code(k_xds_class_code); !category.code.empty()) doc["category"] = Json::array({concept_of(category)});
    Json identifier;
    if (!stored.patient_system.empty()) identifier["system"] = stored.patient_system;
    identifier["value"] = stored.patient_value;
    doc["subject"] = Json{{"identifier", identifier}};
    if (auto created = fhir_date_time(entry.slot("creationTime")); !created.empty()) doc["date"] = created;
    if (auto confidentiality = entry.code(k_xds_confidentiality_code); !confidentiality.code.empty())
        doc["securityLabel"] = Json::array({concept_of(confidentiality)});
    Json attachment;
    attachment["contentType"] = stored.content_type;
    if (auto language = entry.slot("languageCode"); !language.empty()) attachment["language"] = language;
    attachment["url"] = "Binary/" + stored.id;
    attachment["size"] = stored.size;
    attachment["hash"] = formats::base64_encode(formats::sha1_raw(stored.content));
    if (!entry.title.empty()) attachment["title"] = entry.title;
    if (auto created = fhir_date_time(entry.slot("creationTime")); !created.empty()) attachment["creation"] = created;
    Json content{{"attachment", attachment}};
    if (auto format = entry.code(k_xds_format_code); !format.code.empty()) {
        Json coding = concept_of(format)["coding"][0];
        content["format"] = coding;
    }
    doc["content"] = Json::array({content});
    Json context = Json::object();
    if (auto facility = entry.code(k_xds_facility_type_code); !facility.code.empty()) context["facilityType"] = concept_of(facility);
    if (auto practice = entry.code(k_xds_practice_setting_code); !practice.code.empty()) context["practiceSetting"] = concept_of(practice);
    auto start = fhir_date_time(entry.slot("serviceStartTime"));
    auto stop = fhir_date_time(entry.slot("serviceStopTime"));
    if (!start.empty() || !stop.empty()) {
        Json period = Json::object();
        if (!start.empty()) period["start"] = start;
        if (!stop.empty()) period["end"] = stop;
        context["period"] = period;
    }
    if (!context.empty()) doc["context"] = context;
    return doc.dump();
}

} // namespace healthdoc::sandbox
