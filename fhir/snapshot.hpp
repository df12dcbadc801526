// Snapshot generation: the full element list of a StructureDefinition published with only a
// differential, computed from its base definition as the FHIR specification and the HL7
// ProfileUtilities do (base elements walked in order, differential elements applied to the
// ones they match by path and slice name, slices inserted after their sliced element, complex
// types unrolled when the differential constrains their children, choice elements renamed).
#pragma once

#include "formats/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string_view>

namespace healthdoc::fhir {

// Finds a StructureDefinition WITH a snapshot by canonical URL or bare type name ("Quantity");
// nullptr when unknown.
using StructureLookup = std::function<const nlohmann::json*(std::string_view url_or_type)>;

// A copy of `profile` with a generated snapshot (its differential applied to the snapshot of
// its baseDefinition). std::nullopt when it cannot be generated (no baseDefinition, base not
// found, no differential); problems go to `problems` as fhir.snapshot.* (a differential element
// that matches no base element: fhir.snapshot.unmatched-element, once per element).
std::optional<nlohmann::json> generate_snapshot(const nlohmann::json& profile, const StructureLookup& lookup,
                                                formats::Diagnostics& problems);

} // namespace healthdoc::fhir
