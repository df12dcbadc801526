// recordTarget: the patient, the INS and its identity traits.
#include "cda/cisis/national_ids.hpp"
#include "cda/cisis/sections.hpp"

#include <algorithm>

namespace healthdoc::cda::cisis {
namespace {

constexpr const char* k_rule = "cisis.header.record-target";

bool has_qualifier(const std::vector<Node>& parts, std::string_view qualifier) {
    return std::any_of(parts.begin(), parts.end(),
                       [&](const Node& n) { return Checker::attribute(n, "qualifier") == qualifier; });
}

void check_patient_ids(Checker& check, const Node& role, bool& has_ins) {
    for (const auto& id : check.expect(role, "id", 1, 0, k_rule, true)) {
        check.check_ii(id, k_rule, true);
        auto root = Checker::attribute(id, "root");
        if (is_ins_oid(root)) {
            has_ins = true;
            auto nir = Checker::attribute(id, "extension");
            switch (check_nir(nir)) {
            case NirCheck::valid: break;
            case NirCheck::bad_format:
                if (!nir.empty())
                    check.report_attribute(
                        formats::Severity::error, "cisis.header.ins-format", id, "extension",
                        "an INS (NIR or NIA) is 13 characters (digits, 2A/2B for Corsica) followed by a 2-digit key");
                break;
            case NirCheck::bad_key:
                check.report_attribute(formats::Severity::warning, "cisis.header.nir-key", id, "extension",
                                       "the INS key (last 2 digits) does not match the number (97 - number mod 97): "
                                       "the identity will not match the national INS directory");
                break;
            }
        } else if (root == k_ins_c_oid) {
            check.report_attribute(
                formats::Severity::error, "cisis.header.ins-oid", id, "root",
                "the calculated INS (INS-C, 1.2.250.1.213.1.4.2) is no longer accepted: identify the "
                "patient by the INS-NIR (1.2.250.1.213.1.4.8) or INS-NIA (.9); .10 and .11 are for "
                "test and demonstration");
        }
    }
}

void check_patient_name(Checker& check, const Node& patient) {
    for (const auto& name : check.expect(patient, "name", 1, 1, k_rule, true)) {
        auto given = check.expect(name, "given", 1, 0, k_rule, true);
        auto family = check.expect(name, "family", 1, 0, k_rule, true);
        for (const auto& part : family) {
            auto qualifier = Checker::attribute(part, "qualifier");
            if (qualifier.empty())
                check.report_attribute(
                    formats::Severity::error, "cisis.header.name-qualifier", part, "qualifier",
                    "patient family name must say which it is: @qualifier 'BR' (birth name) or 'CL' (used name)");
            else if (qualifier != "BR" && qualifier != "CL")
                check.report_attribute(
                    formats::Severity::error, "cisis.header.name-qualifier", part, "qualifier",
                    "patient family/@qualifier must be 'BR' (birth name) or 'CL' (used name); found '" +
                        std::string(qualifier) + "'");
        }
        for (const auto& part : given) {
            auto qualifier = Checker::attribute(part, "qualifier");
            if (!qualifier.empty() && qualifier != "BR" && qualifier != "CL")
                check.report_attribute(
                    formats::Severity::error, "cisis.header.name-qualifier", part, "qualifier",
                    "patient given/@qualifier must be 'BR' (first birth given name) or 'CL' (used given "
                    "name), or absent for the list of birth given names; found '" +
                        std::string(qualifier) + "'");
        }
        check.expect(name, "prefix", 0, 1, k_rule);
        check.expect(name, "suffix", 0, 1, k_rule);
    }
}

// When an INS is given, the identity traits the INS is qualified with are required.
void check_ins_traits(Checker& check, const Node& role, const Node& patient) {
    std::vector<std::string> missing;
    auto name = Checker::child(patient, "name");
    auto family = Checker::children(name, "family");
    auto given = Checker::children(name, "given");
    if (!has_qualifier(family, "BR")) missing.push_back("birth name (family qualifier BR)");
    if (!has_qualifier(given, "BR")) missing.push_back("first birth given name (given qualifier BR)");
    if (std::none_of(given.begin(), given.end(), [](const Node& n) { return !n.attribute("qualifier"); }))
        missing.push_back("birth given names (given without qualifier)");
    if (!Checker::child(patient, "birthTime")) missing.push_back("birth date (birthTime)");
    auto county = Checker::child(Checker::child(Checker::child(Checker::child(patient, "birthplace"), "place"), "addr"),
                                 "county");
    if (!county) missing.push_back("birth place code (birthplace/place/addr/county)");
    if (Checker::attribute(Checker::child(patient, "administrativeGenderCode"), "code").empty())
        missing.push_back("gender (administrativeGenderCode/@code)");
    if (missing.empty()) return;
    std::string list;
    for (const auto& item : missing) list += (list.empty() ? "" : ", ") + item;
    check.error("cisis.header.ins-traits", patient ? patient : role,
                "the patient has an INS, so the INS identity traits are required; missing: " + list);
}

} // namespace

void check_record_target(Checker& check, const Node& document) {
    for (const auto& target : check.expect(document, "recordTarget", 1, 1, k_rule, true)) {
        for (const auto& role : check.expect(target, "patientRole", 1, 1, k_rule)) {
            bool has_ins = false;
            check_patient_ids(check, role, has_ins);
            check.check_contacts(role, k_rule);
            auto patients = check.expect(role, "patient", 1, 1, k_rule, true);
            for (const auto& patient : patients) {
                check_patient_name(check, patient);
                for (const auto& gender : check.expect(patient, "administrativeGenderCode", 1, 1, k_rule)) {
                    check.check_coded(gender, k_rule);
                    check.check_in_value_set(gender, value_set_oid::gender, "cisis.header.gender");
                }
                for (const auto& birth : check.expect(patient, "birthTime", 1, 1, k_rule))
                    check.check_ts(birth, k_rule);
                for (const char* single : {"sdtc:deceasedInd", "sdtc:deceasedTime", "sdtc:multipleBirthInd",
                                           "sdtc:multipleBirthOrderNumber"})
                    check.expect(patient, single, 0, 1, k_rule);
                for (const auto& place : check.expect(patient, "birthplace", 0, 1, k_rule))
                    for (const auto& inner : check.expect(place, "place", 1, 1, k_rule)) {
                        for (const auto& addr : check.expect(inner, "addr", 0, 1, k_rule))
                            check.check_addr(addr, k_rule);
                        check.expect(inner, "name", 0, 1, k_rule);
                    }
                for (const auto& guardian : Checker::children(patient, "guardian")) {
                    auto persons = Checker::children(guardian, "guardianPerson").size();
                    auto organizations = Checker::children(guardian, "guardianOrganization").size();
                    if (persons + organizations != 1)
                        check.error(k_rule, guardian,
                                    "guardian must contain exactly one guardianPerson or guardianOrganization");
                    check.check_contacts(guardian, k_rule);
                }
            }
            if (has_ins) check_ins_traits(check, role, patients.empty() ? Node() : patients[0]);
        }
    }
}

} // namespace healthdoc::cda::cisis
