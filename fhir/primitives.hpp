// The value rules of the FHIR R4 primitive types ("Datatypes: primitive types"): the regular
// expression of each type as the core StructureDefinitions give it, ranges (integer,
// positiveInt, unsignedInt are 32-bit), the JSON type each one is written with (boolean,
// number, string), and the real calendar (no 2023-02-30). Pure functions, no definitions needed.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::fhir {

// Why `value` (as it appears in FHIR JSON; `written` is a number's text as written, or null)
// is not a valid value of the primitive `type` ("dateTime", "positiveInt", "code", ...), in one
// sentence that names the type and what is expected, without repeating the value; std::nullopt
// when it is valid. Unknown type names accept any string.
std::optional<std::string> primitive_problem(std::string_view type, const nlohmann::json& value,
                                             const std::string* written = nullptr);

// True when `type` is written as a JSON number (integer, decimal, positiveInt, unsignedInt,
// integer64 is a string in R4B+, not R4), boolean, or string in FHIR JSON.
enum class JsonPrimitiveKind { boolean, number, string };
JsonPrimitiveKind json_kind_of(std::string_view primitive_type);

} // namespace healthdoc::fhir
