// FHIRPath (normative N1 release, as used by FHIR R4) over FHIR resources held as
// nlohmann::json (FHIR JSON). Part of healthdoc::fhir; depends on formats/ only (errors).
//
//   auto expr = fhirpath::parse("Patient.name.where(use = 'official').given");
//   fhirpath::Environment env;
//   env.types = provider.get();            // optional: FHIR type model (is/as/ofType, value[x])
//   fhirpath::Collection result = fhirpath::evaluate(expr, patient_json, env);
//
// Errors (syntax, unknown elements with a type model, singletons expected, incompatible
// operands, limits) are thrown as FhirPathError; evaluation never crashes or hangs: nesting,
// collection sizes and total work are bounded by Options.
#pragma once

#include "fhir/fhirpath/errors.hpp"
#include "fhir/fhirpath/expression.hpp"
#include "fhir/fhirpath/type_provider.hpp"
#include "fhir/fhirpath/value.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace healthdoc::fhir::fhirpath {

struct Options {
    // Strict mode of the FHIRPath test suite: iif() criteria must be Boolean, and ordered
    // functions (first, skip, [n]...) applied straight to children()/descendants() are errors.
    bool strict = false;
    // With a TypeProvider, naming an element that the item's type does not define
    // ("Observation.valueQuantity", "Patient.name.given1") is a semantic error instead of
    // an empty result.
    bool check_element_names = true;
    // Bounds that turn hostile expressions/inputs into errors rather than hangs.
    std::size_t max_depth = 400;            // nested evaluation (function arguments, aggregate)
    std::size_t max_collection = 1'000'000; // items in any intermediate collection (~100 MB)
    std::size_t max_steps = 50'000'000;     // evaluation steps per evaluate() call
    std::size_t max_regex_input = 100'000;  // characters matched by matches()/replaceMatches()
};

// Everything an evaluation may read besides the data.
struct Environment {
    // FHIR type model; nullptr: types guessed from the JSON (no is(FHIR.x) beyond primitives).
    const TypeProvider* types = nullptr;
    // Extra %variables by name (without '%'); %context, %resource, %rootResource, %ucum,
    // %sct, %loinc, %vs-*, %ext-* are built in.
    std::map<std::string, Collection, std::less<>> variables;
    Options options;
    // Receives trace(name, values); nullptr: trace() only passes its input through.
    std::function<void(const std::string& name, const Collection& values)> trace;
    // Fixed "now" for reproducible runs; std::nullopt: the system clock.
    std::optional<Temporal> now;
    // Answers memberOf(valueSet) for a code/Coding/CodeableConcept item: true/false, or
    // std::nullopt when unknown (the function then returns empty). nullptr: always unknown.
    std::function<std::optional<bool>(const Value& item, const std::string& value_set)> member_of;
};

// The root node of a FHIR JSON resource (type from resourceType, definitions from `types`).
Value resource_node(const nlohmann::json& resource);

// Evaluates `expression` with `resource` as %context, %resource and %rootResource (and $this).
// `resource` must outlive the returned collection (nodes point into it).
Collection evaluate(const Expression& expression, const nlohmann::json& resource, const Environment& environment = {});

// Evaluates on `context` (e.g. one element of a resource, for an invariant) with explicit
// %resource and %rootResource (either may be nullptr: then the context is used).
Collection evaluate(const Expression& expression, const Collection& context, const Value* resource,
                    const Value* root_resource, const Environment& environment = {});

// Convenience: parse + evaluate; the result as a Boolean the way invariants read it: empty
// -> std::nullopt, a single Boolean -> its value, any other single item -> true.
// Throws FhirPathError when the result has several items.
std::optional<bool> evaluate_boolean(const Expression& expression, const Collection& context, const Value* resource,
                                     const Value* root_resource, const Environment& environment = {});

// The result rendered as one line per item: "type: text" (e.g. "string: Peter",
// "Quantity: 1 'mg'", "HumanName: {...json...}").
std::string describe(const Value& item);

} // namespace healthdoc::fhir::fhirpath
