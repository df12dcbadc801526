// The FHIR R4 validator: checks a resource (or a Bundle and its entries) against the
// StructureDefinitions of the loaded definitions, as the HL7 reference validator does, offline:
//   structure  unknown elements, cardinality, types and choice types, primitive formats, JSON
//              rules (arrays vs single values, "_element", nulls, empty values), resourceType,
//              contained resources, xhtml narrative;
//   invariants every constraint.expression of the snapshot, with FHIRPath, by its severity;
//   bindings   required (error), extensible and preferred (warning), via Terminology;
//   profiles   meta.profile and extra profiles: fixed and pattern values, cardinality, type
//              and target profiles, extensions by their definitions, slicing;
//   bundles    fullUrl and reference resolution, bundle type rules, entries by their profiles.
// Findings carry the FHIRPath location (Bundle.entry[2].resource.subject) and the line:col
// the FhirJson map gives. Rule ids: fhir.structure.*, fhir.json.*, fhir.invariant.<key>,
// fhir.binding.*, fhir.profile.*, fhir.slicing.*, fhir.extension.*, fhir.bundle.*,
// fhir.reference.*, fhir.xhtml.*, fhir.terminology.*.
#pragma once

#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/terminology.hpp"
#include "formats/diagnostic.hpp"

#include <memory>
#include <string>
#include <vector>

namespace healthdoc::fhir {

namespace validation {
struct Run;
}

// How references are checked beyond the document itself (the reference validator's reference
// policy, offline: nothing is ever fetched, so "exists" means "found in this document").
enum class ReferenceChecking {
    // Only targets found in the document (Bundle entries, contained resources, resources of the
    // same Parameters) are checked, against the element's target profiles.
    found_targets,
    // As found_targets, and a reference that names nothing in the document is an error, except
    // example URLs when allowed (CHECK_EXISTS).
    exists,
    // As exists, and the resource type an unresolved URL names ([base/]Type/id) must be one of
    // the element's targets (CHECK_EXISTS_AND_TYPE).
    exists_and_type,
};

struct FhirValidationOptions {
    // Profiles (canonical URLs) every top-level resource is also validated against (--profile).
    std::vector<std::string> profiles;
    // Give findings line:col when the FhirJson map knows them.
    bool positions = true;
    // Example URLs (example.org, acme.com...) accepted, as the reference validator does by
    // default: unknown extensions there are warnings. When false, such URLs are errors.
    bool allow_example_urls = true;
    // Security checks (the reference validator's -security-checks): a string holding what
    // looks like HTML tags is an error.
    bool security_checks = false;
    ReferenceChecking references = ReferenceChecking::found_targets;
    // RESTful references ([base/]Type/id) that the document does not hold are taken to exist on
    // their server (so `exists` accepts them), but the type they name must be one of the
    // element's targets (the reference validator's assumeValidRestReferences).
    bool assume_valid_rest_references = false;
};

class FhirValidator {
public:
    // Compiles lazily: each StructureDefinition's snapshot and each FHIRPath expression is
    // prepared the first time a resource needs it, then shared by every thread.
    FhirValidator(std::shared_ptr<const Definitions> definitions, FhirValidationOptions options = {});
    ~FhirValidator();
    FhirValidator(const FhirValidator&) = delete;
    FhirValidator& operator=(const FhirValidator&) = delete;

    // Validates `resource` (its root must be a resource: resourceType). `file` goes into each
    // finding's location. Thread-safe; never throws for bad resources.
    void validate(const FhirJson& resource, const std::string& file, formats::Diagnostics& out) const;

    // A profile named in the options (or in meta.profile) that is unknown is reported once per
    // run, not once per resource: these are those reports.
    formats::Diagnostics setup_problems() const;

    const Definitions& definitions() const;
    const Terminology& terminology() const;

private:
    void report_profiles_of_other_types(validation::Run& run, const nlohmann::json& resource) const;

    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace healthdoc::fhir
