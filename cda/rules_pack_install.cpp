#include "cda/rules_pack_install.hpp"

#include "formats/archive.hpp"
#include "formats/errors.hpp"
#include "formats/ids.hpp"

namespace fs = std::filesystem;

namespace healthdoc::cda {
namespace {

struct Staging {
    fs::path path;
    ~Staging() {
        std::error_code ignored;
        if (!path.empty()) fs::remove_all(path, ignored);
    }
};

RulesPack move_into_place(const fs::path& staged_root, const std::string& name, const std::optional<std::string>& rules_dir) {
    if (!looks_like_rules_pack(staged_root))
        throw InputError("not a CDA rules pack: no .xsd or .sch file inside");
    auto target = rules_directory(rules_dir) / sanitize_pack_name(name);
    auto old = rules_directory(rules_dir) / (".old-" + formats::random_uuid());
    std::error_code ec;
    if (fs::exists(target)) fs::rename(target, old, ec);
    fs::rename(staged_root, target, ec);
    if (ec) throw OutputError(target.string() + ": cannot install the pack: " + ec.message());
    fs::remove_all(old, ec);
    return RulesPack{target.filename().string(), target};
}

fs::path new_staging(const std::optional<std::string>& rules_dir) {
    auto root = rules_directory(rules_dir);
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) throw OutputError(root.string() + ": cannot create the rules folder: " + ec.message());
    return root / (".install-" + formats::random_uuid());
}

} // namespace

RulesPackContents count_pack_contents(const fs::path& pack) {
    RulesPackContents contents;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(pack, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        auto ext = it->path().extension();
        if (ext == ".xsd") ++contents.schemas;
        else if (ext == ".sch") ++contents.schematrons;
        else if (ext == ".xml" && it->path().parent_path().filename() == "jeuxDeValeurs") ++contents.value_sets;
    }
    return contents;
}

bool looks_like_rules_pack(const fs::path& folder) {
    auto contents = count_pack_contents(folder);
    return contents.schemas + contents.schematrons > 0;
}

std::string sanitize_pack_name(std::string_view name) {
    std::string out;
    for (char c : name)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '-';
    while (!out.empty() && out.front() == '.') out.erase(0, 1);
    return out.empty() ? "rules" : out;
}

RulesPack install_rules_pack_folder(const fs::path& source, const std::string& name,
                                    const std::optional<std::string>& rules_dir) {
    std::error_code ec;
    if (!fs::is_directory(source, ec)) throw InputError(source.string() + ": not a folder");
    if (!looks_like_rules_pack(source)) throw InputError(source.string() + ": not a CDA rules pack (no .xsd or .sch file)");
    Staging staging{new_staging(rules_dir)};
    // Links are not followed: a pack is plain files.
    fs::copy(source, staging.path, fs::copy_options::recursive | fs::copy_options::skip_symlinks, ec);
    if (ec) throw OutputError(staging.path.string() + ": cannot copy the pack: " + ec.message());
    auto pack = move_into_place(staging.path, name, rules_dir);
    staging.path.clear();
    return pack;
}

RulesPack install_rules_pack_archive(std::string_view archive, const std::string& name,
                                     const std::optional<std::string>& rules_dir) {
    Staging staging{new_staging(rules_dir)};
    formats::extract_archive(archive, staging.path);
    fs::path root = staging.path;
    std::vector<fs::path> children;
    for (const auto& entry : fs::directory_iterator(root)) children.push_back(entry.path());
    if (children.size() == 1 && fs::is_directory(children.front())) root = children.front();
    auto pack = move_into_place(root, name, rules_dir);
    return pack;
}

} // namespace healthdoc::cda
