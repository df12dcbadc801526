// The built-in CI-SIS header rules and the ANS header schematron (the kit's "structuration
// minimale" layer) check many of the same things. When both run, a problem they both see is
// reported once: the built-in finding stays (its message says what is expected, its line and
// column are exact) with the official rule id beside it, and the official finding goes.
#pragma once

#include "formats/diagnostic.hpp"

namespace healthdoc::cda {

// Pairs findings reported at the same line and column by a built-in header rule
// (cisis.header.*) and by the official header layer (schematron.StructurationMinimale.*): by
// the element the built-in rule names appearing in the official message ("realm-code" and
// "realmCode"), or, when each side has exactly one finding of that severity there, by place
// alone. Returns the findings with each official duplicate folded into its built-in twin.
formats::Diagnostics merge_overlapping_findings(const formats::Diagnostics& findings);

} // namespace healthdoc::cda
