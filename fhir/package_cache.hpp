// The FHIR package cache: the shared folder (~/.fhir/packages) in which the HL7 validator,
// SUSHI and healthdoc keep packages as <id>#<version>/package/...
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::fhir {

// The cache folder: `override` when given, else $HEALTHDOC_PACKAGE_CACHE, else ~/.fhir/packages.
std::filesystem::path package_cache_directory(const std::optional<std::string>& override = std::nullopt);

struct InstalledPackage {
    std::string id;
    std::string version;
    std::vector<std::string> fhir_versions;
    std::filesystem::path path; // the <id>#<version> folder
};

// Reads <folder>/package/package.json; std::nullopt when it is absent or unreadable.
std::optional<InstalledPackage> read_installed_package(const std::filesystem::path& folder);

// Packages in the cache, sorted by id then version.
std::vector<InstalledPackage> installed_packages(const std::optional<std::string>& override = std::nullopt);

// The installed package `id#version` ("id" alone: the highest version installed), or std::nullopt.
std::optional<InstalledPackage> find_package(std::string_view reference,
                                             const std::optional<std::string>& override = std::nullopt);

// True when `archive` (a .tgz) holds package/package.json, i.e. is an npm-layout FHIR package.
bool is_fhir_package_archive(std::string_view archive);

// Installs a FHIR package from its .tgz bytes into the cache: extracted into a temporary folder
// inside the cache, checked (package/package.json with name and version), then renamed to
// <id>#<version>, replacing a previous copy of the same id and version. Throws InputError for
// an archive that is not a FHIR package or is unsafe, OutputError when the cache is not writable.
InstalledPackage install_package_archive(std::string_view archive,
                                         const std::optional<std::string>& override = std::nullopt);

} // namespace healthdoc::fhir
