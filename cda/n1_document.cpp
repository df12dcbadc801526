#include "cda/n1_document.hpp"

#include "cda/header_writer.hpp"
#include "cda/pdf_info.hpp"
#include "formats/base64.hpp"
#include "formats/ids.hpp"

#include <cctype>
#include <ctime>

namespace healthdoc::cda {
namespace {

// CI-SIS identifier roots: INS kinds, RPPS-based persons, national structure ids.
constexpr const char* k_rpps_root = "1.2.250.1.71.4.2.1";
constexpr const char* k_structure_root = "1.2.250.1.71.4.2.2";

std::string ins_root(const std::string& kind) {
    if (kind == "nia") return "1.2.250.1.213.1.4.9";
    if (kind == "test") return "1.2.250.1.213.1.4.10";
    if (kind == "demo") return "1.2.250.1.213.1.4.11";
    return "1.2.250.1.213.1.4.8";
}

Code gender_code(const std::string& gender) {
    std::string display = gender == "M" ? "Masculin" : gender == "F" ? "Féminin" : "Inconnu";
    return {gender, "2.16.840.1.113883.5.1", "", display, ""};
}

Code confidentiality_code(const std::string& code) {
    std::string display = code == "R" ? "Restreint" : code == "V" ? "Très restreint" : "Normal";
    return {code, "2.16.840.1.113883.5.25", "Confidentiality", display, ""};
}

std::vector<NamePart> part(const std::string& text, const std::string& qualifier = "") {
    if (text.empty()) return {};
    return {NamePart{text, qualifier}};
}

PersonName person_name(const N1Person& person) {
    PersonName name;
    name.prefix = part(person.prefix);
    name.family = part(person.family);
    name.given = part(person.given);
    name.suffix = part(person.suffix);
    return name;
}

Organization organization(const N1Organization& org) {
    Organization out;
    out.ids.push_back({k_structure_root, org.id, ""});
    out.name = org.name;
    return out;
}

AssignedEntity professional(const N1Person& person, const std::string& time) {
    AssignedEntity entity;
    entity.time.value = time;
    // CI-SIS: a professional's national id is "8" + RPPS under the RPPS-based root.
    entity.ids.push_back({k_rpps_root, "8" + person.rpps, ""});
    entity.person = person_name(person);
    return entity;
}

Patient patient(const N1Metadata& m) {
    Patient p;
    p.ids.push_back({ins_root(m.ins_kind), m.ins, ""});
    if (!m.local_patient_id.root.empty()) p.ids.push_back(m.local_patient_id);
    // CI-SIS INS traits: birth name (BR), birth given names (no qualifier), first birth given
    // name (BR); the used name and given name (CL) when they differ.
    PersonName name;
    name.family = part(m.birth_name, "BR");
    for (const auto& used : part(m.used_name, "CL")) name.family.push_back(used);
    name.given = part(m.given_names);
    for (const auto& first : part(m.first_given_name, "BR")) name.given.push_back(first);
    for (const auto& used : part(m.used_given_name, "CL")) name.given.push_back(used);
    p.names.push_back(name);
    p.gender = gender_code(m.gender);
    p.birth_time.value = m.birth_time;
    p.birth_place_code = m.birth_place_code;
    return p;
}

// A new identifier: under `root` with a 16-character extension (IHE XDS limits the extension
// of a uniqueId to 16 characters), else the UUID's OID (ISO/IEC 9834-8).
Identifier generate_id(const std::string& root, const std::function<std::string()>& new_uuid) {
    auto uuid = new_uuid ? new_uuid() : formats::random_uuid();
    if (root.empty()) return {formats::uuid_to_oid(uuid), "", ""};
    std::string extension;
    for (char c : uuid)
        if (c != '-' && extension.size() < 16) extension.push_back(static_cast<char>(std::toupper(c)));
    return {root, extension, ""};
}

std::string next_version(const std::string& previous) {
    try {
        return std::to_string(std::stoull(previous) + 1);
    } catch (const std::exception&) {
        return "1"; // check_n1_metadata has reported it
    }
}

} // namespace

std::string hl7_now() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%d%H%M%S%z", &local);
    return text;
}

std::optional<std::string> n1_media_type(formats::Format format) {
    switch (format) {
    case formats::Format::pdf:
    case formats::Format::text:
    case formats::Format::rtf:
    case formats::Format::jpeg:
    case formats::Format::tiff: return std::string(formats::media_type(format));
    default: return std::nullopt;
    }
}

CdaHeader build_n1_header(const N1Metadata& m, const std::string& media_type, const N1Environment& environment) {
    CdaHeader h;
    h.realm_code = "FR";
    h.template_ids = {k_template_hl7_france, k_template_cisis, k_template_xds_sd};
    h.id = m.document_id.root.empty() ? generate_id(m.id_root, environment.new_uuid) : m.document_id;
    h.code = m.type_code;
    if (h.code.codeSystem == "2.16.840.1.113883.6.1" && h.code.codeSystemName.empty()) h.code.codeSystemName = "LOINC";
    h.title = m.title;
    h.effective_time.value =
        !m.effective_time.empty() ? m.effective_time : (environment.now ? environment.now() : hl7_now());
    const auto& created = h.effective_time.value;
    h.confidentiality = confidentiality_code(m.confidentiality);
    h.language = m.language;
    if (m.replaces) {
        // A replacement keeps the set of versions and counts one more (CDA R2 4.2.1.7-8).
        h.set_id = m.replaces->set_id;
        h.version_number = next_version(m.replaces->previous_version);
        RelatedDocument related{"RPLC", {m.replaces->replaced_id}, m.replaces->set_id, m.replaces->previous_version};
        h.related_documents.push_back(related);
    } else {
        h.set_id = m.set_id.root.empty() ? generate_id(m.id_root, environment.new_uuid) : m.set_id;
        h.version_number = "1";
    }
    h.patients.push_back(patient(m));

    auto author = professional(m.author, m.author_time.empty() ? created : m.author_time);
    author.code = m.author_specialty;
    author.organization = organization(m.author_organization);
    h.authors.push_back(author);
    h.custodian = organization(m.custodian.id.empty() ? m.author_organization : m.custodian);
    auto legal = professional(m.legal_authenticator.value_or(m.author),
                              m.legal_authentication_time.empty() ? created : m.legal_authentication_time);
    legal.signature_code = "S";
    h.legal_authenticator = legal;

    h.service_event_code = m.service_code;
    h.service_period.low.value = m.service_start;
    h.service_period.high.value = m.service_end;
    // CI-SIS: the performer of the first serviceEvent carries the practice setting on its
    // organisation; the author performed the act being reported.
    auto performer = professional(m.author, "");
    performer.time = {};
    performer.organization = organization(m.author_organization);
    performer.organization.industry_class = m.practice_setting;
    h.performers.push_back(performer);

    if (m.encounter_start.empty()) {
        h.encounter_period = h.service_period;
    } else {
        h.encounter_period.low.value = m.encounter_start;
        h.encounter_period.high.value = m.encounter_end;
    }
    h.facility_type = m.facility_type;
    h.body = BodyKind::non_xml;
    h.body_media_type = media_type;
    return h;
}

std::string write_n1_document(const CdaHeader& header, std::string_view content) {
    pugi::xml_document document;
    auto declaration = document.append_child(pugi::node_declaration);
    declaration.append_attribute("version").set_value("1.0");
    declaration.append_attribute("encoding").set_value("UTF-8");
    auto clinical_document = write_header(header, document);
    auto text = clinical_document.append_child("component").append_child("nonXMLBody").append_child("text");
    text.append_attribute("mediaType").set_value(header.body_media_type.c_str());
    text.append_attribute("representation").set_value("B64");
    text.text().set(formats::base64_encode(content).c_str());
    return to_xml_text(document);
}

std::optional<std::string> convert_to_n1(std::string_view content, formats::Format format, const N1Metadata& metadata,
                                         const std::string& metadata_file, formats::Diagnostics& out,
                                         const N1Environment& environment) {
    auto media_type = n1_media_type(format);
    if (!media_type)
        out.report(formats::Severity::error, "cda.n1.unsupported-media",
                   "an N1 document carries PDF, plain text, RTF, JPEG or TIFF; the input is " +
                       std::string(formats::to_string(format)));
    check_n1_metadata(metadata, metadata_file, out);
    if (out.has_at_least(formats::Severity::error)) return std::nullopt;
    if (format == formats::Format::pdf) {
        auto claim = find_pdfa_claim(content);
        if (!claim)
            out.report(formats::Severity::warning, "cda.n1.not-pdfa",
                       "the PDF does not declare PDF/A conformance in its XMP metadata (pdfaid:part); the DMP "
                       "expects PDF/A-1");
        else if (claim->part != "1")
            out.report(formats::Severity::warning, "cda.n1.not-pdfa-1",
                       "the PDF declares PDF/A-" + claim->part + "; the DMP expects PDF/A-1");
    }
    return write_n1_document(build_n1_header(metadata, *media_type, environment), content);
}

} // namespace healthdoc::cda
