#include "push/xds_submit_request.hpp"

#include "formats/base64.hpp"
#include "formats/ids.hpp"
#include "formats/text_utils.hpp"

#include <pugixml.hpp>

#include <sstream>

namespace healthdoc::push {
namespace {

using formats::Severity;

constexpr const char* k_xds = "urn:ihe:iti:xds-b:2007";
constexpr const char* k_lcm = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0";
constexpr const char* k_rim = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0";
constexpr const char* k_xop = "http://www.w3.org/2004/08/xop/include";

// IHE ITI TF-3 4.2.5 / 4.2.3: the classification and identification schemes.
namespace scheme {
constexpr const char* document_entry = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"; // stable entry objectType
constexpr const char* author = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d";
constexpr const char* class_code = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
constexpr const char* confidentiality = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f";
constexpr const char* format_code = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d";
constexpr const char* facility_type = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1";
constexpr const char* practice_setting = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead";
constexpr const char* type_code = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
constexpr const char* entry_patient_id = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427";
constexpr const char* entry_unique_id = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab";
constexpr const char* submission_set = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";
constexpr const char* submission_author = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
constexpr const char* content_type = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500";
constexpr const char* set_unique_id = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8";
constexpr const char* set_source_id = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832";
constexpr const char* set_patient_id = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446";
} // namespace scheme

constexpr const char* k_has_member = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember";
constexpr const char* k_replace = "urn:ihe:iti:2007:AssociationType:RPLC";

class Builder {
public:
    Builder(formats::Diagnostics& out) : m_out(out) {}

    pugi::xml_node slot(pugi::xml_node parent, const char* name, const std::vector<std::string>& values) {
        auto s = parent.append_child("rim:Slot");
        s.append_attribute("name") = name;
        auto list = s.append_child("rim:ValueList");
        for (const auto& v : values) list.append_child("rim:Value").text() = v.c_str();
        return s;
    }
    void slot_if(pugi::xml_node parent, const char* name, const std::string& value) {
        if (!value.empty()) slot(parent, name, {value});
    }
    void name(pugi::xml_node parent, const std::string& text) {
        parent.append_child("rim:Name").append_child("rim:LocalizedString").append_attribute("value") = text.c_str();
    }
    std::string next_id(const char* prefix) { return std::string(prefix) + std::to_string(++m_counter); }

    // A coded classification (classCode, typeCode...), reported missing when empty and required.
    void code(pugi::xml_node object, const std::string& object_id, const char* scheme_uuid, const cda::XdsCode& value,
              const char* attribute, Severity when_missing) {
        if (value.code.empty()) {
            m_out.report(when_missing, std::string("push.xds.missing-") + attribute,
                         std::string("XDS ") + attribute + " is missing: the classification was left out",
                         formats::Location{{}, 0, 0, std::string("ExtrinsicObject/Classification[") + attribute + "]"});
            return;
        }
        auto c = object.append_child("rim:Classification");
        c.append_attribute("id") = next_id("cl").c_str();
        c.append_attribute("classificationScheme") = scheme_uuid;
        c.append_attribute("classifiedObject") = object_id.c_str();
        c.append_attribute("nodeRepresentation") = value.code.c_str();
        slot(c, "codingScheme", {value.scheme});
        name(c, value.display.empty() ? value.code : value.display);
    }
    void external_id(pugi::xml_node object, const std::string& object_id, const char* scheme_uuid,
                     const std::string& value, const char* label) {
        auto e = object.append_child("rim:ExternalIdentifier");
        e.append_attribute("id") = next_id("ei").c_str();
        e.append_attribute("registryObject") = object_id.c_str();
        e.append_attribute("identificationScheme") = scheme_uuid;
        e.append_attribute("value") = value.c_str();
        name(e, label);
    }
    void require(const std::string& value, const char* attribute, const char* where) {
        if (!value.empty()) return;
        m_out.report(Severity::error, std::string("push.xds.missing-") + attribute,
                     std::string("XDS ") + attribute + " is missing: the DMP requires it",
                     formats::Location{{}, 0, 0, where});
    }

private:
    formats::Diagnostics& m_out;
    int m_counter = 0;
};

void add_authors(Builder& b, pugi::xml_node object, const std::string& object_id, const char* scheme_uuid,
                 const cda::XdsDocumentEntry& entry) {
    for (std::size_t i = 0; i < entry.author_person.size(); ++i) {
        auto c = object.append_child("rim:Classification");
        c.append_attribute("id") = b.next_id("cl").c_str();
        c.append_attribute("classificationScheme") = scheme_uuid;
        c.append_attribute("classifiedObject") = object_id.c_str();
        c.append_attribute("nodeRepresentation") = "";
        b.slot(c, "authorPerson", {entry.author_person[i]});
        if (i < entry.author_institution.size()) b.slot(c, "authorInstitution", {entry.author_institution[i]});
        if (i < entry.author_role.size() && !entry.author_role[i].empty())
            b.slot(c, "authorRole", {entry.author_role[i]});
        if (i < entry.author_specialty.size() && !entry.author_specialty[i].code.empty()) {
            const auto& s = entry.author_specialty[i];
            // HL7 V2 CWE, as the DMP reads it: code^display^coding scheme OID.
            b.slot(c, "authorSpecialty", {s.code + "^" + s.display + "^" + s.scheme});
        }
    }
}

} // namespace

std::string build_provide_and_register(const cda::XdsDocumentEntry& entry, const XdsSubmissionOptions& options,
                                       const XdsDocumentContent& content, formats::Diagnostics& out) {
    Builder b(out);
    b.require(entry.unique_id, "uniqueId", "ExtrinsicObject/ExternalIdentifier[uniqueId]");
    b.require(entry.patient_id, "patientId", "ExtrinsicObject/ExternalIdentifier[patientId]");
    b.require(entry.creation_time, "creationTime", "ExtrinsicObject/Slot[creationTime]");
    b.require(options.source_id, "sourceId", "RegistryPackage/ExternalIdentifier[sourceId]");

    pugi::xml_document document;
    auto request = document.append_child("xds:ProvideAndRegisterDocumentSetRequest");
    request.append_attribute("xmlns:xds") = k_xds;
    request.append_attribute("xmlns:lcm") = k_lcm;
    request.append_attribute("xmlns:rim") = k_rim;
    auto submit = request.append_child("lcm:SubmitObjectsRequest");
    auto list = submit.append_child("rim:RegistryObjectList");

    // Symbolic ids (not urn:uuid) let the registry assign the entryUUIDs (ITI TF-3 4.2.3.1.6).
    const std::string document_id = "Document01", set_id = "SubmissionSet01";
    auto extrinsic = list.append_child("rim:ExtrinsicObject");
    extrinsic.append_attribute("id") = document_id.c_str();
    extrinsic.append_attribute("mimeType") = (entry.mime_type.empty() ? "text/xml" : entry.mime_type).c_str();
    extrinsic.append_attribute("objectType") = scheme::document_entry;
    b.slot_if(extrinsic, "creationTime", entry.creation_time);
    b.slot_if(extrinsic, "hash", entry.hash);
    b.slot_if(extrinsic, "languageCode", entry.language_code);
    b.slot_if(extrinsic, "legalAuthenticator", entry.legal_authenticator);
    b.slot_if(extrinsic, "serviceStartTime", entry.service_start_time);
    b.slot_if(extrinsic, "serviceStopTime", entry.service_stop_time);
    if (entry.size > 0) b.slot(extrinsic, "size", {std::to_string(entry.size)});
    b.slot_if(extrinsic, "sourcePatientId", entry.source_patient_id);
    if (!entry.title.empty()) b.name(extrinsic, entry.title);
    add_authors(b, extrinsic, document_id, scheme::author, entry);
    b.code(extrinsic, document_id, scheme::class_code, entry.class_code, "classCode", Severity::warning);
    b.code(extrinsic, document_id, scheme::confidentiality, entry.confidentiality_code, "confidentialityCode",
           Severity::error);
    b.code(extrinsic, document_id, scheme::format_code, entry.format_code, "formatCode", Severity::warning);
    b.code(extrinsic, document_id, scheme::facility_type, entry.healthcare_facility_type_code,
           "healthcareFacilityTypeCode", Severity::error);
    b.code(extrinsic, document_id, scheme::practice_setting, entry.practice_setting_code, "practiceSettingCode",
           Severity::error);
    b.code(extrinsic, document_id, scheme::type_code, entry.type_code, "typeCode", Severity::error);
    b.external_id(extrinsic, document_id, scheme::entry_patient_id, entry.patient_id, "XDSDocumentEntry.patientId");
    b.external_id(extrinsic, document_id, scheme::entry_unique_id, entry.unique_id, "XDSDocumentEntry.uniqueId");

    auto package = list.append_child("rim:RegistryPackage");
    package.append_attribute("id") = set_id.c_str();
    b.slot(package, "submissionTime",
           {options.submission_time.empty() ? formats::utc_now("%Y%m%d%H%M%S") : options.submission_time});
    if (!entry.author_person.empty()) {
        // The submission set's author: the document's first author (the CDA names no sender).
        cda::XdsDocumentEntry first;
        first.author_person = {entry.author_person.front()};
        if (!entry.author_institution.empty()) first.author_institution = {entry.author_institution.front()};
        if (!entry.author_specialty.empty()) first.author_specialty = {entry.author_specialty.front()};
        add_authors(b, package, set_id, scheme::submission_author, first);
    }
    if (options.content_type_code.code.empty())
        out.report(Severity::error, "push.xds.missing-contentTypeCode",
                   "XDS contentTypeCode of the submission set is missing: give it with --content-type-code",
                   formats::Location{{}, 0, 0, "RegistryPackage/Classification[contentTypeCode]"});
    else
        b.code(package, set_id, scheme::content_type, options.content_type_code, "contentTypeCode", Severity::error);
    auto set_unique_id = options.submission_set_unique_id.empty() ? formats::uuid_to_oid(formats::random_uuid())
                                                                  : options.submission_set_unique_id;
    b.external_id(package, set_id, scheme::set_unique_id, set_unique_id, "XDSSubmissionSet.uniqueId");
    b.external_id(package, set_id, scheme::set_source_id, options.source_id, "XDSSubmissionSet.sourceId");
    b.external_id(package, set_id, scheme::set_patient_id, entry.patient_id, "XDSSubmissionSet.patientId");

    auto set_class = list.append_child("rim:Classification");
    set_class.append_attribute("id") = b.next_id("cl").c_str();
    set_class.append_attribute("classifiedObject") = set_id.c_str();
    set_class.append_attribute("classificationNode") = scheme::submission_set;

    auto member = list.append_child("rim:Association");
    member.append_attribute("id") = b.next_id("as").c_str();
    member.append_attribute("associationType") = k_has_member;
    member.append_attribute("sourceObject") = set_id.c_str();
    member.append_attribute("targetObject") = document_id.c_str();
    b.slot(member, "SubmissionSetStatus", {"Original"});
    if (!options.replaced_entry_uuid.empty()) {
        auto replace = list.append_child("rim:Association");
        replace.append_attribute("id") = b.next_id("as").c_str();
        replace.append_attribute("associationType") = k_replace;
        replace.append_attribute("sourceObject") = document_id.c_str();
        replace.append_attribute("targetObject") = options.replaced_entry_uuid.c_str();
    }

    auto document_element = request.append_child("xds:Document");
    document_element.append_attribute("id") = document_id.c_str();
    if (!content.content_id.empty()) {
        auto include = document_element.append_child("xop:Include");
        include.append_attribute("xmlns:xop") = k_xop;
        include.append_attribute("href") = ("cid:" + content.content_id).c_str();
    } else {
        document_element.text() = formats::base64_encode(content.bytes).c_str();
    }
    std::ostringstream text;
    request.print(text, "", pugi::format_raw);
    return text.str();
}

} // namespace healthdoc::push
