#include "fhir/code_system_index.hpp"

#include <algorithm>
#include <regex>
#include <unordered_set>

namespace healthdoc::fhir {

namespace {

constexpr int k_max_depth = 64;                // nested concept[] levels
constexpr std::size_t k_max_regex_input = 256; // codes longer than this never match a regex filter

const std::string* text_of(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    if (found == object.end() || !found->is_string()) return nullptr;
    return &found->get_ref<const std::string&>();
}

std::string_view view_of(const nlohmann::json& object, const char* key) {
    const std::string* text = text_of(object, key);
    return text ? std::string_view(*text) : std::string_view();
}

// A concept property's value as text (code, Coding.code, string, boolean, number, date).
std::optional<std::string> property_value(const nlohmann::json& property) {
    for (auto it = property.begin(); it != property.end(); ++it) {
        if (it.key().rfind("value", 0) != 0) continue;
        const nlohmann::json& value = it.value();
        if (value.is_string()) return value.get<std::string>();
        if (value.is_boolean()) return std::string(value.get<bool>() ? "true" : "false");
        if (value.is_number()) return value.dump();
        if (value.is_object()) {
            if (const std::string* code = text_of(value, "code")) return *code;
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> split_list(std::string_view value) {
    std::vector<std::string_view> items;
    std::size_t start = 0;
    while (start <= value.size()) {
        std::size_t end = value.find(',', start);
        if (end == std::string_view::npos) end = value.size();
        std::string_view item = value.substr(start, end - start);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty()) items.push_back(item);
        start = end + 1;
    }
    return items;
}

// Nested quantifiers ("(a+)+") make std::regex backtrack exponentially: refused.
bool risky_pattern(std::string_view pattern) {
    int depth = 0;
    std::vector<bool> quantified_inside(1, false);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\') {
            ++i;
            continue;
        }
        if (c == '(') {
            ++depth;
            quantified_inside.push_back(false);
        } else if (c == ')' && depth > 0) {
            const bool inner = quantified_inside.back();
            quantified_inside.pop_back();
            --depth;
            const char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
            if (inner && (next == '*' || next == '+' || next == '{')) return true;
        } else if (c == '*' || c == '+' || c == '{') {
            quantified_inside.back() = true;
        }
    }
    return pattern.size() > 512;
}

} // namespace

std::string fold_case(std::string_view code) {
    std::string folded(code);
    for (char& c : folded)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return folded;
}

CodeSystemIndex::CodeSystemIndex(const nlohmann::json& code_system) {
    if (const std::string* url = text_of(code_system, "url")) m_url = *url;
    if (const std::string* content = text_of(code_system, "content")) m_content = *content;
    auto sensitive = code_system.find("caseSensitive");
    // An absent caseSensitive is taken as sensitive, as the reference validator does.
    if (sensitive != code_system.end() && sensitive->is_boolean()) m_case_sensitive = sensitive->get<bool>();
    if (auto properties = code_system.find("property"); properties != code_system.end() && properties->is_array()) {
        for (const auto& property : *properties) {
            const std::string_view uri = view_of(property, "uri");
            const std::string* code = text_of(property, "code");
            if (!code) continue;
            if (uri == "http://hl7.org/fhir/concept-properties#parent") m_parent_property = *code;
            if (uri == "http://hl7.org/fhir/concept-properties#child") m_child_property = *code;
        }
    }
    if (auto concepts = code_system.find("concept"); concepts != code_system.end())
        add_concepts(*concepts, std::nullopt, 0);
    // Hierarchy given by properties: parent / subsumedBy name the parent, child names a child.
    for (std::uint32_t index = 0; index < m_concepts.size(); ++index) {
        const auto properties = m_concepts[index].properties; // copy: link() may not reallocate, but be safe
        for (const auto& [name, value] : properties) {
            const bool names_parent = name == m_parent_property || name == "subsumedBy";
            const bool names_child = name == m_child_property;
            if (!names_parent && !names_child) continue;
            auto other = m_by_code.find(key(value));
            if (other == m_by_code.end()) continue;
            if (names_parent)
                link(other->second, index);
            else
                link(index, other->second);
        }
    }
}

std::string CodeSystemIndex::key(std::string_view code) const {
    return m_case_sensitive ? std::string(code) : fold_case(code);
}

void CodeSystemIndex::add_concepts(const nlohmann::json& concepts, std::optional<std::uint32_t> parent, int depth) {
    if (!concepts.is_array() || depth > k_max_depth) return;
    for (const auto& concept_json : concepts) {
        if (!concept_json.is_object()) continue;
        const std::string* code = text_of(concept_json, "code");
        if (!code) continue;
        std::uint32_t index = 0;
        auto [found, inserted] = m_by_code.try_emplace(key(*code), static_cast<std::uint32_t>(m_concepts.size()));
        if (inserted) {
            Concept concept_entry;
            concept_entry.code = *code;
            concept_entry.display = view_of(concept_json, "display");
            if (auto properties = concept_json.find("property");
                properties != concept_json.end() && properties->is_array()) {
                for (const auto& property : *properties) {
                    const std::string* name = text_of(property, "code");
                    auto value = property_value(property);
                    if (name && value) concept_entry.properties.emplace_back(*name, std::move(*value));
                }
            }
            m_concepts.push_back(std::move(concept_entry));
        }
        index = found->second;
        if (parent) link(*parent, index);
        if (auto children = concept_json.find("concept"); children != concept_json.end())
            add_concepts(*children, index, depth + 1);
    }
}

void CodeSystemIndex::link(std::uint32_t parent, std::uint32_t child) {
    if (parent == child) return;
    auto& children = m_concepts[parent].children;
    if (std::find(children.begin(), children.end(), child) != children.end()) return;
    children.push_back(child);
    m_concepts[child].parents.push_back(parent);
}

const CodeSystemIndex::Concept* CodeSystemIndex::find(std::string_view code) const {
    auto found = m_by_code.find(key(code));
    return found == m_by_code.end() ? nullptr : &m_concepts[found->second];
}

std::vector<std::uint32_t> CodeSystemIndex::descendants(std::uint32_t root, bool include_root) const {
    std::vector<std::uint32_t> result;
    std::vector<bool> seen(m_concepts.size(), false);
    std::vector<std::uint32_t> pending{root};
    seen[root] = true;
    while (!pending.empty()) {
        const std::uint32_t current = pending.back();
        pending.pop_back();
        if (current != root || include_root) result.push_back(current);
        for (std::uint32_t child : m_concepts[current].children)
            if (!seen[child]) {
                seen[child] = true;
                pending.push_back(child);
            }
    }
    return result;
}

std::vector<std::uint32_t> CodeSystemIndex::ancestors(std::uint32_t root) const {
    std::vector<std::uint32_t> result;
    std::vector<bool> seen(m_concepts.size(), false);
    std::vector<std::uint32_t> pending{root};
    seen[root] = true;
    while (!pending.empty()) {
        const std::uint32_t current = pending.back();
        pending.pop_back();
        result.push_back(current);
        for (std::uint32_t parent : m_concepts[current].parents)
            if (!seen[parent]) {
                seen[parent] = true;
                pending.push_back(parent);
            }
    }
    return result;
}

bool CodeSystemIndex::is_hierarchy_property(std::string_view property) const {
    return property == "concept" || property == "code";
}

std::optional<std::vector<std::uint32_t>> CodeSystemIndex::select(std::string_view property, std::string_view op,
                                                                  std::string_view value, std::string& why_not) const {
    std::vector<std::uint32_t> result;
    const auto index_of = [&](std::string_view code) -> std::optional<std::uint32_t> {
        auto found = m_by_code.find(key(code));
        if (found == m_by_code.end()) return std::nullopt;
        return found->second;
    };
    const auto all_where = [&](auto predicate) {
        for (std::uint32_t i = 0; i < m_concepts.size(); ++i)
            if (predicate(i, m_concepts[i])) result.push_back(i);
        return result;
    };
    const auto values_of = [](const Concept& concept_entry, std::string_view name) {
        std::vector<std::string_view> values;
        for (const auto& [property_name, property_value] : concept_entry.properties)
            if (property_name == name) values.push_back(property_value);
        return values;
    };

    if (is_hierarchy_property(property)) {
        if (op == "is-a" || op == "descendent-of") {
            if (auto root = index_of(value)) return descendants(*root, op == "is-a");
            return result; // an unknown root selects nothing
        }
        if (op == "is-not-a") {
            std::unordered_set<std::uint32_t> excluded;
            if (auto root = index_of(value))
                for (std::uint32_t i : descendants(*root, true)) excluded.insert(i);
            return all_where([&](std::uint32_t i, const Concept&) { return !excluded.count(i); });
        }
        if (op == "generalizes") {
            if (auto root = index_of(value)) return ancestors(*root);
            return result;
        }
        if (op == "=") {
            if (auto found = index_of(value)) result.push_back(*found);
            return result;
        }
        if (op == "in" || op == "not-in") {
            std::unordered_set<std::uint32_t> listed;
            for (std::string_view item : split_list(value))
                if (auto found = index_of(item)) listed.insert(*found);
            const bool wanted = op == "in";
            return all_where([&](std::uint32_t i, const Concept&) { return listed.count(i) == wanted; });
        }
    }
    if (op == "regex") {
        if (risky_pattern(value)) {
            why_not = "its regex filter is too complex to evaluate safely";
            return std::nullopt;
        }
        std::regex pattern;
        try {
            pattern = std::regex(std::string(value), std::regex::ECMAScript);
        } catch (const std::regex_error&) {
            why_not = "its regex filter is not a valid regular expression";
            return std::nullopt;
        }
        const bool on_code = is_hierarchy_property(property);
        const auto matches = [&](std::string_view text) {
            return text.size() <= k_max_regex_input && std::regex_match(text.begin(), text.end(), pattern);
        };
        return all_where([&](std::uint32_t, const Concept& c) {
            if (on_code) return matches(c.code);
            for (std::string_view v : values_of(c, property))
                if (matches(v)) return true;
            return false;
        });
    }
    const bool parent_property = property == m_parent_property || property == "parent" || property == "subsumedBy";
    const bool child_property = property == m_child_property || property == "child";
    if (op == "=" || op == "in" || op == "not-in") {
        std::vector<std::string_view> wanted_values =
            op == "=" ? std::vector<std::string_view>{value} : split_list(value);
        const auto has_value = [&](const Concept& c) {
            std::vector<std::string_view> values = values_of(c, property);
            // Hierarchy properties also hold through nesting.
            if (parent_property)
                for (std::uint32_t p : c.parents) values.push_back(m_concepts[p].code);
            if (child_property)
                for (std::uint32_t ch : c.children) values.push_back(m_concepts[ch].code);
            for (std::string_view v : values)
                for (std::string_view w : wanted_values)
                    if (v == w || (!m_case_sensitive && (parent_property || child_property) && key(v) == key(w)))
                        return true;
            return false;
        };
        const bool negate = op == "not-in";
        return all_where([&](std::uint32_t, const Concept& c) { return has_value(c) != negate; });
    }
    if (op == "exists") {
        const bool wanted = value != "false";
        return all_where([&](std::uint32_t, const Concept& c) {
            bool present = !values_of(c, property).empty();
            if (parent_property) present = present || !c.parents.empty();
            if (child_property) present = present || !c.children.empty();
            return present == wanted;
        });
    }
    why_not = "its filter '" + std::string(property) + " " + std::string(op) + "' is not supported offline";
    return std::nullopt;
}

} // namespace healthdoc::fhir
