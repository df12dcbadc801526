// A TypeProvider reading the StructureDefinitions of a FHIR package folder (package cache
// layout: <cache>/hl7.fhir.r4.core#4.0.1/package/StructureDefinition-<Type>.json). Each
// type's definition is parsed lazily, once, the first time it is asked for; only its kind,
// base and snapshot element paths/types/cardinalities are kept.
#pragma once

#include "fhir/fhirpath/type_provider.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace healthdoc::fhir::fhirpath {

class PackageTypeProvider : public TypeProvider {
public:
    // `package_dir` is the folder holding the StructureDefinition-*.json files. Nothing is
    // read until a type is asked for; a missing folder makes every lookup return nullptr.
    explicit PackageTypeProvider(std::filesystem::path package_dir);

    const TypeInfo* find_type(std::string_view name) const override;
    const ElementInfo* find_element(std::string_view path) const override;

    // The provider for `package_dir`, created once per process and shared by every caller.
    static std::shared_ptr<const PackageTypeProvider> shared(const std::filesystem::path& package_dir);

private:
    struct Entry {
        TypeInfo info;
        std::unordered_map<std::string, ElementInfo> elements;
    };
    // The entry of `name`, loading it on first use; nullptr when absent or not a type.
    const Entry* load(std::string_view name) const;

    std::filesystem::path m_dir;
    mutable std::mutex m_mutex;
    mutable std::map<std::string, std::unique_ptr<Entry>, std::less<>> m_entries; // null: known absent
};

} // namespace healthdoc::fhir::fhirpath
