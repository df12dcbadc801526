#include "cda/metadata_sources.hpp"

#include <array>

namespace healthdoc::cda {
namespace {

struct Row {
    std::string_view attribute, in_cda, in_fhir_document;
};

constexpr std::array<Row, 15> k_sources = {{
    {"uniqueId", "ClinicalDocument/id/@root", "Bundle.identifier"},
    {"typeCode", "ClinicalDocument/code", "Composition.type"},
    {"confidentialityCode", "ClinicalDocument/confidentialityCode", "Composition.confidentiality"},
    {"creationTime", "a valid ClinicalDocument/effectiveTime", "a valid Composition.date"},
    {"languageCode", "ClinicalDocument/languageCode", "Composition.language (or Bundle.language)"},
    {"title", "ClinicalDocument/title", "Composition.title"},
    {"healthcareFacilityTypeCode", "encompassingEncounter/location/healthCareFacility/code",
     "Composition.encounter -> Encounter.location -> Location.type (or --facility-type)"},
    {"practiceSettingCode", "serviceEvent/performer/.../standardIndustryClassCode",
     "a practice setting, which no FHIR document element carries (give --practice-setting)"},
    {"serviceStartTime", "documentationOf/serviceEvent/effectiveTime/low", "Composition.event.period.start"},
    {"serviceStopTime", "documentationOf/serviceEvent/effectiveTime/high", "Composition.event.period.end"},
    {"legalAuthenticator", "ClinicalDocument/legalAuthenticator", "Composition.attester with mode legal"},
    {"authorPerson", "ClinicalDocument/author", "Composition.author"},
    {"patientId", "a recordTarget/patientRole/id with an INS OID",
     "a Composition.subject Patient identifier with an INS system (urn:oid:1.2.250.1.213.1.4.8...)"},
    {"custodian", "ClinicalDocument/custodian/.../representedCustodianOrganization", "Composition.custodian"},
    {"sourcePatientId", "recordTarget/patientRole/id", "the Composition.subject Patient's identifiers"},
}};

} // namespace

std::string metadata_source(HeaderSource source, std::string_view attribute) {
    for (const auto& row : k_sources)
        if (row.attribute == attribute)
            return std::string(source == HeaderSource::cda ? row.in_cda : row.in_fhir_document);
    return source == HeaderSource::cda ? "the CDA header" : "the FHIR document's Composition";
}

} // namespace healthdoc::cda
