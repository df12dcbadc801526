#include "cda/schematron/loader.hpp"

#include "cda/schematron/abstract_patterns.hpp"
#include "cda/schematron/rule_extends.hpp"
#include "cda/schematron/schema_reader.hpp"

#include <map>
#include <set>
#include <string>

namespace healthdoc::cda::schematron {

using formats::Severity;

namespace {

std::size_t count_checks(const detail::RawPattern& pattern) {
    std::size_t n = 0;
    for (const auto& rule : pattern.rules)
        for (const auto& item : rule.items) n += std::holds_alternative<Check>(item) ? 1 : 0;
    return n;
}

// Abstract patterns replaced by their instances, in document order (the ISO abstract-expand
// step puts each instance where its is-a pattern stands and drops the abstract ones).
std::optional<std::vector<detail::RawPattern>> instantiate_patterns(std::vector<detail::RawPattern>& raw,
                                                                    std::size_t max_checks, formats::Diagnostics& out) {
    std::map<std::string, const detail::RawPattern*> abstracts;
    for (const auto& pattern : raw) {
        if (!pattern.abstract) continue;
        auto [at, added] = abstracts.emplace(pattern.id, &pattern);
        if (!added)
            out.report(Severity::warning, "cda.schematron.duplicate-id",
                       "abstract pattern id '" + pattern.id + "' is already used at " + at->second->where.file + ":" +
                           std::to_string(at->second->where.line) + "; this one is ignored",
                       pattern.where);
    }
    std::vector<detail::RawPattern> concrete;
    std::size_t copied = 0;
    for (auto& pattern : raw) {
        if (pattern.abstract) continue;
        if (pattern.is_a.empty()) {
            concrete.push_back(std::move(pattern));
            continue;
        }
        auto found = abstracts.find(pattern.is_a);
        if (found == abstracts.end()) {
            out.report(Severity::error, "cda.schematron.unknown-abstract-pattern",
                       "pattern '" + pattern.id + "' is an instance of '" + pattern.is_a +
                           "', which is no abstract pattern of the schema; it is left out",
                       pattern.where);
            continue;
        }
        copied += count_checks(*found->second);
        if (copied > max_checks) {
            out.report(Severity::error, "cda.schematron.too-large",
                       "the schema expands to too many asserts and reports (abstract pattern instances); "
                       "loading stops",
                       pattern.where);
            return std::nullopt;
        }
        concrete.push_back(detail::instantiate(*found->second, pattern, out));
    }
    return concrete;
}

// Keeps the diagnostic ids of each check that name an sch:diagnostic, reporting the others once
// per place they are written (a check brought by extends into many rules is one place).
void check_diagnostic_references(Schema& schema, formats::Diagnostics& out) {
    std::set<std::string> reported;
    for (auto& pattern : schema.patterns)
        for (auto& rule : pattern.rules)
            for (auto& check : rule.checks) {
                std::vector<std::string> known;
                for (auto& id : check.diagnostics) {
                    if (schema.diagnostics.count(id)) {
                        known.push_back(std::move(id));
                        continue;
                    }
                    auto key = id + "|" + check.where.file + ":" + std::to_string(check.where.line) + ":" +
                               std::to_string(check.where.column);
                    if (reported.insert(key).second)
                        out.report(Severity::error, "cda.schematron.unknown-diagnostic",
                                   "@diagnostics names '" + id + "', which is no sch:diagnostic; ignored", check.where);
                }
                check.diagnostics = std::move(known);
            }
}

void check_phases(const Schema& schema, formats::Diagnostics& out) {
    std::set<std::string> pattern_ids;
    for (const auto& pattern : schema.patterns)
        if (!pattern.id.empty()) pattern_ids.insert(pattern.id);
    std::set<std::string> phase_ids;
    for (const auto& phase : schema.phases) {
        if (!phase_ids.insert(phase.id).second)
            out.report(Severity::warning, "cda.schematron.duplicate-id",
                       "phase id '" + phase.id + "' is already used; active_patterns() uses the first", phase.where);
        // A warning, not an error: most are patterns of a missing include target, which the
        // reference run also leaves out and goes on.
        for (const auto& active : phase.active)
            if (!pattern_ids.count(active.pattern))
                out.report(Severity::warning, "cda.schematron.unknown-pattern",
                           "phase '" + phase.id + "' activates pattern '" + active.pattern +
                               "', which the schema does not have",
                           active.where);
    }
    const auto& wanted = schema.default_phase;
    if (!wanted.empty() && wanted != "#ALL" && !phase_ids.count(wanted))
        out.report(Severity::error, "cda.schematron.unknown-phase",
                   "defaultPhase '" + wanted + "' is no sch:phase of the schema", schema.where);
}

void check_pattern_ids(const Schema& schema, formats::Diagnostics& out) {
    std::map<std::string, const Pattern*> seen;
    for (const auto& pattern : schema.patterns) {
        if (pattern.id.empty()) continue;
        auto [at, added] = seen.emplace(pattern.id, &pattern);
        if (!added)
            out.report(Severity::warning, "cda.schematron.duplicate-id",
                       "pattern id '" + pattern.id + "' is already used at " + at->second->where.file + ":" +
                           std::to_string(at->second->where.line) + "; a phase activating it runs both",
                       pattern.where);
    }
}

} // namespace

std::optional<Schema> load_schema(const std::filesystem::path& file, formats::Diagnostics& out,
                                  const LoadOptions& options) {
    auto raw = detail::read_schema(file, detail::ReadLimits{options.max_include_depth, options.max_includes}, out);
    if (!raw) return std::nullopt;
    auto concrete = instantiate_patterns(raw->patterns, options.max_checks, out);
    if (!concrete) return std::nullopt;

    Schema schema = std::move(raw->schema);
    detail::RuleExpander expander(*concrete, options.max_checks, out);
    for (auto& raw_pattern : *concrete) {
        Pattern pattern;
        pattern.id = std::move(raw_pattern.id);
        pattern.title = std::move(raw_pattern.title);
        pattern.documents = std::move(raw_pattern.documents);
        pattern.is_a = std::move(raw_pattern.is_a);
        pattern.lets = std::move(raw_pattern.lets);
        pattern.where = std::move(raw_pattern.where);
        for (const auto& rule : raw_pattern.rules)
            if (!rule.abstract) pattern.rules.push_back(expander.expand(rule));
        if (expander.exhausted()) return std::nullopt;
        schema.patterns.push_back(std::move(pattern));
    }
    check_diagnostic_references(schema, out);
    check_pattern_ids(schema, out);
    check_phases(schema, out);
    return schema;
}

} // namespace healthdoc::cda::schematron
