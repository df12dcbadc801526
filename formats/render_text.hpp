// The text renderer: GNU-style finding lines that editors and CI annotators can jump to.
#pragma once

#include "formats/render.hpp"

#include <ostream>

namespace healthdoc::formats {

// Writes `run` as text: run-level findings first ("healthdoc: warning: message [rule]"), then
// for each document its details when non-empty ("file: kind" then "  key: value" lines,
// flattened as flatten_details does), then one format_diagnostic() line per finding. A
// document with neither findings nor details prints nothing. Never throws on bad content.
void render_text(const RunReport& run, const RenderOptions& options, std::ostream& out);

} // namespace healthdoc::formats
