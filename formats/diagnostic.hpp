// The one model of findings about a document: every check, conversion and transport reports
// through it, every renderer reads it. Depends on nothing but the standard library.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace healthdoc::formats {

// Ordered: information < warning < error < fatal (fatal: the document could not be read on).
enum class Severity { information, warning, error, fatal };

// "information", "warning", "error", "fatal".
std::string_view to_string(Severity severity);

// Parses the names above; std::nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view name);

// Where a finding is. Zero line/column means unknown (renderers then omit them, never "0:0").
struct Location {
    std::string file;       // as the user named it, "-" for stdin; may be empty
    std::size_t line = 0;   // 1-based
    std::size_t column = 0; // 1-based, in characters
    std::string path;       // XPath for XML, FHIRPath-style for FHIR; may be empty
};

// How a finding came out of a check written in a rule language (an assertion or a report with a
// test expression, grouped in a rule set such as a schema), for renderers that report checks as
// written (SVRL). Strings are "" when the rule set does not give them.
struct RuleCheck {
    // assertion: the finding is that `expression` does not hold; report: that it holds.
    enum class Kind { assertion, report };
    Kind kind = Kind::assertion;
    std::string expression;          // the test as written
    std::string id, role, flag, see; // the check's own attributes as written
    std::string group;               // the id of the group (pattern) the check is written in
    // The check's own message, when Diagnostic::message adds the notes to it ("" = the same).
    std::string message;
    // Further messages the check names (its diagnostics), as (id, text), in order.
    std::vector<std::pair<std::string, std::string>> notes;
    // The rule set the check belongs to: the run's name for it, its title and version as
    // written, and the phase (subset) run.
    std::string rule_set, rule_set_title, rule_set_version, phase;
};

// One finding. `rule` is stable and greppable: <module>.<area>.<kebab-name>.
// `message` is one sentence and never carries patient values.
struct Diagnostic {
    Severity severity = Severity::error;
    std::string rule;
    std::string message;
    Location location;
    std::optional<RuleCheck> check = std::nullopt; // set only for findings of rule-language checks
};

// Collects the findings of one document in the order they were reported.
class Diagnostics {
public:
    void report(Diagnostic diagnostic);
    void report(Severity severity, std::string rule, std::string message, Location location = {});

    const std::vector<Diagnostic>& items() const noexcept { return m_items; }
    bool empty() const noexcept { return m_items.empty(); }
    std::size_t size() const noexcept { return m_items.size(); }

    // Number of findings of exactly this severity.
    std::size_t count(Severity severity) const noexcept;
    // True when a finding at or above `threshold` was reported.
    bool has_at_least(Severity threshold) const noexcept;
    // The most severe finding's severity; std::nullopt when there is none.
    std::optional<Severity> worst() const noexcept;

    // Appends all of `other`'s findings.
    void append(const Diagnostics& other);

private:
    std::vector<Diagnostic> m_items;
};

} // namespace healthdoc::formats
