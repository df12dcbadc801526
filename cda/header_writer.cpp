#include "cda/header_writer.hpp"

#include <sstream>

namespace healthdoc::cda {
namespace {

void set_if(pugi::xml_node node, const char* name, const std::string& value) {
    if (!value.empty()) node.append_attribute(name).set_value(value.c_str());
}

pugi::xml_node element(pugi::xml_node parent, const char* name) { return parent.append_child(name); }

pugi::xml_node text_element(pugi::xml_node parent, const char* name, const std::string& text) {
    auto node = element(parent, name);
    node.text().set(text.c_str());
    return node;
}

// Schema-required elements keep their place with nullFlavor="NI" (no information) when empty.
void no_information(pugi::xml_node node) { node.append_attribute("nullFlavor").set_value("NI"); }

void write_id(pugi::xml_node parent, const Identifier& id, const char* name = "id") {
    auto node = element(parent, name);
    if (id.root.empty() && id.extension.empty() && id.nullFlavor.empty()) return no_information(node);
    set_if(node, "root", id.root);
    set_if(node, "extension", id.extension);
    set_if(node, "nullFlavor", id.nullFlavor);
}

// Writes every id, or one nullFlavor id where the schema needs at least one.
void write_ids(pugi::xml_node parent, const std::vector<Identifier>& ids, bool required) {
    if (ids.empty() && required) write_id(parent, Identifier{});
    for (const auto& id : ids) write_id(parent, id);
}

bool is_empty(const Code& code) { return code == Code{}; }

void write_code(pugi::xml_node parent, const char* name, const Code& code) {
    auto node = element(parent, name);
    if (is_empty(code)) return no_information(node);
    set_if(node, "code", code.code);
    set_if(node, "displayName", code.displayName);
    set_if(node, "codeSystem", code.codeSystem);
    set_if(node, "codeSystemName", code.codeSystemName);
    set_if(node, "nullFlavor", code.nullFlavor);
}

void write_code_if(pugi::xml_node parent, const char* name, const Code& code) {
    if (!is_empty(code)) write_code(parent, name, code);
}

void write_time(pugi::xml_node parent, const char* name, const TimeStamp& time) {
    auto node = element(parent, name);
    if (time.value.empty() && time.nullFlavor.empty()) return no_information(node);
    set_if(node, "value", time.value);
    set_if(node, "nullFlavor", time.nullFlavor);
}

bool is_empty(const Interval& interval) { return interval == Interval{}; }

// IVL_TS: a single value, or low/high.
void write_interval(pugi::xml_node parent, const Interval& interval) {
    auto node = element(parent, "effectiveTime");
    if (is_empty(interval)) return no_information(node);
    if (!interval.value.value.empty() || !interval.value.nullFlavor.empty()) {
        set_if(node, "value", interval.value.value);
        set_if(node, "nullFlavor", interval.value.nullFlavor);
        return;
    }
    if (interval.low != TimeStamp{}) write_time(node, "low", interval.low);
    if (interval.high != TimeStamp{}) write_time(node, "high", interval.high);
}

void write_name_parts(pugi::xml_node name, const char* element_name, const std::vector<NamePart>& parts) {
    for (const auto& part : parts) {
        auto node = text_element(name, element_name, part.text);
        set_if(node, "qualifier", part.qualifier);
    }
}

void write_name(pugi::xml_node parent, const PersonName& person) {
    auto name = element(parent, "name");
    set_if(name, "use", person.use);
    write_name_parts(name, "prefix", person.prefix);
    write_name_parts(name, "family", person.family);
    write_name_parts(name, "given", person.given);
    write_name_parts(name, "suffix", person.suffix);
}

bool is_empty(const Organization& org) { return org == Organization{}; }

// Organization: id*, name*, telecom*, addr*, standardIndustryClassCode?.
void write_organization(pugi::xml_node parent, const char* name, const Organization& org) {
    auto node = element(parent, name);
    write_ids(node, org.ids, false);
    if (!org.name.empty()) text_element(node, "name", org.name);
    write_code_if(node, "standardIndustryClassCode", org.industry_class);
}

// AssignedEntity / AssignedAuthor: id+, code?, assignedPerson | assignedAuthoringDevice,
// representedOrganization?.
void write_assigned(pugi::xml_node parent, const char* name, const AssignedEntity& entity) {
    auto node = element(parent, name);
    write_ids(node, entity.ids, true);
    write_code_if(node, "code", entity.code);
    if (entity.person) {
        write_name(element(node, "assignedPerson"), *entity.person);
    } else if (!entity.device_model.empty() || !entity.device_software.empty()) {
        auto device = element(node, "assignedAuthoringDevice");
        if (!entity.device_model.empty()) text_element(device, "manufacturerModelName", entity.device_model);
        if (!entity.device_software.empty()) text_element(device, "softwareName", entity.device_software);
    }
    if (!is_empty(entity.organization)) write_organization(node, "representedOrganization", entity.organization);
}

void write_author(pugi::xml_node doc, const AssignedEntity& author) {
    auto node = element(doc, "author");
    write_code_if(node, "functionCode", author.function_code);
    write_time(node, "time", author.time);
    write_assigned(node, "assignedAuthor", author);
}

// legalAuthenticator / authenticator: time, signatureCode, assignedEntity.
void write_authenticator(pugi::xml_node doc, const char* name, const AssignedEntity& entity) {
    auto node = element(doc, name);
    write_time(node, "time", entity.time);
    auto signature = element(node, "signatureCode");
    if (entity.signature_code.empty())
        no_information(signature);
    else
        signature.append_attribute("code").set_value(entity.signature_code.c_str());
    write_assigned(node, "assignedEntity", entity);
}

void write_patient(pugi::xml_node doc, const Patient& patient) {
    auto role = element(element(doc, "recordTarget"), "patientRole");
    write_ids(role, patient.ids, true);
    auto person = element(role, "patient");
    person.append_attribute("classCode").set_value("PSN");
    for (const auto& name : patient.names) write_name(person, name);
    write_code_if(person, "administrativeGenderCode", patient.gender);
    if (patient.birth_time != TimeStamp{}) write_time(person, "birthTime", patient.birth_time);
    if (!patient.birth_place_code.empty())
        text_element(element(element(element(person, "birthplace"), "place"), "addr"), "county",
                     patient.birth_place_code);
}

void write_custodian(pugi::xml_node doc, const Organization& custodian) {
    auto org = element(element(element(doc, "custodian"), "assignedCustodian"), "representedCustodianOrganization");
    write_ids(org, custodian.ids, true);
    if (!custodian.name.empty()) text_element(org, "name", custodian.name);
}

void write_service_event(pugi::xml_node doc, const CdaHeader& h) {
    auto event = element(element(doc, "documentationOf"), "serviceEvent");
    write_code_if(event, "code", h.service_event_code);
    if (!is_empty(h.service_period)) write_interval(event, h.service_period);
    for (const auto& performer : h.performers) {
        auto node = element(event, "performer");
        node.append_attribute("typeCode").set_value("PRF");
        write_code_if(node, "functionCode", performer.function_code);
        if (performer.time != TimeStamp{}) write_time(node, "time", performer.time);
        write_assigned(node, "assignedEntity", performer);
    }
}

void write_related_document(pugi::xml_node doc, const RelatedDocument& related) {
    auto node = element(doc, "relatedDocument");
    set_if(node, "typeCode", related.type_code);
    auto parent = element(node, "parentDocument");
    write_ids(parent, related.parent_ids, true);
    if (related.parent_set_id != Identifier{}) write_id(parent, related.parent_set_id, "setId");
    if (!related.parent_version_number.empty())
        element(parent, "versionNumber").append_attribute("value").set_value(related.parent_version_number.c_str());
}

void write_encounter(pugi::xml_node doc, const CdaHeader& h) {
    auto encounter = element(element(doc, "componentOf"), "encompassingEncounter");
    write_interval(encounter, h.encounter_period);
    if (!is_empty(h.facility_type))
        write_code(element(element(encounter, "location"), "healthCareFacility"), "code", h.facility_type);
}

} // namespace

pugi::xml_node write_header(const CdaHeader& h, pugi::xml_document& document) {
    auto doc = document.append_child("ClinicalDocument");
    doc.append_attribute("xmlns").set_value("urn:hl7-org:v3");
    doc.append_attribute("xmlns:xsi").set_value("http://www.w3.org/2001/XMLSchema-instance");
    if (!h.realm_code.empty()) element(doc, "realmCode").append_attribute("code").set_value(h.realm_code.c_str());
    auto type_id = element(doc, "typeId");
    type_id.append_attribute("root").set_value(k_cda_type_id_root);
    type_id.append_attribute("extension").set_value(k_cda_type_id_extension);
    for (const auto& root : h.template_ids) element(doc, "templateId").append_attribute("root").set_value(root.c_str());
    write_id(doc, h.id);
    write_code(doc, "code", h.code);
    if (!h.title.empty()) text_element(doc, "title", h.title);
    write_time(doc, "effectiveTime", h.effective_time);
    write_code(doc, "confidentialityCode", h.confidentiality);
    if (!h.language.empty()) element(doc, "languageCode").append_attribute("code").set_value(h.language.c_str());
    if (h.set_id != Identifier{}) write_id(doc, h.set_id, "setId");
    if (!h.version_number.empty())
        element(doc, "versionNumber").append_attribute("value").set_value(h.version_number.c_str());
    if (h.patients.empty()) write_patient(doc, Patient{});
    for (const auto& patient : h.patients) write_patient(doc, patient);
    if (h.authors.empty()) write_author(doc, AssignedEntity{});
    for (const auto& author : h.authors) write_author(doc, author);
    write_custodian(doc, h.custodian);
    if (h.legal_authenticator) write_authenticator(doc, "legalAuthenticator", *h.legal_authenticator);
    for (const auto& authenticator : h.authenticators) write_authenticator(doc, "authenticator", authenticator);
    if (!is_empty(h.service_period) || !is_empty(h.service_event_code) || !h.performers.empty())
        write_service_event(doc, h);
    for (const auto& related : h.related_documents) write_related_document(doc, related);
    if (!is_empty(h.encounter_period) || !is_empty(h.facility_type)) write_encounter(doc, h);
    return doc;
}

std::string to_xml_text(const pugi::xml_document& document) {
    std::ostringstream out;
    document.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

} // namespace healthdoc::cda
