// The JSON renderer: the whole run as one JSON document, for scripts.
#pragma once

#include "formats/render.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace healthdoc::formats {

// One finding as {"severity","rule","message","location":{"file","line","column","path"}};
// unknown location parts (empty strings, zero numbers) are left out, and "location" itself
// when nothing is known. `fallback_file` stands in for an empty location.file. A finding of a
// rule-language check also has "check": {"kind" ("assertion"/"report"), then those of
// "expression","id","role","flag","see","group","message","notes":[{"id","text"}],"rule_set",
// "rule_set_title","rule_set_version","phase" that are set}; other findings have no "check".
nlohmann::ordered_json diagnostic_to_json(const Diagnostic& diagnostic, std::string_view fallback_file = {});

// The run as {"tool":{"name","version"},"command","documents":[{"file","kind","valid",
// "unreadable","summary":{"fatal","error","warning","information"},"diagnostics":[...],
// "details" (only when non-empty),"seconds"}],"diagnostics":[run-level findings],
// "summary":{"documents","errors" (errors + fatals),"warnings","informations","unreadable",
// "seconds"}}. A document is valid when it was readable and has no error or fatal finding.
nlohmann::ordered_json to_json(const RunReport& run, const RenderOptions& options);

// Writes to_json(run, options), indented, with a final newline; never throws on bad UTF-8.
void render_json(const RunReport& run, const RenderOptions& options, std::ostream& out);

} // namespace healthdoc::formats
