#include "fhir/package_cache.hpp"

#include "formats/archive.hpp"
#include "formats/errors.hpp"
#include "formats/ids.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace fs = std::filesystem;

namespace healthdoc::fhir {

fs::path package_cache_directory(const std::optional<std::string>& override) {
    if (override && !override->empty()) return fs::path(*override);
    if (const char* env = std::getenv("HEALTHDOC_PACKAGE_CACHE"); env && *env) return fs::path(env);
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : ".") / ".fhir" / "packages";
}

std::optional<InstalledPackage> read_installed_package(const fs::path& folder) {
    std::ifstream in(folder / "package" / "package.json");
    if (!in) return std::nullopt;
    auto manifest = nlohmann::json::parse(in, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object() || !manifest.contains("name") ||
        !manifest["name"].is_string() || !manifest.contains("version") || !manifest["version"].is_string())
        return std::nullopt;
    InstalledPackage package{manifest["name"], manifest["version"], {}, folder};
    if (auto it = manifest.find("fhirVersions"); it != manifest.end() && it->is_array())
        for (const auto& v : *it)
            if (v.is_string()) package.fhir_versions.push_back(v);
    return package;
}

std::vector<InstalledPackage> installed_packages(const std::optional<std::string>& override) {
    std::vector<InstalledPackage> packages;
    std::error_code ec;
    for (fs::directory_iterator it(package_cache_directory(override), ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        if (!it->is_directory() || name.find('#') == std::string::npos) continue;
        if (auto package = read_installed_package(it->path())) packages.push_back(std::move(*package));
    }
    std::sort(packages.begin(), packages.end(),
              [](const auto& a, const auto& b) { return std::tie(a.id, a.version) < std::tie(b.id, b.version); });
    return packages;
}

std::optional<InstalledPackage> find_package(std::string_view reference, const std::optional<std::string>& override) {
    auto hash = reference.find('#');
    std::string id(reference.substr(0, hash));
    std::optional<InstalledPackage> best;
    for (auto& package : installed_packages(override)) {
        if (package.id != id) continue;
        if (hash != std::string_view::npos) {
            if (package.version == reference.substr(hash + 1)) return package;
        } else {
            best = package; // sorted: the last one is the highest version (lexicographically)
        }
    }
    return best;
}

bool is_fhir_package_archive(std::string_view archive) {
    std::unique_ptr<struct archive, decltype(&archive_read_free)> reader(archive_read_new(), archive_read_free);
    archive_read_support_filter_gzip(reader.get());
    archive_read_support_format_tar(reader.get());
    if (archive_read_open_memory(reader.get(), archive.data(), archive.size()) != ARCHIVE_OK) return false;
    archive_entry* entry = nullptr;
    while (archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
        std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
        if (name == "package/package.json" || name == "./package/package.json") return true;
    }
    return false;
}

InstalledPackage install_package_archive(std::string_view archive, const std::optional<std::string>& override) {
    auto cache = package_cache_directory(override);
    std::error_code ec;
    fs::create_directories(cache, ec);
    if (ec) throw OutputError(cache.string() + ": cannot create the package cache: " + ec.message());
    // Extract beside the final place, so the final rename is atomic on the same file system.
    auto staging = cache / (".install-" + formats::random_uuid());
    struct Cleanup {
        fs::path path;
        ~Cleanup() {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    } cleanup{staging};
    formats::extract_archive(archive, staging);
    auto package = read_installed_package(staging);
    if (!package) throw InputError("not a FHIR package: package/package.json with a name and a version is missing");
    if (package->id.find_first_of("/\\#") != std::string::npos || package->version.find_first_of("/\\") != std::string::npos ||
        package->id.empty() || package->version.empty() || package->id.front() == '.')
        throw InputError("the package name or version in package/package.json is not usable as a folder name");
    auto target = cache / (package->id + "#" + package->version);
    auto old = cache / (".old-" + formats::random_uuid());
    if (fs::exists(target)) fs::rename(target, old, ec);
    fs::rename(staging, target, ec);
    if (ec) throw OutputError(target.string() + ": cannot install the package: " + ec.message());
    fs::remove_all(old, ec);
    package->path = target;
    return *package;
}

} // namespace healthdoc::fhir
