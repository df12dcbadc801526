// The FHIR layer of the validation pipeline: FHIR JSON and FHIR XML inputs checked by
// fhir::FhirValidator against the core package, the implementation guides and profiles the
// settings name. Definitions are loaded once, when the layer is built (the package index makes
// that cheap); the validator prepares each profile the first time a resource needs it.
#pragma once

#include "cda/validation.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace healthdoc::cda {

struct FhirLayerSettings {
    std::optional<std::string> package_cache;                                    // --package-cache DIR
    std::vector<std::string> implementation_guides;                              // --ig id#version, id, or .tgz
    std::vector<std::string> profiles;                                           // --profile URL
    fhir::ReferenceChecking references = fhir::ReferenceChecking::found_targets; // --references
    bool assume_valid_rest_references = false;                                   // --assume-valid-rest-references
    // When nothing FHIR-specific was asked for and the core package is not installed, FHIR
    // inputs are checked for well-formedness only (one warning says so) instead of failing the
    // run: a CDA-only user needs no FHIR package.
    bool required = false;
};

// The layer. When the core package is absent and nothing FHIR-specific was asked for, a layer
// that only reports that (warning fhir.definitions.missing, on the first FHIR input). Throws
// UsageError when something the settings name explicitly cannot be found.
std::unique_ptr<ValidationLayer> make_fhir_layer(const FhirLayerSettings& settings, formats::Diagnostics& setup);

} // namespace healthdoc::cda
