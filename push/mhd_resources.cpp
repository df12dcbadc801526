#include "push/mhd_resources.hpp"

#include "push/mhd_bundle.hpp"

#include "cda/code_systems.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace healthdoc::push {
namespace {

bool is_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (text[i] == '-')) return false;
        if (!dash && !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    return true;
}

} // namespace

std::string fhir_code_system(std::string_view scheme) { return cda::fhir_system_of(scheme); }

std::string unique_id_uri(std::string_view unique_id) {
    if (cda::is_oid_text(unique_id)) return "urn:oid:" + std::string(unique_id);
    if (is_uuid(unique_id)) return "urn:uuid:" + std::string(unique_id);
    return std::string(unique_id);
}

namespace mhd {
namespace {

// FR Core identifier types (fr-core-cs-v2-0203) of the national directory (RPPS/ADELI-based
// IDNPS for professionals, IDNST for structures), as in the PDSm support examples.
constexpr const char* k_fr_core_identifier_type = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203";
constexpr std::string_view k_idnps_root = "1.2.250.1.71.4.2.1";
constexpr std::string_view k_idnst_root = "1.2.250.1.71.4.2.2";

Json texts(const std::vector<cda::NamePart>& parts) {
    Json list = Json::array();
    for (const auto& part : parts)
        if (!part.text.empty() && std::find(list.begin(), list.end(), part.text) == list.end())
            list.push_back(part.text);
    return list;
}

std::optional<Json> human_name(const cda::PersonName& name) {
    Json human = Json::object();
    // FHIR has one family string; the first part is the one XDS XCN carries too.
    for (const auto& part : name.family)
        if (!part.text.empty()) {
            human["family"] = part.text;
            break;
        }
    for (auto [member, parts] :
         {std::pair{"given", &name.given}, std::pair{"prefix", &name.prefix}, std::pair{"suffix", &name.suffix}}) {
        Json list = texts(*parts);
        if (!list.empty()) human[member] = std::move(list);
    }
    if (human.empty()) return std::nullopt;
    return human;
}

Json identifiers(const std::vector<cda::Identifier>& ids) {
    Json list = Json::array();
    for (const auto& id : ids)
        if (auto converted = identifier(id)) list.push_back(std::move(*converted));
    return list;
}

Json reference(const std::string& local) { return Json{{"reference", local}}; }

} // namespace

Json coding(const cda::XdsCode& code) {
    Json result = Json::object();
    if (!code.scheme.empty()) result["system"] = fhir_code_system(code.scheme);
    if (!code.code.empty()) result["code"] = code.code;
    if (!code.display.empty()) result["display"] = code.display;
    return result;
}

Json codeable_concept(const cda::XdsCode& code) { return Json{{"coding", Json::array({coding(code)})}}; }

cda::XdsCode xds_code(const cda::Code& code) { return {code.code, code.codeSystem, code.displayName}; }

std::optional<Json> identifier(const cda::Identifier& id) {
    if (id.root.empty()) return std::nullopt;
    Json result = Json::object();
    if (id.root == k_idnps_root || id.root == k_idnst_root) {
        const char* type = id.root == k_idnps_root ? "IDNPS" : "IDNST";
        result["type"] = Json{{"coding", Json::array({Json{{"system", k_fr_core_identifier_type}, {"code", type}}})}};
    }
    if (id.extension.empty()) {
        // An II without extension: the root alone is the identifier (CDA R2, II data type).
        result["system"] = k_uri_system;
        result["value"] = unique_id_uri(id.root);
    } else {
        result["system"] = fhir_code_system(id.root);
        result["value"] = id.extension;
    }
    return result;
}

std::optional<Json> identifier_from_cx(const std::string& cx) {
    // CX: value^check digit^scheme^assigning authority (HD: namespace&universal id&type)^type.
    auto separator = cx.find("^^^&");
    if (separator == std::string::npos || separator == 0) return std::nullopt;
    auto universal_start = separator + 4;
    auto universal_end = cx.find('&', universal_start);
    if (universal_end == std::string::npos || universal_end == universal_start) return std::nullopt;
    std::string oid = cx.substr(universal_start, universal_end - universal_start);
    return Json{{"system", "urn:oid:" + oid}, {"value", cx.substr(0, separator)}};
}

std::string fhir_date_time(const cda::TimeStamp& time, const std::string& field, const std::string& path,
                           formats::Diagnostics& out) {
    auto parsed = time.parsed();
    if (!parsed) return {};
    if (parsed->precision >= formats::Hl7Precision::hour && !parsed->zone_minutes) {
        out.report(formats::Severity::error, "push.mhd.invalid-" + field,
                   "XDS " + field + " has a time without a time zone, which a FHIR dateTime cannot carry; " + path +
                       " was left out",
                   formats::Location{"", 0, 0, path});
        return {};
    }
    return parsed->to_fhir();
}

std::string add_organization(Json& contained, const cda::Organization& organization, const std::string& id) {
    Json ids = identifiers(organization.ids);
    if (ids.empty() && organization.name.empty()) return {};
    Json resource{{"resourceType", "Organization"}, {"id", id}};
    if (!ids.empty()) resource["identifier"] = std::move(ids);
    if (!organization.name.empty()) resource["name"] = organization.name;
    contained.push_back(std::move(resource));
    return "#" + id;
}

std::string add_participant(Json& contained, const cda::AssignedEntity& who, const std::string& id_prefix) {
    Json ids = identifiers(who.ids);
    std::optional<Json> name = who.person ? human_name(*who.person) : std::nullopt;
    bool device = !who.device_model.empty() || !who.device_software.empty();
    if (ids.empty() && !name && !device) return add_organization(contained, who.organization, id_prefix);

    Json organization = Json::array();
    std::string organization_ref = add_organization(organization, who.organization, id_prefix + "-organization");
    if (device && !who.person) {
        // assignedAuthoringDevice: XDS authorPerson then names the software (CI-SIS author of
        // a document produced by a system).
        Json resource{{"resourceType", "Device"}, {"id", id_prefix}};
        if (!ids.empty()) resource["identifier"] = std::move(ids);
        if (!who.device_model.empty())
            resource["deviceName"] = Json::array({Json{{"name", who.device_model}, {"type", "model-name"}}});
        if (!who.device_software.empty()) resource["version"] = Json::array({Json{{"value", who.device_software}}});
        if (!organization_ref.empty()) resource["owner"] = reference(organization_ref);
        contained.push_back(std::move(resource));
    } else {
        // PDSm authors and authenticators are AS PractitionerRoles pointing at the Practitioner
        // and the structure, as in the PDSm support examples.
        Json practitioner{{"resourceType", "Practitioner"}, {"id", id_prefix + "-practitioner"}};
        if (!ids.empty()) practitioner["identifier"] = std::move(ids);
        if (name) practitioner["name"] = Json::array({std::move(*name)});
        Json role{{"resourceType", "PractitionerRole"}, {"id", id_prefix}};
        role["practitioner"] = reference("#" + id_prefix + "-practitioner");
        if (!organization_ref.empty()) role["organization"] = reference(organization_ref);
        // XDS authorRole is the functionCode, authorSpecialty the assigned entity's code.
        if (!who.function_code.code.empty())
            role["code"] = Json::array({codeable_concept(xds_code(who.function_code))});
        if (!who.code.code.empty()) role["specialty"] = Json::array({codeable_concept(xds_code(who.code))});
        contained.push_back(std::move(role));
        contained.push_back(std::move(practitioner));
    }
    for (auto& resource : organization) contained.push_back(std::move(resource));
    return "#" + id_prefix;
}

Json source_patient(const cda::CdaHeader& header, const std::optional<Json>& ins, const std::string& id) {
    Json patient{{"resourceType", "Patient"}, {"id", id}};
    Json ids = Json::array();
    if (ins) ids.push_back(*ins);
    if (!header.patients.empty()) {
        for (const auto& cda_id : header.patients.front().ids)
            if (auto converted = identifier(cda_id);
                converted && std::find(ids.begin(), ids.end(), *converted) == ids.end())
                ids.push_back(std::move(*converted));
    }
    if (!ids.empty()) patient["identifier"] = std::move(ids);
    if (header.patients.empty()) return patient;
    const auto& cda_patient = header.patients.front();
    Json names = Json::array();
    for (const auto& name : cda_patient.names)
        if (auto converted = human_name(name)) names.push_back(std::move(*converted));
    if (!names.empty()) patient["name"] = std::move(names);
    // HL7 v3 AdministrativeGender (JDV_J143: M, F, U) to FHIR administrative-gender.
    const std::string& gender = cda_patient.gender.code;
    if (gender == "M")
        patient["gender"] = "male";
    else if (gender == "F")
        patient["gender"] = "female";
    else if (gender == "U" || gender == "UN")
        patient["gender"] = "unknown";
    if (auto birth = cda_patient.birth_time.parsed()) patient["birthDate"] = birth->to_fhir().substr(0, 10);
    return patient;
}

} // namespace mhd
} // namespace healthdoc::push
