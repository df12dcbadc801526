// The CDA R2 header model: what a ClinicalDocument says about itself, its patient, its
// authors and its care setting, read namespace-aware (urn:hl7-org:v3) from a parsed document.
// Values are kept as written; absent parts are empty. Knows nothing of CI-SIS rules.
// Not modelled (dropped by a read/write round trip): guardian, informant, dataEnterer,
// inFulfillmentOf, authorization, encounterParticipant, serviceEvent ids and every serviceEvent
// after the first, templateId/@extension, id/@assigningAuthorityName, code translations and
// originalText, free text directly inside addr; name parts are regrouped by kind.
#pragma once

#include "formats/hl7_datetime.hpp"

#include <pugixml.hpp>

#include <optional>
#include <string>
#include <vector>

namespace healthdoc::cda {

// II: an instance identifier.
struct Identifier {
    std::string root, extension, nullFlavor;
    bool operator==(const Identifier&) const = default;
};

// CD/CE/CS: a coded value.
struct Code {
    std::string code, codeSystem, codeSystemName, displayName, nullFlavor;
    bool operator==(const Code&) const = default;
};

// TS: the value as written and, when it parses, its reading.
struct TimeStamp {
    std::string value, nullFlavor;
    std::optional<formats::Hl7DateTime> parsed() const { return formats::parse_hl7_datetime(value); }
    bool operator==(const TimeStamp&) const = default;
};

// IVL_TS: low/high (or a single value).
struct Interval {
    TimeStamp low, high, value;
    bool operator==(const Interval&) const = default;
};

// ADXP: one part of an address, kept with its element name (streetAddressLine, houseNumber,
// streetName, postalCode, city, county, country, state, additionalLocator, unitID, postBox,
// precinct...) because the order and the kind of parts are the address.
struct AddressPart {
    std::string name, text;
    bool operator==(const AddressPart&) const = default;
};

// AD: an address; parts in document order.
struct Address {
    std::string use, nullFlavor;
    std::vector<AddressPart> parts;
    bool operator==(const Address&) const = default;
};

// TEL: a telecom address ("tel:+33...", "mailto:...") and its use (WP, H, MC...).
struct Telecom {
    std::string value, use, nullFlavor;
    bool operator==(const Telecom&) const = default;
};

// A name part with its qualifier (BR birth name, CL usage name, SP spouse...).
struct NamePart {
    std::string text, qualifier;
    bool operator==(const NamePart&) const = default;
};

// PN: a person's name.
struct PersonName {
    std::vector<NamePart> family, given, prefix, suffix;
    std::string use;
    bool operator==(const PersonName&) const = default;
};

struct Patient {
    std::vector<Identifier> ids; // patientRole/id: the INS and local identifiers
    std::vector<PersonName> names;
    Code gender;
    TimeStamp birth_time;
    std::string birth_place_code;   // birthplace/place/addr/county (INSEE code)
    std::vector<Address> addresses; // patientRole/addr
    std::vector<Telecom> telecoms;  // patientRole/telecom
    // birthplace/place/addr in full; its county part, when it has one, is birth_place_code.
    Address birth_place;
    std::string birth_place_name;   // birthplace/place/name
    std::string deceased_indicator; // sdtc:deceasedInd/@value ("true"/"false")
    TimeStamp deceased_time;        // sdtc:deceasedTime
    bool operator==(const Patient&) const = default;
};

struct Organization {
    std::vector<Identifier> ids;
    std::string name;
    Code industry_class; // standardIndustryClassCode (practice setting)
    std::vector<Address> addresses;
    std::vector<Telecom> telecoms;
    bool operator==(const Organization&) const = default;
};

// An author, legal authenticator, authenticator or performer: the assigned entity.
struct AssignedEntity {
    TimeStamp time;
    std::vector<Identifier> ids;
    Code code;          // specialty / role
    Code function_code; // author/functionCode
    std::optional<PersonName> person;
    std::string device_model, device_software; // assignedAuthoringDevice
    Organization organization;
    std::string signature_code; // legalAuthenticator/signatureCode/@code
    std::vector<Address> addresses;
    std::vector<Telecom> telecoms;
    // performer/time is an IVL_TS: its low/high go here, its own value stays in `time`.
    Interval period;
    bool operator==(const AssignedEntity&) const = default;
};

// informationRecipient/intendedRecipient: who the document is sent to.
struct InformationRecipient {
    std::string type_code; // PRCP (primary recipient) or TRC (copy); empty when not written
    std::vector<Identifier> ids;
    std::vector<Address> addresses;
    std::vector<Telecom> telecoms;
    std::optional<PersonName> person; // intendedRecipient/informationRecipient/name
    Organization organization;        // receivedOrganization
    bool operator==(const InformationRecipient&) const = default;
};

// participant/associatedEntity: someone else involved (referring doctor, informant, payer...).
struct Participant {
    std::string type_code; // participant/@typeCode (REF, INF, HLD...)
    Code function_code;
    Interval time;          // IVL_TS, written with xsi:type="IVL_TS"
    std::string class_code; // associatedEntity/@classCode (PROV, AGNT...)
    std::vector<Identifier> ids;
    Code code;
    std::vector<Address> addresses;
    std::vector<Telecom> telecoms;
    std::optional<PersonName> person; // associatedPerson/name
    Organization organization;        // scopingOrganization
    bool operator==(const Participant&) const = default;
};

struct RelatedDocument {
    std::string type_code; // RPLC, APND, XFRM
    std::vector<Identifier> parent_ids;
    Identifier parent_set_id;          // parentDocument/setId, when given
    std::string parent_version_number; // parentDocument/versionNumber/@value, when given
    bool operator==(const RelatedDocument&) const = default;
};

enum class BodyKind { none, structured, non_xml, several };

struct CdaHeader {
    std::vector<std::string> template_ids;
    std::string realm_code;
    Identifier id, set_id;
    Code code, confidentiality;
    std::string title, language, version_number;
    TimeStamp effective_time;
    std::vector<Patient> patients;
    std::vector<AssignedEntity> authors, authenticators, performers;
    std::optional<AssignedEntity> legal_authenticator;
    Organization custodian;
    Interval service_period; // first documentationOf/serviceEvent/effectiveTime
    Code service_event_code;
    std::vector<RelatedDocument> related_documents;
    Interval encounter_period; // componentOf/encompassingEncounter/effectiveTime
    Code facility_type;        // .../location/healthCareFacility/code
    BodyKind body = BodyKind::none;
    std::string body_media_type; // nonXMLBody/text/@mediaType
    std::vector<InformationRecipient> information_recipients;
    std::vector<Participant> participants;
    std::vector<Identifier> encounter_ids;               // encompassingEncounter/id
    Code encounter_code;                                 // encompassingEncounter/code
    std::optional<AssignedEntity> encounter_responsible; // responsibleParty/assignedEntity
    std::vector<Identifier> facility_ids;                // healthCareFacility/id
    std::string encounter_location_name;                 // healthCareFacility/location/name
    Address encounter_location_address;                  // healthCareFacility/location/addr
    bool operator==(const CdaHeader&) const = default;
};

// The ClinicalDocument element: `root` itself, or the one inside an ANS auto-presentable
// stylesheet; an empty node when there is none. Iterative.
pugi::xml_node find_clinical_document(const pugi::xml_node& root);

// Reads the header of `clinical_document`. Never throws; what is absent stays empty.
// The writer is cda/header_writer.hpp.
CdaHeader read_header(const pugi::xml_node& clinical_document);

} // namespace healthdoc::cda
