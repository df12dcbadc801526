// What the FHIR validator's focused tests share: the core package's definitions and validating a
// resource given as JSON text.
#pragma once

#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace healthdoc::test {

inline std::shared_ptr<fhir::Definitions> core(const std::filesystem::path& packages) {
    fhir::DefinitionsOptions options;
    options.package_cache = packages.string();
    formats::Diagnostics setup;
    return fhir::Definitions::load(options, setup);
}

// The core definitions plus `extra` resources (profiles, value sets of a test).
inline std::shared_ptr<fhir::Definitions> core_with(const std::filesystem::path& packages,
                                                    const std::vector<nlohmann::json>& extra) {
    auto definitions = core(packages);
    for (const auto& resource : extra) definitions->add(resource);
    return definitions;
}

inline formats::Diagnostics validate(const fhir::FhirValidator& validator, const std::string& text) {
    formats::Diagnostics read;
    auto document = fhir::read_fhir_json(formats::SourceText("test.json", text), read);
    REQUIRE(document);
    formats::Diagnostics found;
    validator.validate(*document, "test.json", found);
    return found;
}

// Validates JSON text against the definitions, and against `profile` too when not empty.
inline formats::Diagnostics validate(const std::shared_ptr<fhir::Definitions>& definitions, const std::string& profile,
                                     const std::string& text) {
    fhir::FhirValidationOptions options;
    if (!profile.empty()) options.profiles = {profile};
    fhir::FhirValidator validator(definitions, options);
    return validate(validator, text);
}

// How many findings of `rule` have exactly `severity`.
inline std::size_t count_rule(const formats::Diagnostics& found, const std::string& rule,
                              formats::Severity severity = formats::Severity::error) {
    return static_cast<std::size_t>(std::count_if(found.items().begin(), found.items().end(), [&](const auto& d) {
        return d.rule == rule && d.severity == severity;
    }));
}

// How many findings of `rule` have `at_least` or a graver severity.
inline std::size_t count_at_least(const formats::Diagnostics& found, const std::string& rule,
                                  formats::Severity at_least = formats::Severity::error) {
    return static_cast<std::size_t>(std::count_if(found.items().begin(), found.items().end(), [&](const auto& d) {
        return d.rule == rule && d.severity >= at_least;
    }));
}

} // namespace healthdoc::test
