#include "cda/rule_overlap.hpp"

#include <cctype>
#include <map>
#include <tuple>
#include <vector>

namespace healthdoc::cda {
namespace {

constexpr std::string_view k_builtin = "cisis.header.";
constexpr std::string_view k_official = "schematron.StructurationMinimale.";

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

// Lower-case letters and digits only: "hl7:realmCode[@code" -> "hl7realmcodecode".
std::string squeezed(std::string_view text) {
    std::string out;
    for (unsigned char c : text)
        if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    return out;
}

// The element names a built-in rule is about, squeezed: "legal-authenticator-time" gives
// "legalauthenticatortime" and "legalauthenticator".
std::vector<std::string> subjects(const std::string& rule) {
    std::vector<std::string> tokens;
    std::string name = rule.substr(k_builtin.size()), token;
    for (char c : name + "-") {
        if (c == '-') {
            if (!token.empty()) tokens.push_back(token);
            token.clear();
        } else {
            token += c;
        }
    }
    std::vector<std::string> keys;
    for (std::size_t count = tokens.size(); count >= 2; --count) {
        std::string key;
        for (std::size_t i = 0; i < count; ++i) key += squeezed(tokens[i]);
        keys.push_back(key);
    }
    if (tokens.size() == 1 && tokens[0].size() >= 6) keys.push_back(squeezed(tokens[0]));
    return keys;
}

bool about(const formats::Diagnostic& builtin, const formats::Diagnostic& official) {
    std::string message = squeezed(official.message);
    for (const auto& key : subjects(builtin.rule))
        if (message.find(key) != std::string::npos) return true;
    return false;
}

} // namespace

formats::Diagnostics merge_overlapping_findings(const formats::Diagnostics& findings) {
    const auto& items = findings.items();
    using Place = std::tuple<std::string, std::size_t, std::size_t, formats::Severity>;
    std::map<Place, std::vector<std::size_t>> builtin_at, official_at;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& d = items[i];
        if (d.location.line == 0) continue;
        Place place{d.location.file, d.location.line, d.location.column, d.severity};
        if (starts_with(d.rule, k_builtin)) builtin_at[place].push_back(i);
        if (starts_with(d.rule, k_official)) official_at[place].push_back(i);
    }
    std::vector<std::string> twins(items.size());
    std::vector<bool> dropped(items.size(), false);
    for (const auto& [place, officials] : official_at) {
        auto builtins = builtin_at.find(place);
        if (builtins == builtin_at.end()) continue;
        for (std::size_t official : officials) {
            std::size_t twin = items.size();
            for (std::size_t builtin : builtins->second)
                if (about(items[builtin], items[official])) twin = builtin;
            if (twin == items.size() && officials.size() == 1 && builtins->second.size() == 1)
                twin = builtins->second.front();
            if (twin == items.size()) continue;
            dropped[official] = true;
            twins[twin] += (twins[twin].empty() ? "" : ", ") + items[official].rule;
        }
    }
    formats::Diagnostics merged;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (dropped[i]) continue;
        auto d = items[i];
        if (!twins[i].empty()) d.message += " (also " + twins[i] + ")";
        merged.report(std::move(d));
    }
    return merged;
}

} // namespace healthdoc::cda
