#include "cda/schematron/rule_extends.hpp"

#include <algorithm>

namespace healthdoc::cda::schematron::detail {

RuleExpander::RuleExpander(const std::vector<RawPattern>& patterns, std::size_t max_checks, formats::Diagnostics& out)
    : m_checks_left(max_checks), m_out(out) {
    for (const auto& pattern : patterns) {
        for (const auto& rule : pattern.rules) {
            if (!rule.abstract) continue;
            auto& same_id = m_abstract[rule.rule.id];
            if (same_id.size() == 1)
                m_out.report(formats::Severity::warning, "cda.schematron.duplicate-id",
                             "abstract rule id '" + rule.rule.id + "' is also used at " +
                                 same_id.front()->rule.where.file + ":" +
                                 std::to_string(same_id.front()->rule.where.line) +
                                 "; a rule extending it gets the content of both",
                             rule.rule.where);
            same_id.push_back(&rule);
        }
    }
}

// An extends inside an abstract rule is met once per rule extending that rule: its problem is
// reported once.
void RuleExpander::report_once(formats::Severity severity, const char* rule, std::string message,
                               const formats::Location& where) {
    auto key =
        std::string(rule) + "|" + where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
    if (m_reported.insert(key).second) m_out.report(severity, rule, std::move(message), where);
}

Rule RuleExpander::expand(const RawRule& raw) {
    Rule rule = raw.rule;
    expand_items(raw.items, "", rule);
    return rule;
}

void RuleExpander::expand_items(const std::vector<RuleItem>& items, const std::string& from, Rule& into) {
    for (const auto& item : items) {
        if (m_exhausted) return;
        if (const auto* let = std::get_if<Let>(&item)) {
            into.lets.push_back(*let);
        } else if (const auto* check = std::get_if<Check>(&item)) {
            if (m_checks_left == 0) {
                m_exhausted = true;
                m_out.report(formats::Severity::error, "cda.schematron.too-large",
                             "the schema expands to too many asserts and reports (extends or abstract patterns "
                             "multiplying them); loading stops",
                             check->where);
                return;
            }
            --m_checks_left;
            into.checks.push_back(*check);
            if (!from.empty()) into.checks.back().extended_from = from;
        } else {
            const auto& extends = std::get<Extends>(item);
            auto found = m_abstract.find(extends.rule);
            if (found == m_abstract.end()) {
                report_once(formats::Severity::error, "cda.schematron.unknown-rule",
                            "sch:extends names '" + extends.rule + "', which is no abstract rule; ignored",
                            extends.where);
                continue;
            }
            if (std::find(m_stack.begin(), m_stack.end(), extends.rule) != m_stack.end()) {
                report_once(formats::Severity::error, "cda.schematron.extends-cycle",
                            "abstract rule '" + extends.rule + "' extends itself through '" + m_stack.back() +
                                "'; ignored",
                            extends.where);
                continue;
            }
            m_stack.push_back(extends.rule);
            for (const auto* abstract : found->second) expand_items(abstract->items, abstract->rule.id, into);
            m_stack.pop_back();
        }
    }
}

} // namespace healthdoc::cda::schematron::detail
