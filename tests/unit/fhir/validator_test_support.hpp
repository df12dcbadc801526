// What the FHIR validator's focused tests share: the core package's definitions and validating a
// resource given as JSON text.
#pragma once

#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>

namespace healthdoc::test {

inline std::shared_ptr<fhir::Definitions> core(const std::filesystem::path& packages) {
    fhir::DefinitionsOptions options;
    options.package_cache = packages.string();
    formats::Diagnostics setup;
    return fhir::Definitions::load(options, setup);
}

inline formats::Diagnostics validate(const fhir::FhirValidator& validator, const std::string& text) {
    formats::Diagnostics read;
    auto document = fhir::read_fhir_json(formats::SourceText("test.json", text), read);
    REQUIRE(document);
    formats::Diagnostics found;
    validator.validate(*document, "test.json", found);
    return found;
}

} // namespace healthdoc::test
