// Validation layers that run Schematron natively: one given file (`validate --schematron FILE`,
// on any XML), or the official stack of an installed ANS CI-SIS pack on CDA documents: its IHE,
// terminology, content-model, header (structuration minimale) and ANS-model layers, then the
// document's own model schematron chosen from its header (cda/model_schematrons.hpp).
// Findings become diagnostics: rule `schematron.<assert id>` (or `schematron.<pattern id>` when
// the assert has none, as in the ANS packs), severity from the role (error, warning, info; an
// assert without a role is an error), the message with its values, the failing node's line:col
// and its SVRL path. Checks that cannot be evaluated (a value-set file the pack lacks...) are
// reported once per run as warnings (cda.schematron.not-evaluated) and the rest runs.
#pragma once

#include "cda/rules_pack.hpp"
#include "cda/validation.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace healthdoc::cda {

// The layer for one schematron file, compiled now (problems into `setup`; throws UsageError
// when it cannot be loaded). `phase` as in the loader ("" = default phase, "#ALL").
std::unique_ptr<ValidationLayer> make_schematron_layer(const std::filesystem::path& file, const std::string& phase,
                                                       formats::Diagnostics& setup);

// The ANS official stack of `pack` (its schematrons/ folder). The five shared layers are
// compiled on a background thread once the run may need them (ValidationLayer::start); model
// schematrons when a document first needs one.
std::unique_ptr<ValidationLayer> make_official_layers(const RulesPack& pack, formats::Diagnostics& setup);

} // namespace healthdoc::cda
