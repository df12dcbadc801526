// The FHIRPath type model over a Definitions: every type a loaded StructureDefinition of
// derivation "specialization" defines (the core types, and the logical models and custom
// types of implementation guides). Each type's elements are read from its snapshot the first
// time the type is asked for.
#pragma once

#include "fhir/fhirpath/type_provider.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace healthdoc::fhir {

class Definitions;

class DefinitionsTypeProvider : public fhirpath::TypeProvider {
public:
    // `definitions` must outlive the provider (Definitions owns its own).
    explicit DefinitionsTypeProvider(const Definitions& definitions);

    const fhirpath::TypeInfo* find_type(std::string_view name) const override;
    const fhirpath::ElementInfo* find_element(std::string_view path) const override;

    // The type model of one StructureDefinition (with a snapshot): its TypeInfo and elements by
    // path ("Patient.contact.name"; choices without "[x]"). Slices are skipped.
    struct TypeModel {
        fhirpath::TypeInfo info;
        std::unordered_map<std::string, fhirpath::ElementInfo> elements;
    };
    static TypeModel read_type_model(const nlohmann::json& structure_definition, std::string_view type_name);

private:
    const TypeModel* load(std::string_view name) const;

    const Definitions& m_definitions;
    mutable std::mutex m_mutex;
    mutable std::map<std::string, std::unique_ptr<TypeModel>, std::less<>> m_models; // null: known absent
};

} // namespace healthdoc::fhir
