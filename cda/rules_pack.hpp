// Where CDA rules packs (schemas, schematrons, value sets, like the ANS TestContenuCDA kit)
// are installed and how to find files in them. Installing is in packages; this only locates.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace healthdoc::cda {

// The folder holding installed packs: `override` when given, else $HEALTHDOC_RULES_DIR, else
// ${XDG_DATA_HOME:-~/.local/share}/healthdoc/rules. The folder may not exist.
std::filesystem::path rules_directory(const std::optional<std::string>& override = std::nullopt);

// An installed pack: its folder name and path.
struct RulesPack {
    std::string name;
    std::filesystem::path path;
    bool is_ans() const; // holds infrastructure/cda/CDA_extended.xsd (the ANS CI-SIS kit layout)
};

// Installed packs in `rules_directory(override)`, sorted by name; empty when there are none.
std::vector<RulesPack> installed_packs(const std::optional<std::string>& override = std::nullopt);

// The first installed ANS pack, or std::nullopt.
std::optional<RulesPack> find_ans_pack(const std::optional<std::string>& override = std::nullopt);

} // namespace healthdoc::cda
