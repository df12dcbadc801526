// JSON parsing with positions and limits, on top of nlohmann::json. Knows nothing of FHIR.
#pragma once

#include "formats/diagnostic.hpp"
#include "formats/source_text.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace healthdoc::formats {

struct JsonLimits {
    std::size_t max_bytes = std::size_t{256} * 1024 * 1024;
    std::size_t max_depth = 256;
};

// The text of a JSON input as UTF-8: a BOM is dropped and UTF-16 is transcoded (RFC 8259
// section 8.1 allows only UTF-8 on the wire, but UTF-16 files exist).
std::string json_text(const SourceText& source);

// Parses `source`. Returns std::nullopt after reporting a fatal diagnostic with line:col
// (json.syntax.invalid, json.limits.too-large, json.limits.too-deep). Messages say where,
// never what: the text may be patient data.
std::optional<nlohmann::json> parse_json(const SourceText& source, Diagnostics& diagnostics,
                                         const JsonLimits& limits = {});

} // namespace healthdoc::formats
