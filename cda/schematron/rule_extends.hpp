// Internal to the loader: sch:extends (ISO 19757-3 5.4.4): an abstract rule's lets and checks
// brought into the rule that extends it, transitively.
#pragma once

#include "cda/schematron/raw_schema.hpp"
#include "formats/diagnostic.hpp"

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace healthdoc::cda::schematron::detail {

class RuleExpander {
public:
    // Indexes the abstract rules of `patterns` (concrete patterns and instances, not abstract
    // patterns, whose rules still hold $parameters) by id, across all patterns: the ISO skeleton
    // looks them up with //rule[@abstract='true'][@id=...], and the ANS structurationMinimale
    // layer extends rules included in another pattern. Reports ids given to several abstract
    // rules (cda.schematron.duplicate-id), whose contents are then all brought in, as the
    // skeleton does. `max_checks` bounds the checks of the whole schema after expansion.
    RuleExpander(const std::vector<RawPattern>& patterns, std::size_t max_checks, formats::Diagnostics& out);

    // The concrete rule `raw` resolves to. An unknown abstract rule (cda.schematron.unknown-rule)
    // or a cycle of extends (cda.schematron.extends-cycle) is reported and that extends skipped.
    Rule expand(const RawRule& raw);

    // True once `max_checks` was exceeded (reported once, cda.schematron.too-large); the rules
    // expanded since then are incomplete.
    bool exhausted() const noexcept { return m_exhausted; }

private:
    void expand_items(const std::vector<RuleItem>& items, const std::string& from, Rule& into);
    void report_once(formats::Severity severity, const char* rule, std::string message, const formats::Location& where);

    std::map<std::string, std::vector<const RawRule*>> m_abstract;
    std::vector<std::string> m_stack; // abstract rules being expanded
    std::set<std::string> m_reported;
    std::size_t m_checks_left;
    bool m_exhausted = false;
    formats::Diagnostics& m_out;
};

} // namespace healthdoc::cda::schematron::detail
