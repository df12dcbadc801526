#include "cda/schematron/loader.hpp"

#include <set>
#include <string>

namespace healthdoc::cda::schematron {

std::vector<const Pattern*> active_patterns(const Schema& schema, std::string_view phase, formats::Diagnostics& out) {
    std::vector<const Pattern*> patterns;
    std::string_view wanted = phase;
    if (wanted.empty() || wanted == "#DEFAULT") wanted = schema.default_phase;
    if (wanted.empty() || wanted == "#ALL") {
        for (const auto& pattern : schema.patterns) patterns.push_back(&pattern);
        return patterns;
    }
    const Phase* found = nullptr;
    for (const auto& candidate : schema.phases)
        if (candidate.id == wanted) {
            found = &candidate;
            break;
        }
    if (!found) {
        std::string known;
        for (const auto& candidate : schema.phases) known += (known.empty() ? "" : ", ") + candidate.id;
        out.report(formats::Severity::error, "cda.schematron.unknown-phase",
                   "phase '" + std::string(wanted) +
                       "' is not defined in the schema (phases: " + (known.empty() ? "none" : known) + ", #ALL)",
                   formats::Location{schema.file.string(), 0, 0, ""});
        return patterns;
    }
    std::set<std::string_view> ids;
    for (const auto& active : found->active) ids.insert(active.pattern);
    // The ISO skeleton walks the schema's patterns and runs those the phase names: schema order,
    // each once, and every pattern sharing an active id.
    for (const auto& pattern : schema.patterns)
        if (!pattern.id.empty() && ids.count(pattern.id)) patterns.push_back(&pattern);
    return patterns;
}

} // namespace healthdoc::cda::schematron
