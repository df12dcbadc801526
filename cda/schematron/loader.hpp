// The Schematron loader: reads an ISO Schematron schema (.sch, such as the ANS CI-SIS kit's
// CI-SIS_<model>.sch or HL7's C-CDA one) and everything it includes into the resolved,
// engine-independent model of cda/schematron/model.hpp, and picks the patterns of a phase.
// Depends on formats/ only; never on the XPath engine that evaluates the model.
#pragma once

#include "cda/schematron/model.hpp"
#include "formats/diagnostic.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace healthdoc::cda::schematron {

// Bounds against hostile or broken schemas; the defaults are far above what real packs need
// (the ANS stack nests includes 2 deep and expands a few hundred per schema).
struct LoadOptions {
    std::size_t max_include_depth = 32;
    std::size_t max_includes = 20000; // includes expanded in all
    std::size_t max_checks = 2000000; // asserts and reports after abstract patterns and extends
};

// Loads `file` and every file it includes (sch:include anywhere, nested, href relative to the
// including file; local files only, a URL is never fetched), then instantiates abstract patterns
// (is-a + param), merges abstract rules into the rules that extend them, and checks phases and
// diagnostic references. Findings go to `out` under cda.schematron.* (and xml.* for files that
// are not well-formed XML), located at the .sch file:line:col they are about:
//   - std::nullopt, after an error, when `file` cannot be read, is not XML, is not an ISO
//     Schematron sch:schema, or expands beyond `options`;
//   - otherwise the schema, with warnings for what is left out but harmless to the rest (a
//     missing include target, as the ISO include step does; an sch:active naming no pattern)
//     and errors for broken references or elements (unknown abstract pattern or rule, extends or
//     include cycle, an assert without @test...), each skipping only what it is about.
// Never throws on bad input.
std::optional<Schema> load_schema(const std::filesystem::path& file, formats::Diagnostics& out,
                                  const LoadOptions& options = {});

// The patterns to run for `phase`, in schema order (the order the ISO skeleton runs them, not the
// order of sch:active): "" or "#DEFAULT" means the schema's defaultPhase, or every pattern when
// it has none; "#ALL" every pattern. An unknown phase is reported (error
// cda.schematron.unknown-phase) and gives no pattern. Pointers into `schema`.
std::vector<const Pattern*> active_patterns(const Schema& schema, std::string_view phase, formats::Diagnostics& out);

} // namespace healthdoc::cda::schematron
