#include "fhir/definitions.hpp"

#include "fhir/definitions_type_provider.hpp"
#include "fhir/package_cache.hpp"
#include "fhir/package_index.hpp"
#include "fhir/snapshot.hpp"
#include "formats/archive.hpp"
#include "formats/errors.hpp"
#include "formats/ids.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace healthdoc::fhir {

namespace {

using nlohmann::json;

constexpr int added_priority_base = 1'000'000;
constexpr int max_dependency_depth = 32;

std::string string_or_empty(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool has_snapshot(const json& sd) {
    auto snapshot = sd.find("snapshot");
    if (snapshot == sd.end() || !snapshot->is_object()) return false;
    auto elements = snapshot->find("element");
    return elements != snapshot->end() && elements->is_array() && !elements->empty();
}

// hl7.fhir.r4.core, hl7.fhir.r5.core...: the core packages, of which one run loads one.
bool is_core_package_id(const std::string& id) {
    return id.size() > 13 && id.compare(0, 9, "hl7.fhir.") == 0 && id.compare(id.size() - 5, 5, ".core") == 0 &&
           id.find('.', 9) == id.size() - 5;
}

bool is_archive_reference(const std::string& reference) {
    auto ends_with = [&](std::string_view suffix) {
        return reference.size() >= suffix.size() &&
               reference.compare(reference.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    std::error_code ec;
    return ends_with(".tgz") || ends_with(".tar.gz") || fs::is_regular_file(reference, ec);
}

} // namespace

// One resource of the definitions: its index summary, parsed on first use.
struct DefinitionEntry {
    PackageIndexEntry summary;
    fs::path file; // empty for resources given through add()
    int priority = 0;
    std::once_flag parse_once;
    std::unique_ptr<json> resource; // null until parsed, or when unparsable
    // The StructureDefinition with a generated snapshot (guarded by the snapshot mutex).
    std::unique_ptr<json> snapshotted;
    bool snapshot_attempted = false;
};

struct Definitions::State {
    std::vector<LoadedPackage> packages;
    std::vector<std::unique_ptr<DefinitionEntry>> entries;
    // Highest priority first.
    std::unordered_map<std::string, std::vector<DefinitionEntry*>> by_url;
    // StructureDefinitions that define a type (derivation other than constraint), by type name.
    std::unordered_map<std::string, std::vector<DefinitionEntry*>> by_type;
    int next_priority = 0;
    int next_added_priority = added_priority_base;

    mutable std::mutex problems_mutex;
    formats::Diagnostics problems;
    std::set<std::string> reported;

    mutable std::recursive_mutex snapshot_mutex;
    std::set<const DefinitionEntry*> snapshot_in_progress;

    std::unique_ptr<DefinitionsTypeProvider> types;

    void report(formats::Severity severity, const std::string& rule, const std::string& message,
                const std::string& file = {}) {
        std::lock_guard lock(problems_mutex);
        if (!reported.insert(rule + "\n" + message + "\n" + file).second) return;
        problems.report(severity, rule, message, formats::Location{file, 0, 0, {}});
    }

    static void insert_sorted(std::vector<DefinitionEntry*>& list, DefinitionEntry* entry) {
        auto at = std::find_if(list.begin(), list.end(),
                               [&](const DefinitionEntry* other) { return other->priority < entry->priority; });
        list.insert(at, entry);
    }

    DefinitionEntry* add_entry(PackageIndexEntry summary, fs::path file, int priority) {
        auto entry = std::make_unique<DefinitionEntry>();
        entry->summary = std::move(summary);
        entry->file = std::move(file);
        entry->priority = priority;
        DefinitionEntry* raw = entry.get();
        entries.push_back(std::move(entry));
        if (!raw->summary.url.empty()) insert_sorted(by_url[raw->summary.url], raw);
        if (raw->summary.resource_type == "StructureDefinition" && raw->summary.derivation != "constraint" &&
            !raw->summary.type.empty()) {
            insert_sorted(by_type[raw->summary.type], raw);
            // Logical models of IGs name their type by URL; FHIRPath asks by the last segment.
            if (auto slash = raw->summary.type.rfind('/'); slash != std::string::npos)
                insert_sorted(by_type[raw->summary.type.substr(slash + 1)], raw);
        }
        return raw;
    }

    const json* parsed(DefinitionEntry& entry) const {
        std::call_once(entry.parse_once, [&] {
            if (entry.resource || entry.file.empty()) return;
            auto text = read_whole_file(entry.file);
            if (!text) {
                const_cast<State*>(this)->report(formats::Severity::warning, "fhir.definitions.unreadable-resource",
                                                 "A definition file of a package cannot be read.", entry.file.string());
                return;
            }
            auto resource = json::parse(*text, nullptr, false);
            if (resource.is_discarded() || !resource.is_object()) {
                const_cast<State*>(this)->report(formats::Severity::warning, "fhir.definitions.unreadable-resource",
                                                 "A definition file of a package is not valid JSON.",
                                                 entry.file.string());
                return;
            }
            entry.resource = std::make_unique<json>(std::move(resource));
        });
        return entry.resource.get();
    }

    DefinitionEntry* lookup(std::string_view resource_type, std::string_view canonical) const {
        std::string_view url = canonical;
        std::optional<std::string_view> version;
        if (auto bar = canonical.find('|'); bar != std::string_view::npos) {
            url = canonical.substr(0, bar);
            version = canonical.substr(bar + 1);
        }
        auto found = by_url.find(std::string(url));
        if (found == by_url.end()) return nullptr;
        for (DefinitionEntry* entry : found->second) {
            if (!resource_type.empty() && entry->summary.resource_type != resource_type) continue;
            if (version && !version->empty() && entry->summary.version != *version) continue;
            if (parsed(*entry)) return entry;
        }
        return nullptr;
    }

    void load_package_folder(const InstalledPackage& package, const fs::path& index_cache) {
        const fs::path folder = package.path / "package";
        auto index = load_package_index(folder, package.id + "#" + package.version, index_cache);
        const int priority = next_priority++;
        LoadedPackage loaded{package.id, package.version, folder, 0};
        for (auto& summary : index.files) {
            if (summary.url.empty()) continue; // examples and other instances are not definitions
            fs::path file = folder / summary.filename;
            add_entry(std::move(summary), std::move(file), priority);
            ++loaded.resources;
        }
        packages.push_back(std::move(loaded));
    }

    bool is_loaded(const std::string& id) const {
        return std::any_of(packages.begin(), packages.end(), [&](const LoadedPackage& p) { return p.id == id; });
    }

    // Loads `package` after its dependencies (so that it outranks them).
    void load_with_dependencies(const InstalledPackage& package, const DefinitionsOptions& options,
                                const fs::path& index_cache, formats::Diagnostics& setup, int depth) {
        if (is_loaded(package.id) || depth > max_dependency_depth) return;
        auto text = read_whole_file(package.path / "package" / "package.json");
        json manifest = text ? json::parse(*text, nullptr, false) : json();
        if (manifest.is_object())
            if (auto deps = manifest.find("dependencies"); deps != manifest.end() && deps->is_object()) {
                for (const auto& [id, version_value] : deps->items()) {
                    if (is_loaded(id)) continue;
                    std::string version = version_value.is_string() ? version_value.get<std::string>() : "";
                    if (is_core_package_id(id)) {
                        // Another FHIR version's core package: its definitions would clash with ours.
                        setup.report(formats::Severity::warning, "fhir.package.fhir-version-mismatch",
                                     "The package " + package.id + "#" + package.version + " depends on " + id + "#" +
                                         version + ", the core package of another FHIR version; it is not loaded.");
                        continue;
                    }
                    auto dependency = find_package(id + "#" + version, options.package_cache);
                    if (!dependency) dependency = find_package(id, options.package_cache);
                    if (!dependency) {
                        setup.report(formats::Severity::warning, "fhir.package.missing-dependency",
                                     "The package " + package.id + "#" + package.version + " depends on " + id + "#" +
                                         version + ", which is not in the package cache.");
                        continue;
                    }
                    load_with_dependencies(*dependency, options, index_cache, setup, depth + 1);
                }
            }
        if (!is_loaded(package.id)) load_package_folder(package, index_cache);
    }
};

// A .tgz package given with --ig: extracted into the index cache under <id>#<version>.
static InstalledPackage extract_package_archive(const std::string& archive_path, const fs::path& index_cache) {
    auto bytes = read_whole_file(archive_path);
    if (!bytes) throw UsageError(archive_path + ": cannot read the implementation guide package");
    std::error_code ec;
    fs::create_directories(index_cache, ec);
    if (ec) throw OutputError(index_cache.string() + ": cannot create the index cache: " + ec.message());
    const fs::path staging = index_cache / (".extract-" + formats::random_uuid());
    struct Cleanup {
        fs::path path;
        ~Cleanup() {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    } cleanup{staging};
    formats::extract_archive(*bytes, staging);
    auto package = read_installed_package(staging);
    if (!package)
        throw InputError(archive_path +
                         ": not a FHIR package (package/package.json with a name and a version is missing)");
    if (package->id.empty() || package->version.empty() || package->id.front() == '.' ||
        package->id.find_first_of("/\\#") != std::string::npos ||
        package->version.find_first_of("/\\") != std::string::npos)
        throw InputError(archive_path + ": the package name or version is not usable as a folder name");
    const fs::path target = index_cache / (package->id + "#" + package->version);
    const fs::path old = index_cache / (".old-" + formats::random_uuid());
    if (fs::exists(target, ec)) fs::rename(target, old, ec);
    ec.clear();
    fs::rename(staging, target, ec);
    if (ec) throw OutputError(target.string() + ": cannot extract the package: " + ec.message());
    fs::remove_all(old, ec);
    package->path = target;
    return *package;
}

Definitions::Definitions() : m_state(std::make_unique<State>()) {
    m_state->types = std::make_unique<DefinitionsTypeProvider>(*this);
}

Definitions::~Definitions() = default;

std::shared_ptr<Definitions> Definitions::empty() { return std::shared_ptr<Definitions>(new Definitions()); }

std::shared_ptr<Definitions> Definitions::load(const DefinitionsOptions& options, formats::Diagnostics& setup) {
    auto definitions = empty();
    State& state = *definitions->m_state;
    const fs::path cache = package_cache_directory(options.package_cache);
    const fs::path index_cache = options.index_cache ? fs::path(*options.index_cache) : default_index_cache();
    const std::string cache_option = cache.string();

    auto core = find_package(options.core, cache_option);
    if (!core)
        throw UsageError("the FHIR core package " + options.core + " is not in the package cache " + cache.string() +
                         "; install it with `healthdoc packages install " + options.core + "`");
    state.load_package_folder(*core, index_cache);

    DefinitionsOptions resolved = options;
    resolved.package_cache = cache_option;
    for (const auto& reference : options.implementation_guides) {
        std::optional<InstalledPackage> guide;
        if (is_archive_reference(reference))
            guide = extract_package_archive(reference, index_cache);
        else
            guide = find_package(reference, cache_option);
        if (!guide)
            throw UsageError("the implementation guide " + reference + " is not in the package cache " +
                             cache.string() + "; install it with `healthdoc packages install " + reference + "`");
        state.load_with_dependencies(*guide, resolved, index_cache, setup, 0);
    }
    return definitions;
}

void Definitions::add(nlohmann::json resource) {
    if (!resource.is_object()) return;
    PackageIndexEntry summary;
    summary.resource_type = string_or_empty(resource, "resourceType");
    summary.id = string_or_empty(resource, "id");
    summary.url = string_or_empty(resource, "url");
    summary.version = string_or_empty(resource, "version");
    summary.name = string_or_empty(resource, "name");
    summary.type = string_or_empty(resource, "type");
    summary.kind = string_or_empty(resource, "kind");
    summary.derivation = string_or_empty(resource, "derivation");
    summary.base_definition = string_or_empty(resource, "baseDefinition");
    if (summary.resource_type.empty()) return;
    DefinitionEntry* entry = m_state->add_entry(std::move(summary), {}, m_state->next_added_priority++);
    entry->resource = std::make_unique<json>(std::move(resource));
}

const nlohmann::json* Definitions::find(std::string_view url) const { return find({}, url); }

const nlohmann::json* Definitions::find(std::string_view resource_type, std::string_view url) const {
    DefinitionEntry* entry = m_state->lookup(resource_type, url);
    return entry ? entry->resource.get() : nullptr;
}

const nlohmann::json* Definitions::type_definition(std::string_view type_name) const {
    auto found = m_state->by_type.find(std::string(type_name));
    if (found == m_state->by_type.end()) return nullptr;
    for (DefinitionEntry* entry : found->second)
        if (m_state->parsed(*entry)) return with_snapshot(*entry);
    return nullptr;
}

const nlohmann::json* Definitions::structure_definition(std::string_view url_or_type) const {
    DefinitionEntry* entry = nullptr;
    if (url_or_type.find('/') == std::string_view::npos && url_or_type.find(':') == std::string_view::npos) {
        if (const json* type = type_definition(url_or_type)) return type;
        entry = m_state->lookup("StructureDefinition",
                                "http://hl7.org/fhir/StructureDefinition/" + std::string(url_or_type));
    } else {
        entry = m_state->lookup("StructureDefinition", url_or_type);
    }
    return entry ? with_snapshot(*entry) : nullptr;
}

const nlohmann::json* Definitions::with_snapshot(DefinitionEntry& entry) const {
    const json* sd = entry.resource.get();
    if (!sd || has_snapshot(*sd)) return sd;
    State& state = *m_state;
    std::lock_guard lock(state.snapshot_mutex);
    if (entry.snapshot_attempted) return entry.snapshotted ? entry.snapshotted.get() : sd;
    const std::string url = entry.summary.url;
    if (state.snapshot_in_progress.count(&entry)) {
        state.report(formats::Severity::error, "fhir.snapshot.circular-base",
                     "The StructureDefinition " + url + " derives from itself through its base definitions.");
        return nullptr;
    }
    state.snapshot_in_progress.insert(&entry);
    struct Done {
        State& state;
        DefinitionEntry& entry;
        ~Done() {
            state.snapshot_in_progress.erase(&entry);
            entry.snapshot_attempted = true;
        }
    } done{state, entry};
    formats::Diagnostics problems;
    auto generated = generate_snapshot(
        *sd, [this](std::string_view canonical) { return structure_definition(canonical); }, problems);
    for (const auto& problem : problems.items())
        state.report(problem.severity, problem.rule, problem.message,
                     problem.location.file.empty() ? url : problem.location.file);
    if (generated) entry.snapshotted = std::make_unique<json>(std::move(*generated));
    return entry.snapshotted ? entry.snapshotted.get() : sd;
}

const fhirpath::TypeProvider& Definitions::types() const { return *m_state->types; }

const std::vector<LoadedPackage>& Definitions::packages() const { return m_state->packages; }

formats::Diagnostics Definitions::problems() const {
    std::lock_guard lock(m_state->problems_mutex);
    return m_state->problems;
}

} // namespace healthdoc::fhir
