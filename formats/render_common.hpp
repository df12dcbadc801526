// Helpers shared by the renderers (render_*.cpp): which file a finding belongs to, text
// sanitising, number formatting and flattening of a document's details.
#pragma once

#include "formats/report.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace healthdoc::formats {

// The file a finding is about: its location.file, else the document's file (may be empty).
const std::string& finding_file(const DocumentReport& document, const Diagnostic& diagnostic);

// `text` made safe for one line of terminal or XML output: invalid UTF-8 bytes become U+FFFD,
// tab/CR/LF become a space, other C0/C1 control characters and DEL become U+FFFD (XML 1.0
// forbids most of them, and ESC would let a document drive the terminal). Never throws.
std::string sanitize_line(std::string_view text);

// `value` with `decimals` digits after the point, locale-independent ("0.12"); NaN, infinite
// and negative values are printed as zero.
std::string format_fixed(double value, int decimals);

// The leaves of `details` as (key, value) pairs in document order: object members joined with
// dots, array items as [i] ("author[0].name"); strings unquoted, other scalars as JSON; empty
// objects/arrays as "{}"/"[]". A scalar at the top gets the key "value"; an empty top-level
// object or array gives nothing.
std::vector<std::pair<std::string, std::string>> flatten_details(const nlohmann::ordered_json& details);

// Serialises `value` with two-space indentation and a final newline; invalid UTF-8 in strings
// is replaced with U+FFFD instead of throwing.
std::string dump_json(const nlohmann::ordered_json& value);

// "s" when `count` is not 1, for plurals in human text.
inline std::string_view plural_s(std::size_t count) { return count == 1 ? "" : "s"; }

} // namespace healthdoc::formats
