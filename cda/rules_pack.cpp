#include "cda/rules_pack.hpp"

#include <algorithm>
#include <cstdlib>

namespace fs = std::filesystem;

namespace healthdoc::cda {

fs::path rules_directory(const std::optional<std::string>& override) {
    if (override && !override->empty()) return fs::path(*override);
    if (const char* env = std::getenv("HEALTHDOC_RULES_DIR"); env && *env) return fs::path(env);
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "healthdoc" / "rules";
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : ".") / ".local" / "share" / "healthdoc" / "rules";
}

bool RulesPack::is_ans() const {
    std::error_code ec;
    return fs::exists(path / "infrastructure" / "cda" / "CDA_extended.xsd", ec);
}

std::vector<RulesPack> installed_packs(const std::optional<std::string>& override) {
    std::vector<RulesPack> packs;
    std::error_code ec;
    for (fs::directory_iterator it(rules_directory(override), ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory() && it->path().filename().string().front() != '.')
            packs.push_back(RulesPack{it->path().filename().string(), it->path()});
    std::sort(packs.begin(), packs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return packs;
}

std::optional<RulesPack> find_ans_pack(const std::optional<std::string>& override) {
    for (auto& pack : installed_packs(override))
        if (pack.is_ans()) return pack;
    return std::nullopt;
}

} // namespace healthdoc::cda
