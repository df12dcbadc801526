// The people and organisations of the header: authors, custodian, legal authenticator,
// authenticators, information recipients, participants and informants.
#include "cda/cisis/national_ids.hpp"
#include "cda/cisis/sections.hpp"

namespace healthdoc::cda::cisis {
namespace {

void check_signature(Checker& check, const Node& signer, const char* rule) {
    for (const auto& time : check.expect(signer, "time", 1, 1, rule)) check.check_ts(time, rule);
    auto codes = check.expect(signer, "signatureCode", 1, 1, rule);
    for (const auto& code : codes)
        if (Checker::attribute(code, "code") != "S")
            check.report_attribute(formats::Severity::error, rule, code, "code",
                                   "signatureCode/@code must be 'S' (signed)");
}

void check_organization(Checker& check, const Node& organization, const char* rule, bool practice_setting_required) {
    for (const auto& id : Checker::children(organization, "id")) {
        check.check_ii(id, rule);
        check.check_national_id(id);
    }
    check.expect(organization, "name", 0, 1, rule);
    auto settings = check.expect(organization, "standardIndustryClassCode", practice_setting_required ? 1 : 0, 1, rule,
                                 practice_setting_required);
    for (const auto& setting : settings) {
        check.check_coded(setting, rule, practice_setting_required);
        check.check_in_value_set(setting, value_set_oid::practice_setting, "cisis.header.practice-setting");
    }
    check.expect(organization, "asOrganizationPartOf", 0, 1, rule);
    check.check_contacts(organization, rule);
}

} // namespace

void check_name_titles(Checker& check, const Node& name, const char* rule) {
    (void)rule;
    auto check_part = [&](const char* part, const char* oid, const char* what) {
        const auto* set = check.value_sets().find(oid);
        if (!set) return;
        for (const auto& node : Checker::children(name, part)) {
            std::string_view text = node.child_value();
            if (text.empty() || set->find_code(text)) continue;
            check.warning("cisis.header.name-title", node,
                          std::string("name/") + part + " should be a " + what + " code of " + set->name() + " (" +
                              set->oid() + "); found '" + std::string(text) + "'");
        }
    };
    check_part("prefix", value_set_oid::civility, "civility");
    check_part("suffix", value_set_oid::title, "title");
}

void check_assigned_entity(Checker& check, const Node& entity, const EntityRules& rules) {
    for (const auto& id : check.expect(entity, "id", rules.min_ids, rules.max_ids, rules.rule, rules.ids_mandatory)) {
        check.check_ii(id, rules.rule, rules.required_id_root != nullptr);
        if (rules.required_id_root && Checker::attribute(id, "root") != rules.required_id_root)
            check.report_attribute(formats::Severity::error, rules.rule, id, "root",
                                   std::string("id/@root must be ") + rules.required_id_root +
                                       " (national id of health professionals)");
        check.check_national_id(id);
    }
    for (const auto& code : check.expect(entity, "code", 0, 1, rules.rule)) {
        check.check_coded(code, rules.rule);
        check.check_in_value_set(code, value_set_oid::author_specialty, "cisis.header.author-specialty");
    }
    check.check_contacts(entity, rules.rule);
    for (const auto& person : check.expect(entity, "assignedPerson", 0, 1, rules.rule))
        for (const auto& name : check.expect(person, "name", 1, 1, rules.rule)) {
            check.check_professional_name(name, rules.rule);
            check_name_titles(check, name, rules.rule);
        }
    for (const auto& organization :
         check.expect(entity, "representedOrganization", rules.organization_required ? 1 : 0, 1, rules.rule))
        check_organization(check, organization, rules.rule, rules.practice_setting_required);
}

void check_authors(Checker& check, const Node& document) {
    const char* rule = "cisis.header.author";
    for (const auto& author : check.expect(document, "author", 1, 0, rule, true)) {
        for (const auto& function : check.expect(author, "functionCode", 0, 1, rule)) {
            check.check_coded(function, rule);
            check.check_in_value_set(function, value_set_oid::function_code, "cisis.header.function-code");
        }
        for (const auto& time : check.expect(author, "time", 1, 1, rule)) check.check_ts(time, rule);
        for (const auto& assigned : check.expect(author, "assignedAuthor", 1, 1, rule, true)) {
            check_assigned_entity(check, assigned, {rule, 1, 0});
            for (const auto& device : check.expect(assigned, "assignedAuthoringDevice", 0, 1, rule)) {
                check.expect(device, "manufacturerModelName", 1, 1, "cisis.header.author-device");
                check.expect(device, "softwareName", 1, 1, "cisis.header.author-device");
            }
            for (const auto& organization : Checker::children(assigned, "representedOrganization"))
                for (const auto& id : Checker::children(organization, "id"))
                    if (!Checker::has_null_flavor(id) && Checker::attribute(id, "root") != k_organization_oid)
                        check.report_attribute(formats::Severity::error, rule, id, "root",
                                               "author's representedOrganization/id/@root must be 1.2.250.1.71.4.2.2 "
                                               "(national id of health organisations)");
        }
    }
}

void check_custodian(Checker& check, const Node& document) {
    const char* rule = "cisis.header.custodian";
    for (const auto& custodian : check.expect(document, "custodian", 1, 1, rule, true))
        for (const auto& assigned : check.expect(custodian, "assignedCustodian", 1, 1, rule))
            for (const auto& organization : check.expect(assigned, "representedCustodianOrganization", 1, 1, rule)) {
                for (const auto& id : check.expect(organization, "id", 1, 1, rule, true)) {
                    check.check_ii(id, rule);
                    check.check_national_id(id);
                }
                check.expect(organization, "name", 0, 1, rule);
                check.expect(organization, "telecom", 0, 1, rule);
                check.check_contacts(organization, rule);
            }
}

void check_legal_authenticator(Checker& check, const Node& document) {
    const char* rule = "cisis.header.legal-authenticator";
    for (const auto& legal : check.expect(document, "legalAuthenticator", 1, 1, rule)) {
        check_signature(check, legal, rule);
        for (const auto& assigned : check.expect(legal, "assignedEntity", 1, 1, rule)) {
            check_assigned_entity(check, assigned, {rule, 1, 1, nullptr, false, false, true});
            for (const auto& person : Checker::children(assigned, "assignedPerson"))
                for (const auto& name : Checker::children(person, "name"))
                    if (Checker::has_null_flavor(name))
                        check.error(rule, name, "the legal authenticator's name must be given");
        }
    }
}

void check_authenticators(Checker& check, const Node& document) {
    const char* rule = "cisis.header.authenticator";
    for (const auto& authenticator : Checker::children(document, "authenticator")) {
        check_signature(check, authenticator, rule);
        for (const auto& assigned : check.expect(authenticator, "assignedEntity", 1, 1, rule))
            check_assigned_entity(check, assigned, {rule, 1, 1, k_professional_oid});
    }
}

void check_information_recipients(Checker& check, const Node& document) {
    const char* rule = "cisis.header.information-recipient";
    for (const auto& recipient : Checker::children(document, "informationRecipient"))
        for (const auto& intended : check.expect(recipient, "intendedRecipient", 1, 1, rule)) {
            for (const auto& id : Checker::children(intended, "id")) {
                if (Checker::has_null_flavor(id)) continue;
                check.check_ii(id, rule, true);
                if (Checker::attribute(id, "root") != k_professional_oid)
                    check.report_attribute(
                        formats::Severity::error, rule, id, "root",
                        "intendedRecipient/id/@root must be 1.2.250.1.71.4.2.1 (national id of health professionals)");
                check.check_national_id(id);
            }
            check.check_contacts(intended, rule);
            for (const auto& person : check.expect(intended, "informationRecipient", 0, 1, rule))
                for (const auto& name : Checker::children(person, "name")) check.check_professional_name(name, rule);
            for (const auto& organization : check.expect(intended, "receivedOrganization", 0, 1, rule)) {
                for (const auto& id : Checker::children(organization, "id")) {
                    if (Checker::has_null_flavor(id)) continue;
                    check.check_ii(id, rule, true);
                    check.check_national_id(id);
                }
                check.check_contacts(organization, rule);
            }
        }
}

void check_participants(Checker& check, const Node& document) {
    const char* rule = "cisis.header.participant";
    for (const auto& participant : Checker::children(document, "participant")) {
        if (check.require_attribute(participant, "typeCode", rule)) {
            const auto* set = check.value_sets().find(value_set_oid::participation_type);
            if (set && !set->find_code(Checker::attribute(participant, "typeCode")))
                check.report_attribute(
                    formats::Severity::error, "cisis.header.participant-type", participant, "typeCode",
                    "participant/@typeCode '" + std::string(Checker::attribute(participant, "typeCode")) +
                        "' is not in " + set->name());
        }
        check.expect(participant, "templateId", 0, 1, rule);
        for (const auto& function : check.expect(participant, "functionCode", 0, 1, rule))
            check.check_in_value_set(function, value_set_oid::function_code, "cisis.header.function-code");
        for (const auto& time : check.expect(participant, "time", 1, 1, rule)) check.check_ivl_ts(time, rule);
        for (const auto& entity : check.expect(participant, "associatedEntity", 1, 1, rule)) {
            auto class_code = Checker::attribute(entity, "classCode");
            if (class_code != "PROV" && class_code != "AGNT")
                check.report_attribute(
                    formats::Severity::error, rule, entity, "classCode",
                    "associatedEntity/@classCode must be 'PROV' (a health professional) or 'AGNT' (anyone else)");
            for (const auto& id : check.expect(entity, "id", 0, 1, rule)) {
                check.check_ii(id, rule, true);
                check.check_national_id(id);
            }
            for (const auto& code : check.expect(entity, "code", 0, 1, rule)) check.check_coded(code, rule, true);
            check.check_contacts(entity, rule);
            for (const auto& person : check.expect(entity, "associatedPerson", 0, 1, rule))
                for (const auto& name : check.expect(person, "name", 1, 1, rule))
                    check.check_professional_name(name, rule);
            for (const auto& organization : check.expect(entity, "scopingOrganization", 0, 1, rule)) {
                check.expect(organization, "id", 0, 1, rule);
                check.expect(organization, "name", 0, 1, rule);
                check.expect(organization, "standardIndustryClassCode", 0, 1, rule);
                check.check_contacts(organization, rule);
            }
        }
    }
    for (const auto& informant : Checker::children(document, "informant")) {
        const char* informant_rule = "cisis.header.informant";
        auto assigned = check.expect(informant, "assignedEntity", 0, 1, informant_rule);
        auto related = check.expect(informant, "relatedEntity", 0, 1, informant_rule);
        for (const auto& entity : assigned) check_assigned_entity(check, entity, {informant_rule, 1, 1});
        for (const auto& entity : related) {
            for (const auto& code : check.expect(entity, "code", 0, 1, informant_rule))
                check.check_in_value_set(code, value_set_oid::patient_relation, "cisis.header.patient-relation");
            check.expect(entity, "relatedPerson", 1, 1, informant_rule);
            check.check_contacts(entity, informant_rule);
        }
    }
}

} // namespace healthdoc::cda::cisis
