// The care setting: documentationOf/serviceEvent (the main act, its performer and practice
// setting) and componentOf/encompassingEncounter (period, facility type, location).
#include "cda/cisis/national_ids.hpp"
#include "cda/cisis/sections.hpp"

namespace healthdoc::cda::cisis {

void check_documentation_of(Checker& check, const Node& document) {
    const char* rule = "cisis.header.documentation-of";
    auto documentations = check.expect(document, "documentationOf", 1, 0, rule, true);
    bool first = true;
    for (const auto& documentation : documentations) {
        auto events = check.expect(documentation, "serviceEvent", 1, 1, rule, true);
        for (const auto& event : events) {
            for (const auto& code : check.expect(event, "code", 0, 1, rule)) {
                bool coded =
                    !Checker::attribute(code, "code").empty() && !Checker::attribute(code, "codeSystem").empty();
                if (coded == Checker::has_null_flavor(code))
                    check.error(rule, code,
                                "serviceEvent/code must have @code and @codeSystem, or a @nullFlavor and neither");
            }
            auto times = check.expect(event, "effectiveTime", first ? 1 : 0, 1, rule);
            for (const auto& time : times) check.check_ivl_ts(time, rule, true);
            auto performers = check.expect(event, "performer", first ? 1 : 0, 1, rule);
            for (const auto& performer : performers) {
                if (Checker::attribute(performer, "typeCode") != "PRF")
                    check.report_attribute(formats::Severity::error, rule, performer, "typeCode",
                                           "the main act's performer must have @typeCode 'PRF'");
                check.expect(performer, "functionCode", 0, 1, rule);
                for (const auto& time : check.expect(performer, "time", 0, 1, rule)) check.check_ivl_ts(time, rule);
                for (const auto& entity : check.expect(performer, "assignedEntity", 1, 1, rule))
                    check_assigned_entity(check, entity, {rule, 1, 1, nullptr, true, true});
            }
        }
        first = false;
    }
}

void check_component_of(Checker& check, const Node& document) {
    const char* rule = "cisis.header.component-of";
    for (const auto& component : check.expect(document, "componentOf", 1, 1, rule, true))
        for (const auto& encounter : check.expect(component, "encompassingEncounter", 1, 1, rule, true)) {
            for (const auto& id : Checker::children(encounter, "id")) check.check_ii(id, rule);
            for (const auto& code : check.expect(encounter, "code", 0, 1, rule)) {
                check.check_coded(code, rule, true);
                check.check_in_value_set(code, value_set_oid::encounter_type, "cisis.header.encounter-type");
            }
            for (const auto& time : check.expect(encounter, "effectiveTime", 1, 1, rule))
                check.check_ivl_ts(time, rule);
            for (const auto& disposition : check.expect(encounter, "dischargeDispositionCode", 0, 1, rule))
                if (disposition.attribute("codeSystem") &&
                    Checker::attribute(disposition, "codeSystem") != "1.2.250.1.213.2.14")
                    check.report_attribute(formats::Severity::error, rule, disposition, "codeSystem",
                                           "dischargeDispositionCode/@codeSystem must be 1.2.250.1.213.2.14");
            for (const auto& party : check.expect(encounter, "responsibleParty", 0, 1, rule))
                for (const auto& entity : check.expect(party, "assignedEntity", 1, 1, rule))
                    check_assigned_entity(check, entity, {rule, 1, 1, k_professional_oid});
            for (const auto& participant : Checker::children(encounter, "encounterParticipant")) {
                if (check.require_attribute(participant, "typeCode", rule)) {
                    const auto* set = check.value_sets().find(value_set_oid::encounter_participation);
                    if (set && !set->find_code(Checker::attribute(participant, "typeCode")))
                        check.report_attribute(formats::Severity::error, "cisis.header.participant-type", participant,
                                               "typeCode", "encounterParticipant/@typeCode is not in " + set->name());
                }
                for (const auto& time : check.expect(participant, "time", 0, 1, rule)) check.check_ivl_ts(time, rule);
                for (const auto& entity : check.expect(participant, "assignedEntity", 1, 1, rule))
                    check_assigned_entity(check, entity, {rule, 1, 1, k_professional_oid});
            }
            for (const auto& location : check.expect(encounter, "location", 1, 1, rule))
                for (const auto& facility : check.expect(location, "healthCareFacility", 1, 1, rule, true)) {
                    for (const auto& code : check.expect(facility, "code", 1, 1, rule, true)) {
                        check.check_coded(code, rule, true);
                        check.check_in_value_set(code, value_set_oid::facility_type, "cisis.header.facility-type");
                    }
                    for (const auto& place : check.expect(facility, "location", 0, 1, rule)) {
                        check.expect(place, "name", 0, 1, rule);
                        for (const auto& addr : check.expect(place, "addr", 0, 1, rule)) check.check_addr(addr, rule);
                    }
                }
        }
}

} // namespace healthdoc::cda::cisis
