// The FHIR definitions a run works with: the core package (hl7.fhir.r4.core#4.0.1), the
// implementation guides named with --ig and their dependencies, all from the package cache,
// plus loose conformance resources (profiles, value sets) given as files. Resources are found
// by canonical URL (url, or url|version) through a compact index built once per package and
// cached beside it (or in the user's cache folder when the package folder is read-only); each
// resource is parsed the first time it is asked for, so start-up reads no StructureDefinition.
#pragma once

#include "fhir/fhirpath/type_provider.hpp"
#include "formats/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::fhir {

struct DefinitionEntry;

struct DefinitionsOptions {
    std::optional<std::string> package_cache; // --package-cache DIR (else $HEALTHDOC_PACKAGE_CACHE, ~/.fhir/packages)
    std::string core = "hl7.fhir.r4.core#4.0.1"; // the core package, id#version
    std::vector<std::string>
        implementation_guides; // --ig: id#version (from the cache), id (highest installed), or a .tgz file
    // Where package indexes are written when a package folder is read-only
    // (default $XDG_CACHE_HOME/healthdoc/fhir-index, else ~/.cache/healthdoc/fhir-index).
    std::optional<std::string> index_cache;
};

// One package loaded, for --verbose and reports.
struct LoadedPackage {
    std::string id, version;
    std::filesystem::path folder; // .../<id>#<version>/package
    std::size_t resources = 0;    // conformance resources indexed
};

class Definitions {
public:
    // Loads the core package, then each IG and its dependencies (package.json "dependencies",
    // found in the cache; a missing dependency is a warning fhir.package.missing-dependency in
    // `setup`). Throws UsageError when the core package or a named IG is not found, naming the
    // cache folder and `healthdoc packages install`.
    static std::shared_ptr<Definitions> load(const DefinitionsOptions& options, formats::Diagnostics& setup);

    // Definitions holding only what is given through add(): for tests.
    static std::shared_ptr<Definitions> empty();

    // Adds a conformance resource (StructureDefinition, ValueSet, CodeSystem, ...) read from a
    // file; it takes precedence over packaged resources with the same canonical URL. Not
    // thread-safe: call before using the definitions from several threads.
    void add(nlohmann::json resource);

    // The resource with canonical `url` (optionally "url|version"); nullptr when unknown.
    // Thread-safe; pointers stay valid as long as the Definitions live.
    const nlohmann::json* find(std::string_view url) const;
    // Same, restricted to one resource type ("ValueSet", "CodeSystem").
    const nlohmann::json* find(std::string_view resource_type, std::string_view url) const;

    // The StructureDefinition with canonical `url_or_type` ("http://hl7.org/fhir/StructureDefinition/Patient",
    // or a bare type name "Patient"), always with a snapshot: a definition published without
    // one gets a snapshot generated from its differential and its base (reported once into the
    // setup diagnostics as fhir.snapshot.* when the differential cannot be applied). nullptr
    // when unknown.
    const nlohmann::json* structure_definition(std::string_view url_or_type) const;

    // The StructureDefinition that defines the type `type_name` ("Patient", "HumanName", or a
    // logical model's type), i.e. of derivation "specialization" (or none, as Element and
    // Resource), with a snapshot; nullptr when no loaded definition defines it.
    const nlohmann::json* type_definition(std::string_view type_name) const;

    // The type model of every type defined in the loaded packages and added resources, for
    // FHIRPath and the XML <-> JSON conversion.
    const fhirpath::TypeProvider& types() const;

    const std::vector<LoadedPackage>& packages() const;
    // Problems met lazily (a definition that does not parse, a snapshot that cannot be
    // generated), each reported once; safe to call at the end of a run.
    formats::Diagnostics problems() const;

    ~Definitions();
    Definitions(const Definitions&) = delete;
    Definitions& operator=(const Definitions&) = delete;

private:
    Definitions();
    const nlohmann::json* with_snapshot(DefinitionEntry& entry) const;
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace healthdoc::fhir
