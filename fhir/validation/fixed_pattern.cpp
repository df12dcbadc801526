// fixed[x] (the value must be exactly this) and pattern[x] (the value must hold at least what
// the pattern holds) of profile elements.
#include "fhir/validation/run.hpp"

#include <cmath>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

bool same_primitive(const json& value, const json& expected) {
    if (value.is_number() && expected.is_number())
        return std::fabs(value.get<double>() - expected.get<double>()) < 1e-12;
    return value == expected;
}

// Exactly the fixed value: every member of `fixed` present and equal, nothing else (beyond id).
bool equals_fixed(const json& value, const json& fixed) {
    if (!fixed.is_object() && !fixed.is_array()) return same_primitive(value, fixed);
    if (fixed.is_array()) {
        if (!value.is_array() || value.size() != fixed.size()) return false;
        for (std::size_t i = 0; i < fixed.size(); ++i)
            if (!equals_fixed(value[i], fixed[i])) return false;
        return true;
    }
    if (!value.is_object()) return false;
    for (auto it = fixed.begin(); it != fixed.end(); ++it) {
        auto found = value.find(it.key());
        if (found == value.end() || !equals_fixed(*found, it.value())) return false;
    }
    for (auto it = value.begin(); it != value.end(); ++it)
        if (it.key() != "id" && it.key() != "extension" && !fixed.contains(it.key())) return false;
    return true;
}

} // namespace

bool matches_pattern(const json& value, const json& pattern) {
    if (!pattern.is_object() && !pattern.is_array()) return same_primitive(value, pattern);
    if (pattern.is_array()) {
        if (!value.is_array()) return pattern.size() == 1 && matches_pattern(value, pattern[0]);
        for (const auto& wanted : pattern) {
            bool found = false;
            for (const auto& item : value)
                if (matches_pattern(item, wanted)) {
                    found = true;
                    break;
                }
            if (!found) return false;
        }
        return true;
    }
    if (!value.is_object()) return false;
    for (auto it = pattern.begin(); it != pattern.end(); ++it) {
        auto found = value.find(it.key());
        if (found == value.end() || !matches_pattern(*found, it.value())) return false;
    }
    return true;
}

void check_fixed_pattern(Run& run, const ElementDef& element, const Item& item) {
    if (!item.value) {
        if (element.fixed || element.pattern)
            run.report(Severity::error, element.fixed ? "fhir.profile.fixed" : "fhir.profile.pattern",
                       element.path + " has no value, but the profile requires one.", item.path, item.anchor);
        return;
    }
    if (element.fixed && !equals_fixed(*item.value, *element.fixed))
        run.report(Severity::error, "fhir.profile.fixed",
                   "The value of " + element.path + " is not the fixed value the profile requires.", item.path,
                   item.anchor);
    if (element.pattern && !matches_pattern(*item.value, *element.pattern))
        run.report(Severity::error, "fhir.profile.pattern",
                   "The value of " + element.path + " does not match the pattern the profile requires.", item.path,
                   item.anchor);
}

} // namespace healthdoc::fhir::validation
