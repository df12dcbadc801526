// MeasureReport rules, as the reference validator's MeasureValidator applies them: the report is
// checked against the Measure its `measure` canonical names (contained, in the same Bundle, or
// among the definitions). Its groups, populations and stratifiers match the Measure's by code,
// each once and none missing; subject lists appear only in subject-list reports, where the count
// is the number of subjects; the measureScore fits the Measure's scoring.
#include "fhir/validation/json_members.hpp"
#include "fhir/validation/measure.hpp"

#include <algorithm>
#include <vector>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

const json* member(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto found = object.find(key);
    return found != object.end() && !found->is_null() ? &*found : nullptr;
}

std::vector<const json*> codings_of(const json* codeable) {
    std::vector<const json*> out;
    if (!codeable) return out;
    if (const json* codings = array_of(*codeable, "coding"))
        for (const auto& coding : *codings) out.push_back(&coding);
    return out;
}

// True when `codeable` has a coding with this system and code.
bool has_coding(const json* codeable, const std::string& system, const std::string& code) {
    for (const json* coding : codings_of(codeable))
        if (text_of(*coding, "system") == system && text_of(*coding, "code") == code) return true;
    return false;
}

// True when the two concepts share a coding (system and code).
bool share_coding(const json* a, const json* b) {
    for (const json* coding : codings_of(b))
        if (has_coding(a, text_of(*coding, "system"), text_of(*coding, "code"))) return true;
    return false;
}

// A stratifier also matches by text when neither side has codings.
bool same_stratifier(const json* report_code, const json* measure_code) {
    if (share_coding(report_code, measure_code)) return true;
    if (!report_code || !measure_code || !codings_of(report_code).empty() || !codings_of(measure_code).empty())
        return false;
    const std::string text = text_of(*report_code, "text");
    return !text.empty() && text == text_of(*measure_code, "text");
}

// How a code shows in a message: its text, else its first coding's display or code.
std::string display_of(const json* codeable) {
    if (!codeable) return {};
    if (std::string text = text_of(*codeable, "text"); !text.empty()) return text;
    for (const json* coding : codings_of(codeable)) {
        if (std::string display = text_of(*coding, "display"); !display.empty()) return display;
        return text_of(*coding, "code");
    }
    return {};
}

std::string first_code(const json* codeable) {
    auto codings = codings_of(codeable);
    return codings.empty() ? std::string() : text_of(*codings.front(), "code");
}

// The element of `candidates` (Measure groups, populations or stratifiers) the report element's
// code names; nullptr when none.
template <typename Matches> const json* match_by_code(const json* candidates, const json* code, Matches matches) {
    if (!candidates || !code) return nullptr;
    for (const auto& candidate : *candidates)
        if (const json* candidate_code = member(candidate, "code"); candidate_code && matches(code, candidate_code))
            return &candidate;
    return nullptr;
}

struct ReportCheck {
    Run& run;
    const json& measure;
    const json& report;
    std::string report_type;

    void groups(const std::string& path);
    void group(const json& measure_group, const json& report_group, const std::string& path);
    void populations(const json& measure_group, const json& report_group, const std::string& path);
    void population(const json& population, const std::string& path);
    void score(const json& measure_group, const json& report_group, const std::string& path);
    void stratifiers(const json& measure_group, const json& report_group, const std::string& path);
    void missing(const json& anchor, const std::string& path, const json* code);
};

std::string scoring_of(const json& measure, const json* measure_group) {
    if (measure_group)
        if (const json* extensions = array_of(*measure_group, "extension"))
            for (const auto& extension : *extensions)
                if (text_of(extension, "url") == "http://hl7.org/fhir/uv/cqm/StructureDefinition/cqm-scoring")
                    if (const json* value = member(extension, "valueCodeableConcept")) return first_code(value);
    return first_code(member(measure, "scoring"));
}

void ReportCheck::missing(const json& anchor, const std::string& path, const json* code) {
    run.report(Severity::error, "fhir.measure.report-missing-group",
               "The MeasureReport does not include a group for the group with code '" + display_of(code) + "'.", path,
               &anchor);
}

void ReportCheck::groups(const std::string& path) {
    static const json no_groups = json::array();
    const json* measure_groups = array_of(measure, "group");
    const json* report_groups = array_of(report, "group");
    if (!measure_groups) measure_groups = &no_groups;
    if (!report_groups) report_groups = &no_groups;
    // One group on each side: it may be (and usually is) anonymous, but codes on both must agree.
    if (report_groups->size() == 1 && measure_groups->size() == 1) {
        const json& report_group = report_groups->front();
        const json& measure_group = measure_groups->front();
        const std::string group_path = path + ".group[0]";
        const json* measure_code = member(measure_group, "code");
        const json* report_code = member(report_group, "code");
        if (measure_code && report_code) {
            bool usable = false;
            for (const json* coding : codings_of(report_code))
                usable = usable || (!text_of(*coding, "system").empty() && !text_of(*coding, "code").empty());
            if (!usable)
                run.report(Severity::error, "fhir.measure.report-group-code",
                           "The group's code has no coding with both a system and a code.", group_path, &report_group);
            else if (!share_coding(report_code, measure_code))
                run.report(Severity::error, "fhir.measure.report-group-code",
                           "The group's code '" + display_of(report_code) +
                               "' does not match the Measure's group code '" + display_of(measure_code) + "'.",
                           group_path, &report_group);
        }
        group(measure_group, report_group, group_path);
        return;
    }
    std::vector<const json*> seen;
    for (std::size_t i = 0; i < report_groups->size(); ++i) {
        const json& report_group = (*report_groups)[i];
        const std::string group_path = path + ".group[" + std::to_string(i) + "]";
        const json* code = member(report_group, "code");
        if (!code) {
            run.report(Severity::error, "fhir.measure.report-group-code",
                       "Group should have a code that matches the group definition in the measure.", group_path,
                       &report_group);
            continue;
        }
        const json* measure_group = match_by_code(measure_groups, code, share_coding);
        if (!measure_group) {
            run.report(Severity::error, "fhir.measure.report-group-unknown",
                       "The group's code matches no group of the Measure.", group_path, &report_group);
        } else if (std::find(seen.begin(), seen.end(), measure_group) != seen.end()) {
            run.report(Severity::error, "fhir.measure.report-group-duplicate",
                       "Another group of the report already has this code.", group_path, &report_group);
        } else {
            seen.push_back(measure_group);
            group(*measure_group, report_group, group_path);
        }
    }
    if (report_type == "data-collection") return;
    for (const auto& measure_group : *measure_groups)
        if (std::find(seen.begin(), seen.end(), &measure_group) == seen.end())
            missing(report, path, member(measure_group, "code"));
}

void ReportCheck::group(const json& measure_group, const json& report_group, const std::string& path) {
    populations(measure_group, report_group, path);
    score(measure_group, report_group, path);
    stratifiers(measure_group, report_group, path);
}

void ReportCheck::populations(const json& measure_group, const json& report_group, const std::string& path) {
    const json* measure_populations = array_of(measure_group, "population");
    std::vector<const json*> seen;
    if (const json* list = array_of(report_group, "population"))
        for (std::size_t i = 0; i < list->size(); ++i) {
            const json& population = (*list)[i];
            const std::string population_path = path + ".population[" + std::to_string(i) + "]";
            const json* code = member(population, "code");
            if (!code) {
                run.report(Severity::error, "fhir.measure.report-population-code",
                           "The population has no code to match it with a population of the Measure.", population_path,
                           &population);
                continue;
            }
            const json* defined = match_by_code(measure_populations, code, share_coding);
            if (!defined) {
                run.report(Severity::error, "fhir.measure.report-population-unknown",
                           "The population's code matches no population of the Measure's group.", population_path,
                           &population);
            } else if (std::find(seen.begin(), seen.end(), defined) != seen.end()) {
                run.report(Severity::error, "fhir.measure.report-population-duplicate",
                           "Another population of the group already has this code.", population_path, &population);
            } else {
                seen.push_back(defined);
                this->population(population, population_path);
            }
        }
    if (!measure_populations) return;
    // A measure-observation population is reported in the stratifiers, if anywhere.
    for (const auto& defined : *measure_populations)
        if (std::find(seen.begin(), seen.end(), &defined) == seen.end() &&
            !has_coding(member(defined, "code"), "http://terminology.hl7.org/CodeSystem/measure-population",
                        "measure-observation"))
            missing(report_group, path, member(defined, "code"));
}

void ReportCheck::population(const json& population, const std::string& path) {
    std::size_t subjects = 0;
    if (const json* results = member(population, "subjectResults"))
        subjects = results->is_array() ? results->size() : 1;
    const json* count = member(population, "count");
    if (report_type == "subject-list") {
        if (count && count->is_number_integer() && count->get<long long>() != static_cast<long long>(subjects))
            run.report(Severity::error, "fhir.measure.report-count-mismatch",
                       "Mismatch between count " + std::to_string(count->get<long long>()) +
                           " and number of subjects " + std::to_string(subjects) + ".",
                       path, &population);
        return;
    }
    if (subjects > 0)
        run.report(Severity::error, "fhir.measure.report-subjects-not-list",
                   "Reports where type is not 'subject-list' don't have subjects listed.", path, &population);
    if (!count)
        run.report(Severity::warning, "fhir.measure.report-count",
                   "Count should be present for reports where type is not 'subject-list'.", path, &population);
}

void ReportCheck::score(const json& measure_group, const json& report_group, const std::string& path) {
    const json* score = member(report_group, "measureScore");
    const std::string score_path = path + ".measureScore";
    const std::string scoring = scoring_of(measure, &measure_group);
    if (report_type == "data-collection" || scoring == "cohort") {
        if (score)
            run.report(Severity::error, "fhir.measure.report-score-prohibited",
                       report_type == "data-collection" ? "A data-collection report has no measureScore."
                                                        : "A cohort measure's report has no measureScore.",
                       score_path, score);
        return;
    }
    if (scoring != "proportion" && scoring != "ratio" && scoring != "continuous-variable") return;
    if (!score) {
        run.report(Severity::error, "fhir.measure.report-score-required",
                   "A measureScore is required for the " + scoring + " scoring of this measure.", path, &report_group);
        return;
    }
    const json* value = member(*score, "value");
    if (!value) // the DEQM alternate score type carries the value in an extension
        if (const json* extensions = array_of(*score, "extension"))
            for (const auto& extension : *extensions)
                if (text_of(extension, "url") ==
                    "http://hl7.org/fhir/us/davinci-deqm/StructureDefinition/extension-alternateScoreType")
                    for (auto it = extension.begin(); it != extension.end(); ++it)
                        if (it.key().rfind("value", 0) == 0) value = &it.value();
    if (scoring == "proportion") {
        for (const char* key : {"unit", "system", "code"})
            if (const json* unit = member(*score, key))
                run.report(Severity::error, "fhir.measure.report-score-unit",
                           "A proportion score is a number without units.", score_path + "." + key, unit);
    }
    if (!value) {
        run.report(Severity::error, "fhir.measure.report-score-value", "A " + scoring + " measureScore needs a value.",
                   score_path, score);
        return;
    }
    if (scoring == "proportion") {
        if (value->is_number() && (value->get<double>() < 0 || value->get<double>() > 1))
            run.report(Severity::error, "fhir.measure.report-score-range",
                       "A proportion score must lie between 0 and 1.", score_path + ".value", value);
        return;
    }
    // ratio and continuous-variable: the unit the Measure fixes (questionnaire-unit extension).
    const json* unit = nullptr;
    if (const json* extensions = array_of(measure, "extension"))
        for (const auto& extension : *extensions)
            if (text_of(extension, "url") == "http://hl7.org/fhir/StructureDefinition/questionnaire-unit")
                unit = member(extension, "valueCoding");
    const json* code = member(*score, "code");
    if (code && unit) {
        if (text_of(*score, "code") != text_of(*unit, "code"))
            run.report(Severity::error, "fhir.measure.report-score-unit",
                       "The score's unit code must be " + text_of(*unit, "code") + ".", score_path + ".code", code);
        if (text_of(*score, "system") != text_of(*unit, "system"))
            run.report(Severity::error, "fhir.measure.report-score-unit",
                       "The score's unit system must be " + text_of(*unit, "system") + ".", score_path, score);
    } else if (!code && unit) {
        run.report(Severity::error, "fhir.measure.report-score-unit",
                   "The score must have the unit " + text_of(*unit, "code") + ".", score_path, score);
    } else if (!code && scoring == "ratio") {
        run.report(Severity::warning, "fhir.measure.report-score-unit", "A ratio score should have a unit.", score_path,
                   score);
    }
}

void ReportCheck::stratifiers(const json& measure_group, const json& report_group, const std::string& path) {
    const json* measure_stratifiers = array_of(measure_group, "stratifier");
    std::vector<const json*> seen;
    if (const json* list = array_of(report_group, "stratifier"))
        for (std::size_t i = 0; i < list->size(); ++i) {
            const json& stratifier = (*list)[i];
            const std::string stratifier_path = path + ".stratifier[" + std::to_string(i) + "]";
            // R4 MeasureReport.group.stratifier.code is a list: any of them may name the stratifier.
            const json* codes = member(stratifier, "code");
            std::vector<const json*> candidates;
            if (codes && codes->is_array())
                for (const auto& code : *codes) candidates.push_back(&code);
            else if (codes)
                candidates.push_back(codes);
            if (candidates.empty()) {
                run.report(Severity::error, "fhir.measure.report-stratifier-code",
                           "The stratifier has no code to match it with a stratifier of the Measure.", stratifier_path,
                           &stratifier);
                continue;
            }
            const json* defined = nullptr;
            for (const json* code : candidates)
                if (!defined) defined = match_by_code(measure_stratifiers, code, same_stratifier);
            if (!defined) {
                run.report(Severity::error, "fhir.measure.report-stratifier-unknown",
                           "The stratifier's code matches no stratifier of the Measure's group.", stratifier_path,
                           &stratifier);
            } else if (std::find(seen.begin(), seen.end(), defined) != seen.end()) {
                run.report(Severity::error, "fhir.measure.report-stratifier-duplicate",
                           "Another stratifier of the group already has this code.", stratifier_path, &stratifier);
            } else {
                seen.push_back(defined);
            }
        }
    if (!measure_stratifiers) return;
    for (const auto& defined : *measure_stratifiers)
        if (std::find(seen.begin(), seen.end(), &defined) == seen.end())
            missing(report_group, path, member(defined, "code"));
}

} // namespace

void check_measure_report(Run& run, const json& report, const ResourceFrame& frame) {
    std::string canonical = text_of(report, "measure");
    if (canonical.empty())
        if (const json* reference = member(report, "measure")) canonical = text_of(*reference, "reference");
    if (canonical.empty()) {
        run.report(Severity::information, "fhir.measure.report-no-measure",
                   "The MeasureReport names no Measure, so it was not checked against one.", frame.path, &report);
        return;
    }
    const json* anchor = member(report, "measure");
    const json* measure = resolve_canonical_resource(run, report, frame, "Measure", canonical);
    if (!measure) {
        run.report(Severity::warning, "fhir.measure.report-measure-not-found",
                   "The Measure " + canonical + " could not be resolved, so the report was not checked against it.",
                   frame.path + ".measure", anchor);
        return;
    }
    ReportCheck check{run, *measure, report, text_of(report, "type")};
    const std::string scoring = first_code(member(*measure, "scoring"));
    bool group_scoring = false;
    if (const json* groups = array_of(*measure, "group"))
        for (const auto& group : *groups) group_scoring = group_scoring || scoring_of(*measure, &group) != scoring;
    if (!group_scoring && scoring != "proportion" && scoring != "ratio" && scoring != "continuous-variable" &&
        scoring != "cohort")
        run.report(Severity::information, "fhir.measure.report-scoring-unknown",
                   "The scoring system in this measure is unknown, so the measureScore values cannot be checked.",
                   frame.path + ".measure", anchor);
    check.groups(frame.path);
}

} // namespace healthdoc::fhir::validation
