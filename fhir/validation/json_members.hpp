// Reading members of a resource's JSON where a wrong JSON type counts as absent: the rule files
// of the validator read conformance and clinical resources that may be invalid themselves.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace healthdoc::fhir::validation {

// The string member `key` of `object`; empty when absent or not a string.
inline std::string text_of(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) return {};
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The array member `key` of `object`; nullptr when absent or not an array.
inline const nlohmann::json* array_of(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto found = object.find(key);
    return found != object.end() && found->is_array() ? &*found : nullptr;
}

} // namespace healthdoc::fhir::validation
