// The one model of findings about a document: every check, conversion and transport reports
// through it, every renderer reads it. Depends on nothing but the standard library.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
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
    std::string file;      // as the user named it, "-" for stdin; may be empty
    std::size_t line = 0;  // 1-based
    std::size_t column = 0;// 1-based, in characters
    std::string path;      // XPath for XML, FHIRPath-style for FHIR; may be empty
};

// One finding. `rule` is stable and greppable: <module>.<area>.<kebab-name>.
// `message` is one sentence and never carries patient values.
struct Diagnostic {
    Severity severity = Severity::error;
    std::string rule;
    std::string message;
    Location location;
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
