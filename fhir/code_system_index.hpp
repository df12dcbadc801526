// One CodeSystem resource indexed for look-ups and ValueSet filters: its concepts by code
// (case-folded when the system is not case-sensitive), the hierarchy (nested concept[] and the
// parent / child / subsumedBy properties) and each concept's properties. Built once per code
// system; strings point into the resource, which must outlive the index.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace healthdoc::fhir {

class CodeSystemIndex {
public:
    struct Concept {
        std::string_view code;
        std::string_view display;
        std::vector<std::uint32_t> parents;
        std::vector<std::uint32_t> children;
        std::vector<std::pair<std::string_view, std::string>> properties; // property code -> value as text
    };

    explicit CodeSystemIndex(const nlohmann::json& code_system);

    const std::string& url() const { return m_url; }
    const std::string& content() const { return m_content; } // complete, fragment, example, ...
    bool case_sensitive() const { return m_case_sensitive; }

    // The key codes are compared with: the code itself, or lower-cased when not case-sensitive.
    std::string key(std::string_view code) const;

    const Concept* find(std::string_view code) const;
    const std::vector<Concept>& concepts() const { return m_concepts; }

    // The concepts a ValueSet.compose filter selects (indexes into concepts()); std::nullopt with
    // `why_not` set when the filter is not supported on this code system.
    std::optional<std::vector<std::uint32_t>> select(std::string_view property, std::string_view op,
                                                     std::string_view value, std::string& why_not) const;

private:
    void add_concepts(const nlohmann::json& concepts, std::optional<std::uint32_t> parent, int depth);
    void link(std::uint32_t parent, std::uint32_t child);
    std::vector<std::uint32_t> descendants(std::uint32_t root, bool include_root) const;
    std::vector<std::uint32_t> ancestors(std::uint32_t root) const;
    bool is_hierarchy_property(std::string_view property) const;

    std::string m_url, m_content;
    bool m_case_sensitive = true;
    std::vector<Concept> m_concepts;
    std::unordered_map<std::string, std::uint32_t> m_by_code;
    std::string m_parent_property = "parent", m_child_property = "child";
};

// Lower-cases ASCII letters (codes of case-insensitive systems are compared this way).
std::string fold_case(std::string_view code);

} // namespace healthdoc::fhir
