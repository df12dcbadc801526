// Installing CDA rules packs (schemas, schematrons, value sets) from a folder or a .zip.
#pragma once

#include "cda/rules_pack.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::cda {

// Counts of what a pack holds, for `packages list`.
struct RulesPackContents {
    std::size_t schemas = 0;     // .xsd
    std::size_t schematrons = 0; // .sch
    std::size_t value_sets = 0;  // .xml under a jeuxDeValeurs/ folder
};
RulesPackContents count_pack_contents(const std::filesystem::path& pack);

// True when `folder` looks like a CDA rules pack: it holds at least one .xsd or .sch file.
bool looks_like_rules_pack(const std::filesystem::path& folder);

// A pack name made safe for a folder name (letters, digits, '.', '-', '_'); "rules" when empty.
std::string sanitize_pack_name(std::string_view name);

// Installs the pack in folder `source` (copied) as `name` into rules_directory(rules_dir):
// copied into a temporary folder there, then renamed into place, replacing a previous pack of
// that name. Throws InputError when `source` is not a pack, OutputError when it cannot write.
RulesPack install_rules_pack_folder(const std::filesystem::path& source, const std::string& name,
                                    const std::optional<std::string>& rules_dir = std::nullopt);

// The same from a .zip held in `archive`; when everything sits in one top folder, that
// folder's content becomes the pack's root.
RulesPack install_rules_pack_archive(std::string_view archive, const std::string& name,
                                     const std::optional<std::string>& rules_dir = std::nullopt);

} // namespace healthdoc::cda
