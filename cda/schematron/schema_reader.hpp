// Internal to the loader: reads a top-level .sch and, wherever an sch:include stands (schema,
// pattern, rule, phase, diagnostics), the element it names, into the raw model. Nothing is
// resolved here but includes.
#pragma once

#include "cda/schematron/raw_schema.hpp"
#include "formats/diagnostic.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>

namespace healthdoc::cda::schematron::detail {

struct ReadLimits {
    std::size_t max_include_depth = 32; // nested includes
    std::size_t max_includes = 20000;   // includes expanded in all (a file included twice counts twice)
};

// The raw schema of `file`; std::nullopt after reporting when the file cannot be read, is not
// XML, or its root is not an ISO Schematron sch:schema. Problems inside (a missing include
// target, an element without its required attribute...) are reported and the element skipped.
std::optional<RawSchema> read_schema(const std::filesystem::path& file, const ReadLimits& limits,
                                     formats::Diagnostics& out);

} // namespace healthdoc::cda::schematron::detail
