// What measure.cpp and measure_report.cpp share: the Measure and MeasureReport rules of the
// reference validator's MeasureValidator.
#pragma once

#include "fhir/validation/run.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace healthdoc::fhir::validation {

// A Measure's stratifier criteria against its CQL libraries; a MeasureReport against its Measure.
void check_measure_rules(Run& run, const nlohmann::json& resource, const ResourceFrame& frame);
// A MeasureReport against its Measure: groups, populations, stratifiers, subject lists, score.
void check_measure_report(Run& run, const nlohmann::json& report, const ResourceFrame& frame);
// The resource of `type` that `canonical` names: contained in `from` ("#id"), in the bundle, or
// among the definitions; nullptr when none.
const nlohmann::json* resolve_canonical_resource(const Run& run, const nlohmann::json& from, const ResourceFrame& frame,
                                                 const std::string& type, const std::string& canonical);

} // namespace healthdoc::fhir::validation
