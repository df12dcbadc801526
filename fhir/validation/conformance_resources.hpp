// The rules for a resource being validated that is itself a conformance resource, one file per
// kind (conformance_resources.cpp dispatches to them and holds the CapabilityStatement rules).
#pragma once

#include "fhir/validation/run.hpp"

#include <string>

namespace healthdoc::fhir::validation {

// Dispatches by resourceType (also declared in run.hpp, for the walker).
void check_conformance_resource(Run& run, const nlohmann::json& resource, const ResourceFrame& frame);

// structure_definition_checks.cpp
void check_structure_definition(Run& run, const nlohmann::json& definition, const std::string& path);
// search_parameter_checks.cpp
void check_search_parameter(Run& run, const nlohmann::json& parameter, const std::string& path);
// operation_definition_checks.cpp
void check_operation_definition(Run& run, const nlohmann::json& operation, const std::string& path);

} // namespace healthdoc::fhir::validation
