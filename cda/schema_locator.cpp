#include "cda/schema_locator.hpp"

#include "cda/rules_pack.hpp"
#include "formats/errors.hpp"

#include <cstdlib>
#include <vector>

namespace fs = std::filesystem;

namespace healthdoc::cda {

std::optional<fs::path> find_cda_schema_in(const fs::path& folder) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (it.depth() > 6) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file()) found.push_back(it->path());
    }
    for (const char* name : k_cda_schema_names) {
        std::optional<fs::path> best;
        for (const auto& path : found)
            if (path.filename() == name &&
                (!best || std::distance(path.begin(), path.end()) < std::distance(best->begin(), best->end())))
                best = path;
        if (best) return best;
    }
    return std::nullopt;
}

namespace {

fs::path resolve_explicit(const std::string& choice, const std::string& origin) {
    std::error_code ec;
    if (fs::is_regular_file(choice, ec)) return choice;
    if (fs::is_directory(choice, ec)) {
        if (auto found = find_cda_schema_in(choice)) return *found;
        throw UsageError(origin + " " + choice + ": no CDA schema (CDA_extended.xsd, CDA.xsd or CDA_SDTC.xsd) in this folder");
    }
    throw UsageError(origin + " " + choice + ": no such file or folder");
}

} // namespace

std::optional<fs::path> locate_cda_schema(const std::optional<std::string>& explicit_choice,
                                          const std::optional<std::string>& rules_dir) {
    if (explicit_choice && !explicit_choice->empty()) return resolve_explicit(*explicit_choice, "--schemas");
    if (const char* env = std::getenv("HEALTHDOC_SCHEMAS"); env && *env) return resolve_explicit(env, "HEALTHDOC_SCHEMAS");
    if (auto ans = find_ans_pack(rules_dir)) return ans->path / "infrastructure" / "cda" / "CDA_extended.xsd";
    for (const auto& pack : installed_packs(rules_dir))
        if (auto found = find_cda_schema_in(pack.path)) return found;
    return std::nullopt;
}

} // namespace healthdoc::cda
