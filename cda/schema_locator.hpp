// Finds the CDA XML schema a run should use, the way the README describes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace healthdoc::cda {

// File names tried, in this order, inside a schema folder (searched recursively, shallowest
// first): the ANS extended schema, the normative HL7 schema, the SDTC-extended HL7 schema.
inline constexpr const char* k_cda_schema_names[] = {"CDA_extended.xsd", "CDA.xsd", "CDA_SDTC.xsd"};

// The first CDA schema file under `folder`, or std::nullopt.
std::optional<std::filesystem::path> find_cda_schema_in(const std::filesystem::path& folder);

// The schema to use: `explicit_choice` (a file or folder: --schemas), else $HEALTHDOC_SCHEMAS,
// else the ANS pack installed in `rules_dir` (see rules_pack.hpp), else any installed pack
// holding a CDA schema. std::nullopt when none is found. Throws UsageError when a file or
// folder named explicitly (option or variable) does not exist or holds no CDA schema.
std::optional<std::filesystem::path> locate_cda_schema(const std::optional<std::string>& explicit_choice,
                                                       const std::optional<std::string>& rules_dir);

} // namespace healthdoc::cda
