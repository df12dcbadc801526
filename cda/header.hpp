// The CDA R2 header model: what a ClinicalDocument says about itself, its patient, its
// authors and its care setting, read namespace-aware (urn:hl7-org:v3) from a parsed document.
// Values are kept as written; absent parts are empty. Knows nothing of CI-SIS rules.
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
    std::string birth_place_code; // birthplace/place/addr/county (INSEE code)
    bool operator==(const Patient&) const = default;
};

struct Organization {
    std::vector<Identifier> ids;
    std::string name;
    Code industry_class; // standardIndustryClassCode (practice setting)
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
    bool operator==(const AssignedEntity&) const = default;
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
    Interval service_period; // first documentation​Of/serviceEvent/effectiveTime
    Code service_event_code;
    std::vector<RelatedDocument> related_documents;
    Interval encounter_period; // componentOf/encompassingEncounter/effectiveTime
    Code facility_type;        // .../location/healthCareFacility/code
    BodyKind body = BodyKind::none;
    std::string body_media_type; // nonXMLBody/text/@mediaType
    bool operator==(const CdaHeader&) const = default;
};

// The ClinicalDocument element: `root` itself, or the one inside an ANS auto-presentable
// stylesheet; an empty node when there is none. Iterative.
pugi::xml_node find_clinical_document(const pugi::xml_node& root);

// Reads the header of `clinical_document`. Never throws; what is absent stays empty.
// The writer is cda/header_writer.hpp.
CdaHeader read_header(const pugi::xml_node& clinical_document);

} // namespace healthdoc::cda
