#include "cda/xds_metadata.hpp"

#include "cda/metadata_sources.hpp"
#include "formats/hash.hpp"

#include <array>
#include <utility>

namespace healthdoc::cda {
namespace {

// INS OIDs (CI-SIS): NIR, NIA, test NIR, demonstration NIR.
constexpr std::array<std::string_view, 4> k_ins_roots = {"1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9",
                                                         "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11"};
// RPPS-based national identifiers of health professionals.
constexpr std::string_view k_rpps_root = "1.2.250.1.71.4.2.1";
// The IHE format-code scheme.
constexpr std::string_view k_format_scheme = "1.3.6.1.4.1.19376.1.2.3";

bool is_ins(const Identifier& id) {
    for (auto root : k_ins_roots)
        if (id.root == root) return true;
    return false;
}

XdsCode from(const Code& code) { return {code.code, code.codeSystem, code.displayName}; }

std::string cx(const Identifier& id, std::string_view type) {
    return id.extension + "^^^&" + id.root + "&ISO^" + std::string(type);
}

std::string first_of(const std::vector<NamePart>& parts) { return parts.empty() ? std::string() : parts.front().text; }

// XCN (HL7 v2): id^family^given^^^prefix^^^&root&ISO^D^^^type; IDNPS for RPPS-based ids.
std::string xcn(const std::vector<Identifier>& ids, const std::optional<PersonName>& person) {
    Identifier id = ids.empty() ? Identifier{} : ids.front();
    std::string family, given, prefix;
    if (person) {
        family = first_of(person->family);
        given = first_of(person->given);
        prefix = first_of(person->prefix);
    }
    return id.extension + "^" + family + "^" + given + "^^^" + prefix + "^^^&" + id.root + "&ISO^D^^^" +
           (id.root == k_rpps_root ? "IDNPS" : "EI");
}

// XON: name^^^^^&root&ISO^IDNST^^^id.
std::string xon(const Organization& org) {
    Identifier id = org.ids.empty() ? Identifier{} : org.ids.front();
    return org.name + "^^^^^&" + id.root + "&ISO^IDNST^^^" + id.extension;
}

// ANS association ASS_A12 (media type of a CDA N1 body -> XDS formatCode).
std::string n1_format_code(std::string_view media_type) {
    static constexpr std::pair<std::string_view, std::string_view> k_table[] = {
        {"application/pdf", "urn:ihe:iti:xds-sd:pdf:2008"}, {"text/plain", "urn:ihe:iti:xds-sd:text:2008"},
        {"text/rtf", "urn:ihe:iti-fr:xds-sd:rtf:2010"},     {"image/jpeg", "urn:ihe:iti-fr:xds-sd:jpeg:2010"},
        {"image/tiff", "urn:ihe:iti-fr:xds-sd:tiff:2010"},
    };
    for (auto [type, code] : k_table)
        if (type == media_type) return std::string(code);
    return {};
}

std::string utc(const TimeStamp& time) {
    auto parsed = time.parsed();
    return parsed ? parsed->to_xds_utc() : std::string();
}

} // namespace

XdsDocumentEntry map_xds_metadata(const CdaHeader& header, std::string_view bytes, formats::Format format,
                                  formats::Diagnostics& out, HeaderSource source) {
    XdsDocumentEntry e;
    auto missing = [&](const std::string& field) {
        // A warning: the document may be a good document that is not ready for the DMP yet;
        // the push escalates these to errors before sending.
        out.report(formats::Severity::warning, "cda.xds.missing-" + field,
                   "XDS " + field + " cannot be derived: " + metadata_source(source, field) + " is missing");
    };
    e.unique_id = header.id.extension.empty() ? header.id.root : header.id.root + "^" + header.id.extension;
    if (header.id.root.empty()) missing("uniqueId");
    e.type_code = from(header.code);
    if (e.type_code.code.empty()) missing("typeCode");
    out.report(formats::Severity::information, "cda.xds.class-code-table",
               "classCode is derived from typeCode with the ANS table ASS_X04, which is not installed; "
               "classCode was left empty");
    if (source == HeaderSource::fhir_document) {
        // IHE: a FHIR document needs no format code beyond its media type.
        e.format_code = {"urn:ihe:iti:xds:2017:mimeTypeSufficient", std::string(k_format_scheme), ""};
    } else if (header.body == BodyKind::non_xml) {
        e.format_code = {n1_format_code(header.body_media_type), std::string(k_format_scheme), ""};
        if (e.format_code.code.empty())
            out.report(formats::Severity::warning, "cda.xds.missing-formatCode",
                       "XDS formatCode cannot be derived: the nonXMLBody media type is not one the DMP knows");
    } else {
        out.report(formats::Severity::information, "cda.xds.format-code-table",
                   "the formatCode of a structured document comes from the ANS table ASS_A11 (model template "
                   "id), which is not installed; formatCode was left empty");
    }
    e.mime_type = format == formats::Format::cda_autopresentable ? "application/xslt+xml"
                  : format == formats::Format::fhir_json         ? "application/fhir+json"
                  : format == formats::Format::fhir_xml          ? "application/fhir+xml"
                                                                 : "text/xml";
    e.confidentiality_code = from(header.confidentiality);
    if (e.confidentiality_code.code.empty()) missing("confidentialityCode");
    e.creation_time = utc(header.effective_time);
    if (e.creation_time.empty()) missing("creationTime");
    e.language_code = header.language;
    if (e.language_code.empty()) missing("languageCode");
    e.title = header.title;
    if (e.title.empty()) missing("title");
    e.healthcare_facility_type_code = from(header.facility_type);
    if (e.healthcare_facility_type_code.code.empty()) missing("healthcareFacilityTypeCode");
    for (const auto& performer : header.performers)
        if (!performer.organization.industry_class.code.empty()) {
            e.practice_setting_code = from(performer.organization.industry_class);
            break;
        }
    if (e.practice_setting_code.code.empty()) missing("practiceSettingCode");
    e.service_start_time = utc(header.service_period.low);
    if (e.service_start_time.empty()) missing("serviceStartTime");
    e.service_stop_time = utc(header.service_period.high);
    if (header.legal_authenticator)
        e.legal_authenticator = xcn(header.legal_authenticator->ids, header.legal_authenticator->person);
    else
        missing("legalAuthenticator");
    for (const auto& author : header.authors) {
        e.author_person.push_back(xcn(author.ids, author.person));
        if (!author.organization.ids.empty()) e.author_institution.push_back(xon(author.organization));
        if (!author.code.code.empty()) e.author_specialty.push_back(from(author.code));
        if (!author.function_code.displayName.empty()) e.author_role.push_back(author.function_code.displayName);
    }
    if (header.authors.empty()) missing("authorPerson");
    if (!header.patients.empty()) {
        const auto& ids = header.patients.front().ids;
        for (const auto& id : ids)
            if (is_ins(id)) e.patient_id = cx(id, "NH");
        for (const auto& id : ids)
            if (!is_ins(id) && !id.root.empty()) {
                e.source_patient_id = cx(id, "PI");
                break;
            }
        if (e.source_patient_id.empty()) e.source_patient_id = e.patient_id;
    }
    if (e.patient_id.empty()) missing("patientId");
    for (const auto& related : header.related_documents)
        if (related.type_code == "RPLC")
            for (const auto& parent : related.parent_ids)
                e.replaces.push_back(parent.extension.empty() ? parent.root : parent.root + "^" + parent.extension);
    e.hash = formats::sha1_hex(bytes);
    e.size = bytes.size();
    return e;
}

nlohmann::ordered_json to_json(const XdsDocumentEntry& e) {
    auto code = [](const XdsCode& c) {
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        if (!c.code.empty()) j["code"] = c.code;
        if (!c.scheme.empty()) j["codingScheme"] = c.scheme;
        if (!c.display.empty()) j["displayName"] = c.display;
        return j;
    };
    nlohmann::ordered_json j;
    j["uniqueId"] = e.unique_id;
    j["typeCode"] = code(e.type_code);
    j["classCode"] = code(e.class_code);
    j["formatCode"] = code(e.format_code);
    j["mimeType"] = e.mime_type;
    j["confidentialityCode"] = code(e.confidentiality_code);
    j["creationTime"] = e.creation_time;
    j["languageCode"] = e.language_code;
    j["title"] = e.title;
    j["healthcareFacilityTypeCode"] = code(e.healthcare_facility_type_code);
    j["practiceSettingCode"] = code(e.practice_setting_code);
    j["serviceStartTime"] = e.service_start_time;
    if (!e.service_stop_time.empty()) j["serviceStopTime"] = e.service_stop_time;
    j["legalAuthenticator"] = e.legal_authenticator;
    j["authorPerson"] = e.author_person;
    j["authorInstitution"] = e.author_institution;
    j["authorSpecialty"] = nlohmann::ordered_json::array();
    for (const auto& s : e.author_specialty) j["authorSpecialty"].push_back(code(s));
    if (!e.author_role.empty()) j["authorRole"] = e.author_role;
    j["patientId"] = e.patient_id;
    j["sourcePatientId"] = e.source_patient_id;
    j["hash"] = e.hash;
    j["size"] = e.size;
    if (!e.replaces.empty()) j["replaces"] = e.replaces;
    return j;
}

} // namespace healthdoc::cda
