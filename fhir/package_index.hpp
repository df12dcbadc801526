// The compact index of a FHIR package folder: for each resource file, the few top-level
// fields needed to find it by canonical URL (resourceType, url, version, id, name, type,
// kind, derivation, baseDefinition). Built once by a fast partial scan of every JSON file and
// written in the standard FHIR package `.index.json` format, beside the files when the folder
// is writable, else in a per-user index cache; later loads read only the index.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::fhir {

struct PackageIndexEntry {
    std::string filename; // relative to the package folder
    std::string resource_type, id, url, version, name, type, kind, derivation, base_definition;
};

struct PackageIndex {
    std::vector<PackageIndexEntry> files;
    bool rebuilt = false;             // true when the folder was scanned (no usable index)
    std::filesystem::path index_file; // where the index was read from or written to (may be empty)
};

// The top-level string fields of one FHIR JSON resource, read without building a DOM (values
// of other fields are skipped by a bracket-matching scan). std::nullopt when `json` is not a
// JSON object or has no string "resourceType".
std::optional<PackageIndexEntry> scan_resource_summary(std::string_view json);

// Scans every *.json file directly in `folder` (package.json and .index.json excepted).
std::vector<PackageIndexEntry> scan_package_folder(const std::filesystem::path& folder);

// The standard .index.json text ("index-version": 2, "files": [...]) with healthdoc's
// extra fields (name, baseDefinition) and the folder signature used to detect changes.
std::string index_json(const std::vector<PackageIndexEntry>& files, std::size_t folder_json_files);

// Reads an .index.json file; std::nullopt when unreadable or malformed. When the index was
// written by healthdoc, `expected_json_files` must match its folder signature; an index written
// by another tool (the HL7 validator, SUSHI) is accepted when it is newer than the folder.
std::optional<std::vector<PackageIndexEntry>> read_index_file(const std::filesystem::path& index_file,
                                                              const std::filesystem::path& folder,
                                                              std::size_t expected_json_files);

// Number of *.json resource files directly in `folder` (package.json and .index.json excepted).
std::size_t count_json_files(const std::filesystem::path& folder);

// The index of the package folder `folder` (the .../<id>#<version>/package folder), read from
// <folder>/.index.json or <index_cache>/<id>#<version>.index.json when present and current,
// else built by scanning and written to the first of those two places that accepts it
// (atomically). Never throws for an unwritable place: the index then lives in memory only.
PackageIndex load_package_index(const std::filesystem::path& folder, const std::string& package_key,
                                const std::filesystem::path& index_cache);

// The default index cache folder: $XDG_CACHE_HOME/healthdoc/fhir-index, else
// ~/.cache/healthdoc/fhir-index.
std::filesystem::path default_index_cache();

// The bytes of the file at `path`; std::nullopt when it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& path);

} // namespace healthdoc::fhir
