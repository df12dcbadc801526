#include "cda/schematron/model.hpp"

namespace healthdoc::cda::schematron {

Inventory inventory(const Schema& schema) {
    Inventory counts;
    counts.patterns = schema.patterns.size();
    counts.phases = schema.phases.size();
    counts.lets = schema.lets.size();
    for (const auto& phase : schema.phases) counts.lets += phase.lets.size();
    for (const auto& pattern : schema.patterns) {
        counts.lets += pattern.lets.size();
        counts.rules += pattern.rules.size();
        for (const auto& rule : pattern.rules) {
            counts.lets += rule.lets.size();
            for (const auto& check : rule.checks) (check.is_report ? counts.reports : counts.asserts) += 1;
        }
    }
    return counts;
}

} // namespace healthdoc::cda::schematron
