#include "cda/header_writer.hpp"

#include <algorithm>
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

// IVL_TS: a single value, or low/high. `xsi_type` where the element's declared type is not
// IVL_TS already or the profile asks for it (participant/time).
void write_interval(pugi::xml_node parent, const Interval& interval, const char* name = "effectiveTime",
                    bool xsi_type = false) {
    auto node = element(parent, name);
    if (xsi_type) node.append_attribute("xsi:type").set_value("IVL_TS");
    if (is_empty(interval)) return no_information(node);
    set_if(node, "value", interval.value.value);
    set_if(node, "nullFlavor", interval.value.nullFlavor);
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

void write_address(pugi::xml_node parent, const Address& address, const char* name = "addr") {
    auto node = element(parent, name);
    set_if(node, "use", address.use);
    set_if(node, "nullFlavor", address.nullFlavor);
    for (const auto& part : address.parts)
        if (!part.name.empty()) text_element(node, part.name.c_str(), part.text);
}

void write_addresses(pugi::xml_node parent, const std::vector<Address>& addresses) {
    for (const auto& address : addresses) write_address(parent, address);
}

void write_telecoms(pugi::xml_node parent, const std::vector<Telecom>& telecoms) {
    for (const auto& telecom : telecoms) {
        auto node = element(parent, "telecom");
        set_if(node, "value", telecom.value);
        set_if(node, "use", telecom.use);
        set_if(node, "nullFlavor", telecom.nullFlavor);
    }
}

// A Person element holding one name (assignedPerson, associatedPerson, informationRecipient).
void write_person(pugi::xml_node parent, const char* name, const std::optional<PersonName>& person) {
    if (person) write_name(element(parent, name), *person);
}

bool is_empty(const Organization& org) { return org == Organization{}; }

// Organization: id*, name*, telecom*, addr*, standardIndustryClassCode?.
void write_organization(pugi::xml_node parent, const char* name, const Organization& org) {
    auto node = element(parent, name);
    write_ids(node, org.ids, false);
    if (!org.name.empty()) text_element(node, "name", org.name);
    write_telecoms(node, org.telecoms);
    write_addresses(node, org.addresses);
    write_code_if(node, "standardIndustryClassCode", org.industry_class);
}

// AssignedEntity / AssignedAuthor: id+, code?, assignedPerson | assignedAuthoringDevice,
// representedOrganization?.
void write_assigned(pugi::xml_node parent, const char* name, const AssignedEntity& entity) {
    auto node = element(parent, name);
    write_ids(node, entity.ids, true);
    write_code_if(node, "code", entity.code);
    write_addresses(node, entity.addresses);
    write_telecoms(node, entity.telecoms);
    if (entity.person) {
        write_person(node, "assignedPerson", entity.person);
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

// birthplace/place: name?, addr?. birth_place_code is the county (INSEE code) of the address:
// it replaces the address's first county part, or is appended when the address has none.
void write_birth_place(pugi::xml_node person, const Patient& patient) {
    auto address = patient.birth_place;
    if (!patient.birth_place_code.empty()) {
        auto county = std::find_if(address.parts.begin(), address.parts.end(),
                                   [](const AddressPart& part) { return part.name == "county"; });
        if (county == address.parts.end())
            address.parts.push_back({"county", patient.birth_place_code});
        else
            county->text = patient.birth_place_code;
    }
    if (address == Address{} && patient.birth_place_name.empty()) return;
    auto place = element(element(person, "birthplace"), "place");
    if (!patient.birth_place_name.empty()) text_element(place, "name", patient.birth_place_name);
    if (address != Address{}) write_address(place, address);
}

// patientRole: id+, addr*, telecom*, patient. Patient: name*, administrativeGenderCode?,
// birthTime?, sdtc:deceasedInd?, sdtc:deceasedTime?, guardian* (not modelled), birthplace?.
void write_patient(pugi::xml_node doc, const Patient& patient) {
    auto role = element(element(doc, "recordTarget"), "patientRole");
    write_ids(role, patient.ids, true);
    write_addresses(role, patient.addresses);
    write_telecoms(role, patient.telecoms);
    auto person = element(role, "patient");
    person.append_attribute("classCode").set_value("PSN");
    for (const auto& name : patient.names) write_name(person, name);
    write_code_if(person, "administrativeGenderCode", patient.gender);
    if (patient.birth_time != TimeStamp{}) write_time(person, "birthTime", patient.birth_time);
    if (!patient.deceased_indicator.empty())
        element(person, "sdtc:deceasedInd").append_attribute("value").set_value(patient.deceased_indicator.c_str());
    if (patient.deceased_time != TimeStamp{}) write_time(person, "sdtc:deceasedTime", patient.deceased_time);
    write_birth_place(person, patient);
}

// CustodianOrganization: id+, name?, telecom?, addr? -- one telecom and one address at most,
// unlike Organization, so only the first of each is written.
void write_custodian(pugi::xml_node doc, const Organization& custodian) {
    auto org = element(element(element(doc, "custodian"), "assignedCustodian"), "representedCustodianOrganization");
    write_ids(org, custodian.ids, true);
    if (!custodian.name.empty()) text_element(org, "name", custodian.name);
    if (!custodian.telecoms.empty()) write_telecoms(org, {custodian.telecoms.front()});
    if (!custodian.addresses.empty()) write_address(org, custodian.addresses.front());
}

// informationRecipient/intendedRecipient: id*, addr*, telecom*, informationRecipient?,
// receivedOrganization?.
void write_information_recipient(pugi::xml_node doc, const InformationRecipient& recipient) {
    auto node = element(doc, "informationRecipient");
    set_if(node, "typeCode", recipient.type_code);
    auto intended = element(node, "intendedRecipient");
    write_ids(intended, recipient.ids, false);
    write_addresses(intended, recipient.addresses);
    write_telecoms(intended, recipient.telecoms);
    write_person(intended, "informationRecipient", recipient.person);
    if (!is_empty(recipient.organization)) write_organization(intended, "receivedOrganization", recipient.organization);
}

// participant: functionCode?, time?, associatedEntity (id*, code?, addr*, telecom*,
// associatedPerson?, scopingOrganization?).
void write_participant(pugi::xml_node doc, const Participant& participant) {
    auto node = element(doc, "participant");
    set_if(node, "typeCode", participant.type_code);
    write_code_if(node, "functionCode", participant.function_code);
    // CI-SIS participant template: time is typed explicitly as IVL_TS.
    if (!is_empty(participant.time)) write_interval(node, participant.time, "time", true);
    auto entity = element(node, "associatedEntity");
    set_if(entity, "classCode", participant.class_code);
    write_ids(entity, participant.ids, false);
    write_code_if(entity, "code", participant.code);
    write_addresses(entity, participant.addresses);
    write_telecoms(entity, participant.telecoms);
    write_person(entity, "associatedPerson", participant.person);
    if (!is_empty(participant.organization))
        write_organization(entity, "scopingOrganization", participant.organization);
}

// performer/time is an IVL_TS: its value (and nullFlavor) from `time`, low/high from `period`.
void write_performer_time(pugi::xml_node performer, const AssignedEntity& entity) {
    if (entity.time == TimeStamp{} && is_empty(entity.period)) return;
    auto node = element(performer, "time");
    set_if(node, "value", entity.time.value);
    set_if(node, "nullFlavor", entity.time.nullFlavor);
    if (entity.period.low != TimeStamp{}) write_time(node, "low", entity.period.low);
    if (entity.period.high != TimeStamp{}) write_time(node, "high", entity.period.high);
}

void write_service_event(pugi::xml_node doc, const CdaHeader& h) {
    auto event = element(element(doc, "documentationOf"), "serviceEvent");
    write_code_if(event, "code", h.service_event_code);
    if (!is_empty(h.service_period)) write_interval(event, h.service_period);
    for (const auto& performer : h.performers) {
        auto node = element(event, "performer");
        node.append_attribute("typeCode").set_value("PRF");
        write_code_if(node, "functionCode", performer.function_code);
        write_performer_time(node, performer);
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

bool has_facility(const CdaHeader& h) {
    return !is_empty(h.facility_type) || !h.facility_ids.empty() || !h.encounter_location_name.empty() ||
           h.encounter_location_address != Address{};
}

bool has_encounter(const CdaHeader& h) {
    return !is_empty(h.encounter_period) || !h.encounter_ids.empty() || !is_empty(h.encounter_code) ||
           h.encounter_responsible || has_facility(h);
}

// encompassingEncounter: id*, code?, effectiveTime, responsibleParty?, location?
// (healthCareFacility: id*, code?, location (name?, addr?)?).
void write_encounter(pugi::xml_node doc, const CdaHeader& h) {
    auto encounter = element(element(doc, "componentOf"), "encompassingEncounter");
    write_ids(encounter, h.encounter_ids, false);
    write_code_if(encounter, "code", h.encounter_code);
    write_interval(encounter, h.encounter_period);
    if (h.encounter_responsible)
        write_assigned(element(encounter, "responsibleParty"), "assignedEntity", *h.encounter_responsible);
    if (!has_facility(h)) return;
    auto facility = element(element(encounter, "location"), "healthCareFacility");
    write_ids(facility, h.facility_ids, false);
    write_code_if(facility, "code", h.facility_type);
    if (h.encounter_location_name.empty() && h.encounter_location_address == Address{}) return;
    auto place = element(facility, "location");
    if (!h.encounter_location_name.empty()) text_element(place, "name", h.encounter_location_name);
    if (h.encounter_location_address != Address{}) write_address(place, h.encounter_location_address);
}

// The sdtc namespace is declared only when an extension element is written, so that documents
// without one stay byte-for-byte what they were.
bool needs_sdtc(const CdaHeader& h) {
    return std::any_of(h.patients.begin(), h.patients.end(), [](const Patient& patient) {
        return !patient.deceased_indicator.empty() || patient.deceased_time != TimeStamp{};
    });
}

} // namespace

pugi::xml_node write_header(const CdaHeader& h, pugi::xml_document& document) {
    auto doc = document.append_child("ClinicalDocument");
    doc.append_attribute("xmlns").set_value("urn:hl7-org:v3");
    doc.append_attribute("xmlns:xsi").set_value("http://www.w3.org/2001/XMLSchema-instance");
    if (needs_sdtc(h)) doc.append_attribute("xmlns:sdtc").set_value("urn:hl7-org:sdtc");
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
    for (const auto& recipient : h.information_recipients) write_information_recipient(doc, recipient);
    if (h.legal_authenticator) write_authenticator(doc, "legalAuthenticator", *h.legal_authenticator);
    for (const auto& authenticator : h.authenticators) write_authenticator(doc, "authenticator", authenticator);
    for (const auto& participant : h.participants) write_participant(doc, participant);
    if (!is_empty(h.service_period) || !is_empty(h.service_event_code) || !h.performers.empty())
        write_service_event(doc, h);
    for (const auto& related : h.related_documents) write_related_document(doc, related);
    if (has_encounter(h)) write_encounter(doc, h);
    return doc;
}

std::string to_xml_text(const pugi::xml_document& document) {
    std::ostringstream out;
    document.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

} // namespace healthdoc::cda
