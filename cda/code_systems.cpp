#include "cda/code_systems.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace healthdoc::cda {
namespace {

// The first six are the ones the PDSm / PDSM4DMP examples write as URLs; the others are the
// HL7 and terminology systems a FHIR document commonly codes with.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> k_known_systems = {{
    {"2.16.840.1.113883.6.1", "http://loinc.org"},
    {"2.16.840.1.113883.5.25", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"},
    {"1.3.6.1.4.1.19376.1.2.3", "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode"},
    {"1.2.250.1.71.4.2.4", "https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite"},
    {"1.2.250.1.213.1.1.4.9", "https://mos.esante.gouv.fr/NOS/TRE_A01-CadreExercice/FHIR/TRE-A01-CadreExercice"},
    {"1.2.250.1.213.1.1.4.1", "https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument"},
    {"2.16.840.1.113883.6.96", "http://snomed.info/sct"},
    {"2.16.840.1.113883.5.1", "http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender"},
    {"2.16.840.1.113883.5.111", "http://terminology.hl7.org/CodeSystem/v3-RoleCode"},
    {"2.16.840.1.113883.5.4", "http://terminology.hl7.org/CodeSystem/v3-ActCode"},
}};

} // namespace

bool is_oid_text(std::string_view text) {
    return !text.empty() && std::isdigit(static_cast<unsigned char>(text.front())) &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) || c == '.'; });
}

std::string fhir_system_of(std::string_view scheme) {
    if (scheme.empty()) return {};
    for (auto [oid, uri] : k_known_systems)
        if (oid == scheme) return std::string(uri);
    if (is_oid_text(scheme)) return "urn:oid:" + std::string(scheme);
    return std::string(scheme);
}

std::string oid_of_system(std::string_view system) {
    if (system.rfind("urn:oid:", 0) == 0) return std::string(system.substr(8));
    for (auto [oid, uri] : k_known_systems)
        if (uri == system) return std::string(oid);
    return std::string(system);
}

} // namespace healthdoc::cda
