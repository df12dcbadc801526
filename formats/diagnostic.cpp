#include "formats/diagnostic.hpp"

#include <algorithm>

namespace healthdoc::formats {

std::string_view to_string(Severity severity) {
    switch (severity) {
    case Severity::information: return "information";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    case Severity::fatal: return "fatal";
    }
    return "error";
}

std::optional<Severity> parse_severity(std::string_view name) {
    for (auto severity : {Severity::information, Severity::warning, Severity::error, Severity::fatal})
        if (to_string(severity) == name) return severity;
    return std::nullopt;
}

void Diagnostics::report(Diagnostic diagnostic) { m_items.push_back(std::move(diagnostic)); }

void Diagnostics::report(Severity severity, std::string rule, std::string message, Location location) {
    m_items.push_back(Diagnostic{severity, std::move(rule), std::move(message), std::move(location)});
}

std::size_t Diagnostics::count(Severity severity) const noexcept {
    return static_cast<std::size_t>(std::count_if(m_items.begin(), m_items.end(),
                                                  [&](const Diagnostic& d) { return d.severity == severity; }));
}

bool Diagnostics::has_at_least(Severity threshold) const noexcept {
    return std::any_of(m_items.begin(), m_items.end(), [&](const Diagnostic& d) { return d.severity >= threshold; });
}

std::optional<Severity> Diagnostics::worst() const noexcept {
    std::optional<Severity> worst;
    for (const auto& d : m_items)
        if (!worst || d.severity > *worst) worst = d.severity;
    return worst;
}

void Diagnostics::append(const Diagnostics& other) {
    m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

} // namespace healthdoc::formats
