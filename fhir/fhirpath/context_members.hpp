// Static analysis of a FHIRPath expression: the child elements of the context it reads, when
// those are all it reads. The validator evaluates each invariant on every value of its element,
// and most values have none of the elements an invariant names ("contained" on a resource,
// "system" on a Coding): for such an expression the result is then the same for every value, so
// it is computed once.
#pragma once

#include "fhir/fhirpath/expression.hpp"

#include <optional>
#include <string>
#include <vector>

namespace healthdoc::fhir::fhirpath {

// The names of the context's children the expression navigates from ("value" for value[x]),
// when its result depends on nothing else: no $this, %resource, %context or other environment
// variable, no function reading the focus itself (exists(), hasValue(), children()...), no
// type name as a path start. std::nullopt when the expression may depend on more.
std::optional<std::vector<std::string>> context_members(const Expr& expression);

} // namespace healthdoc::fhir::fhirpath
