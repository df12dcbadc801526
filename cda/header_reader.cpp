#include "cda/header.hpp"

#include "formats/xml_document.hpp"

#include <cstring>
#include <string_view>

namespace healthdoc::cda {
namespace {

using formats::XmlDocument;

constexpr const char* k_hl7_v3 = "urn:hl7-org:v3";
constexpr const char* k_sdtc = "urn:hl7-org:sdtc";

bool is_element(const pugi::xml_node& node, std::string_view namespace_uri, std::string_view local) {
    return node.type() == pugi::node_element && XmlDocument::local_name(node.name()) == local &&
           XmlDocument::namespace_uri(node) == namespace_uri;
}

bool is_v3(const pugi::xml_node& node, std::string_view local) { return is_element(node, k_hl7_v3, local); }

pugi::xml_node child_in(const pugi::xml_node& parent, std::string_view namespace_uri, std::string_view local) {
    for (auto c = parent.first_child(); c; c = c.next_sibling())
        if (is_element(c, namespace_uri, local)) return c;
    return {};
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view local) { return child_in(parent, k_hl7_v3, local); }

// Follows a path of child names ("assignedAuthor/representedOrganization"), first match each.
pugi::xml_node path(pugi::xml_node node, std::string_view steps) {
    while (node && !steps.empty()) {
        auto slash = steps.find('/');
        node = child(node, steps.substr(0, slash));
        steps = slash == std::string_view::npos ? std::string_view() : steps.substr(slash + 1);
    }
    return node;
}

template <typename F> void each(const pugi::xml_node& parent, std::string_view local, F&& f) {
    for (auto c = parent.first_child(); c; c = c.next_sibling())
        if (is_v3(c, local)) f(c);
}

std::string text_of(const pugi::xml_node& node) { return node ? std::string(node.child_value()) : std::string(); }

Identifier read_id(const pugi::xml_node& node) {
    return {node.attribute("root").value(), node.attribute("extension").value(), node.attribute("nullFlavor").value()};
}

std::vector<Identifier> read_ids(const pugi::xml_node& parent) {
    std::vector<Identifier> ids;
    each(parent, "id", [&](const pugi::xml_node& n) { ids.push_back(read_id(n)); });
    return ids;
}

Code read_code(const pugi::xml_node& node) {
    return {node.attribute("code").value(), node.attribute("codeSystem").value(),
            node.attribute("codeSystemName").value(), node.attribute("displayName").value(),
            node.attribute("nullFlavor").value()};
}

TimeStamp read_time(const pugi::xml_node& node) {
    return {node.attribute("value").value(), node.attribute("nullFlavor").value()};
}

Interval read_interval(const pugi::xml_node& node) {
    return {read_time(child(node, "low")), read_time(child(node, "high")), read_time(node)};
}

// Every ADXP child is kept, whatever its kind, so that nothing of the address is lost.
Address read_address(const pugi::xml_node& node) {
    Address address{node.attribute("use").value(), node.attribute("nullFlavor").value(), {}};
    for (auto part = node.first_child(); part; part = part.next_sibling())
        if (part.type() == pugi::node_element && XmlDocument::namespace_uri(part) == k_hl7_v3)
            address.parts.push_back({std::string(XmlDocument::local_name(part.name())), text_of(part)});
    return address;
}

std::vector<Address> read_addresses(const pugi::xml_node& parent) {
    std::vector<Address> addresses;
    each(parent, "addr", [&](const pugi::xml_node& n) { addresses.push_back(read_address(n)); });
    return addresses;
}

std::vector<Telecom> read_telecoms(const pugi::xml_node& parent) {
    std::vector<Telecom> telecoms;
    each(parent, "telecom", [&](const pugi::xml_node& n) {
        telecoms.push_back(
            {n.attribute("value").value(), n.attribute("use").value(), n.attribute("nullFlavor").value()});
    });
    return telecoms;
}

PersonName read_name(const pugi::xml_node& node) {
    PersonName name;
    name.use = node.attribute("use").value();
    for (auto part = node.first_child(); part; part = part.next_sibling()) {
        if (part.type() != pugi::node_element) continue;
        NamePart value{text_of(part), part.attribute("qualifier").value()};
        auto local = XmlDocument::local_name(part.name());
        if (local == "family")
            name.family.push_back(value);
        else if (local == "given")
            name.given.push_back(value);
        else if (local == "prefix")
            name.prefix.push_back(value);
        else if (local == "suffix")
            name.suffix.push_back(value);
    }
    return name;
}

Organization read_organization(const pugi::xml_node& node) {
    Organization org;
    org.ids = read_ids(node);
    org.name = text_of(child(node, "name"));
    org.industry_class = read_code(child(node, "standardIndustryClassCode"));
    org.addresses = read_addresses(node);
    org.telecoms = read_telecoms(node);
    return org;
}

// A Person (assignedPerson, associatedPerson, informationRecipient): its first name, an empty
// name when the person has none, nothing when there is no person.
std::optional<PersonName> read_person(const pugi::xml_node& person) {
    if (!person) return std::nullopt;
    auto name = child(person, "name");
    return name ? read_name(name) : PersonName{};
}

// assignedAuthor / assignedEntity, with the time and signature of the participation around it.
AssignedEntity read_participation(const pugi::xml_node& participation, std::string_view entity_name) {
    AssignedEntity entity;
    entity.time = read_time(child(participation, "time"));
    entity.function_code = read_code(child(participation, "functionCode"));
    entity.signature_code = child(participation, "signatureCode").attribute("code").value();
    auto time = child(participation, "time");
    entity.period.low = read_time(child(time, "low"));
    entity.period.high = read_time(child(time, "high"));
    auto assigned = child(participation, entity_name);
    entity.ids = read_ids(assigned);
    entity.code = read_code(child(assigned, "code"));
    entity.addresses = read_addresses(assigned);
    entity.telecoms = read_telecoms(assigned);
    entity.person = read_person(child(assigned, "assignedPerson"));
    if (auto device = child(assigned, "assignedAuthoringDevice")) {
        entity.device_model = text_of(child(device, "manufacturerModelName"));
        entity.device_software = text_of(child(device, "softwareName"));
    }
    entity.organization = read_organization(child(assigned, "representedOrganization"));
    return entity;
}

Patient read_patient(const pugi::xml_node& record_target) {
    Patient patient;
    auto role = child(record_target, "patientRole");
    patient.ids = read_ids(role);
    patient.addresses = read_addresses(role);
    patient.telecoms = read_telecoms(role);
    auto person = child(role, "patient");
    each(person, "name", [&](const pugi::xml_node& n) { patient.names.push_back(read_name(n)); });
    patient.gender = read_code(child(person, "administrativeGenderCode"));
    patient.birth_time = read_time(child(person, "birthTime"));
    patient.deceased_indicator = child_in(person, k_sdtc, "deceasedInd").attribute("value").value();
    patient.deceased_time = read_time(child_in(person, k_sdtc, "deceasedTime"));
    auto place = path(person, "birthplace/place");
    patient.birth_place_name = text_of(child(place, "name"));
    if (auto addr = child(place, "addr")) patient.birth_place = read_address(addr);
    patient.birth_place_code = text_of(child(child(place, "addr"), "county"));
    return patient;
}

InformationRecipient read_information_recipient(const pugi::xml_node& recipient) {
    InformationRecipient result;
    result.type_code = recipient.attribute("typeCode").value();
    auto intended = child(recipient, "intendedRecipient");
    result.ids = read_ids(intended);
    result.addresses = read_addresses(intended);
    result.telecoms = read_telecoms(intended);
    result.person = read_person(child(intended, "informationRecipient"));
    result.organization = read_organization(child(intended, "receivedOrganization"));
    return result;
}

Participant read_participant(const pugi::xml_node& participant) {
    Participant result;
    result.type_code = participant.attribute("typeCode").value();
    result.function_code = read_code(child(participant, "functionCode"));
    result.time = read_interval(child(participant, "time"));
    auto entity = child(participant, "associatedEntity");
    result.class_code = entity.attribute("classCode").value();
    result.ids = read_ids(entity);
    result.code = read_code(child(entity, "code"));
    result.addresses = read_addresses(entity);
    result.telecoms = read_telecoms(entity);
    result.person = read_person(child(entity, "associatedPerson"));
    result.organization = read_organization(child(entity, "scopingOrganization"));
    return result;
}

void read_encounter(const pugi::xml_node& encounter, CdaHeader& h) {
    h.encounter_ids = read_ids(encounter);
    h.encounter_code = read_code(child(encounter, "code"));
    h.encounter_period = read_interval(child(encounter, "effectiveTime"));
    if (auto party = child(encounter, "responsibleParty"))
        h.encounter_responsible = read_participation(party, "assignedEntity");
    auto facility = path(encounter, "location/healthCareFacility");
    h.facility_ids = read_ids(facility);
    h.facility_type = read_code(child(facility, "code"));
    auto place = child(facility, "location");
    h.encounter_location_name = text_of(child(place, "name"));
    if (auto addr = child(place, "addr")) h.encounter_location_address = read_address(addr);
}

} // namespace

pugi::xml_node find_clinical_document(const pugi::xml_node& root) {
    if (is_v3(root, "ClinicalDocument")) return root;
    std::vector<pugi::xml_node> stack{root};
    while (!stack.empty()) {
        auto node = stack.back();
        stack.pop_back();
        for (auto c = node.last_child(); c; c = c.previous_sibling()) {
            if (c.type() != pugi::node_element) continue;
            if (is_v3(c, "ClinicalDocument")) return c;
            stack.push_back(c);
        }
    }
    return {};
}

CdaHeader read_header(const pugi::xml_node& doc) {
    CdaHeader h;
    h.realm_code = child(doc, "realmCode").attribute("code").value();
    each(doc, "templateId", [&](const pugi::xml_node& n) { h.template_ids.emplace_back(n.attribute("root").value()); });
    h.id = read_id(child(doc, "id"));
    h.code = read_code(child(doc, "code"));
    h.title = text_of(child(doc, "title"));
    h.effective_time = read_time(child(doc, "effectiveTime"));
    h.confidentiality = read_code(child(doc, "confidentialityCode"));
    h.language = child(doc, "languageCode").attribute("code").value();
    h.set_id = read_id(child(doc, "setId"));
    h.version_number = child(doc, "versionNumber").attribute("value").value();
    each(doc, "recordTarget", [&](const pugi::xml_node& n) { h.patients.push_back(read_patient(n)); });
    each(doc, "author", [&](const pugi::xml_node& n) { h.authors.push_back(read_participation(n, "assignedAuthor")); });
    h.custodian = read_organization(path(doc, "custodian/assignedCustodian/representedCustodianOrganization"));
    each(doc, "informationRecipient",
         [&](const pugi::xml_node& n) { h.information_recipients.push_back(read_information_recipient(n)); });
    if (auto legal = child(doc, "legalAuthenticator"))
        h.legal_authenticator = read_participation(legal, "assignedEntity");
    each(doc, "authenticator",
         [&](const pugi::xml_node& n) { h.authenticators.push_back(read_participation(n, "assignedEntity")); });
    each(doc, "participant", [&](const pugi::xml_node& n) { h.participants.push_back(read_participant(n)); });
    // CI-SIS: the first serviceEvent carries the act's period and performer.
    if (auto event = path(doc, "documentationOf/serviceEvent")) {
        h.service_period = read_interval(child(event, "effectiveTime"));
        h.service_event_code = read_code(child(event, "code"));
        each(event, "performer",
             [&](const pugi::xml_node& n) { h.performers.push_back(read_participation(n, "assignedEntity")); });
    }
    each(doc, "relatedDocument", [&](const pugi::xml_node& n) {
        auto parent = child(n, "parentDocument");
        RelatedDocument related{n.attribute("typeCode").value(), read_ids(parent), read_id(child(parent, "setId")),
                                child(parent, "versionNumber").attribute("value").value()};
        h.related_documents.push_back(std::move(related));
    });
    if (auto encounter = path(doc, "componentOf/encompassingEncounter")) read_encounter(encounter, h);
    std::size_t bodies = 0;
    each(doc, "component", [&](const pugi::xml_node& component) {
        if (child(component, "structuredBody")) {
            ++bodies;
            h.body = BodyKind::structured;
        }
        if (auto non_xml = child(component, "nonXMLBody")) {
            ++bodies;
            h.body = BodyKind::non_xml;
            h.body_media_type = child(non_xml, "text").attribute("mediaType").value();
        }
    });
    if (bodies > 1) h.body = BodyKind::several;
    return h;
}

} // namespace healthdoc::cda
