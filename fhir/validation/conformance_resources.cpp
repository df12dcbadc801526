// The rules the reference validator applies when the resource being validated is itself a
// conformance resource (its StructureDefinitionValidator, SearchParameterValidator,
// CapabilityStatementValidator, OperationDefinitionValidator): this file dispatches by type and
// holds the CapabilityStatement rules; the others have a file each.
#include "fhir/validation/conformance_resources.hpp"
#include "fhir/validation/json_members.hpp"

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

// A searchParam of a CapabilityStatement must have the type of the SearchParameter it names.
void check_search_param_types(Run& run, const json& search_params, const std::string& path) {
    if (!search_params.is_array()) return;
    for (std::size_t i = 0; i < search_params.size(); ++i) {
        const json& param = search_params[i];
        const std::string definition = text_of(param, "definition");
        const std::string type = text_of(param, "type");
        if (definition.empty() || type.empty()) continue;
        const json* known = run.definitions.find("SearchParameter", definition);
        if (!known && definition.find('|') != std::string::npos)
            known = run.definitions.find("SearchParameter", definition.substr(0, definition.find('|')));
        if (!known) continue;
        const std::string defined_type = text_of(*known, "type");
        if (defined_type.empty() || defined_type == type) continue;
        std::string name = text_of(*known, "url");
        if (const std::string version = text_of(*known, "version"); !version.empty()) name += "|" + version;
        run.report(Severity::error, "fhir.conformance.search-param-type-mismatch",
                   "Type mismatch - SearchParameter '" + name + "' type is " + defined_type + ", but type here is " +
                       type + ".",
                   path + "[" + std::to_string(i) + "]", &param);
    }
}

void check_capability_statement(Run& run, const json& statement, const std::string& path) {
    auto rest = statement.find("rest");
    if (rest == statement.end() || !rest->is_array()) return;
    for (std::size_t r = 0; r < rest->size(); ++r) {
        const json& mode = (*rest)[r];
        if (!mode.is_object()) continue;
        const std::string mode_path = path + ".rest[" + std::to_string(r) + "]";
        if (auto params = mode.find("searchParam"); params != mode.end())
            check_search_param_types(run, *params, mode_path + ".searchParam");
        auto resources = mode.find("resource");
        if (resources == mode.end() || !resources->is_array()) continue;
        for (std::size_t i = 0; i < resources->size(); ++i) {
            const json& resource = (*resources)[i];
            if (!resource.is_object()) continue;
            if (auto params = resource.find("searchParam"); params != resource.end())
                check_search_param_types(run, *params, mode_path + ".resource[" + std::to_string(i) + "].searchParam");
        }
    }
}

} // namespace

void check_conformance_resource(Run& run, const json& resource, const ResourceFrame& frame) {
    const std::string type = text_of(resource, "resourceType");
    if (type == "StructureDefinition")
        check_structure_definition(run, resource, frame.path);
    else if (type == "SearchParameter")
        check_search_parameter(run, resource, frame.path);
    else if (type == "CapabilityStatement")
        check_capability_statement(run, resource, frame.path);
    else if (type == "OperationDefinition")
        check_operation_definition(run, resource, frame.path);
}

} // namespace healthdoc::fhir::validation
