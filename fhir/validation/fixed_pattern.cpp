// fixed[x] (the value must be exactly this) and pattern[x] (the value must hold at least what
// the pattern holds) of profile elements.
#include "fhir/validation/run.hpp"

#include <cmath>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

constexpr int max_fixed_depth = 32;

bool same_primitive(const json& value, const json& expected) {
    if (value.is_number() && expected.is_number())
        return std::fabs(value.get<double>() - expected.get<double>()) < 1e-12;
    return value == expected;
}

// Compares `value` with the fixed value as the reference validator does: one finding per
// difference (a primitive that differs, a member of the fixed value that is missing or present
// a different number of times, a member of the instance the fixed value does not have).
void compare_fixed(Run& run, const ElementDef& element, const json& value, const json& fixed, const std::string& path,
                   int depth) {
    if (depth > max_fixed_depth) return;
    if (!fixed.is_object() && !fixed.is_array()) {
        if (!same_primitive(value, fixed))
            run.report(Severity::error, "fhir.profile.fixed",
                       "The value of " + element.path + " is not the fixed value the profile requires.", path, &value);
        return;
    }
    if (fixed.is_array() || value.is_array()) {
        const json single = json::array({fixed});
        const json& expected = fixed.is_array() ? fixed : single;
        if (!value.is_array() || value.size() != expected.size()) {
            run.report(Severity::error, "fhir.profile.fixed",
                       "The value of " + element.path + " does not have the number of items the fixed value requires.",
                       path, &value);
            return;
        }
        for (std::size_t i = 0; i < expected.size(); ++i)
            compare_fixed(run, element, value[i], expected[i], path + "[" + std::to_string(i) + "]", depth + 1);
        return;
    }
    if (!value.is_object()) {
        run.report(Severity::error, "fhir.profile.fixed",
                   "The value of " + element.path + " is not the fixed value the profile requires.", path, &value);
        return;
    }
    for (auto it = fixed.begin(); it != fixed.end(); ++it) {
        auto found = value.find(it.key());
        if (found == value.end()) {
            run.report(Severity::error, "fhir.profile.fixed",
                       "The element " + it.key() + " of the fixed value of " + element.path +
                           " is missing in the instance.",
                       path, &value);
            continue;
        }
        compare_fixed(run, element, *found, it.value(), path + "." + it.key(), depth + 1);
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string& key = it.key();
        if (key == "id" || key == "extension" || fixed.contains(key)) continue;
        if (!key.empty() && key[0] == '_' && fixed.contains(key.substr(1))) continue;
        run.report(Severity::error, "fhir.profile.fixed",
                   "The element " + key + " is present in the instance of " + element.path +
                       " but not allowed in the fixed value the profile requires.",
                   path + "." + key, &it.value());
    }
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
    if (element.fixed) compare_fixed(run, element, *item.value, *element.fixed, item.path, 0);
    if (element.pattern && !matches_pattern(*item.value, *element.pattern))
        run.report(Severity::error, "fhir.profile.pattern",
                   "The value of " + element.path + " does not match the pattern the profile requires.", item.path,
                   item.anchor);
}

} // namespace healthdoc::fhir::validation
