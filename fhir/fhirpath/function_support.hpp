// Internal helpers shared by the functions_*.cpp files of the FHIRPath engine.
#pragma once

#include "fhir/fhirpath/evaluator.hpp"

#include <optional>
#include <string>

namespace healthdoc::fhir::fhirpath {

// The single input item as a System value; std::nullopt when the input is empty (or a
// primitive without value); execution error when several items.
std::optional<Value> single_input(Evaluator& ev, const Collection& input, const Expr& call);

// The single input item as a String; std::nullopt when empty; semantic error when the item
// is not a String (startsWith() on an Identifier).
std::optional<std::string> string_input(Evaluator& ev, const Collection& input, const Expr& call);

// Argument `index` evaluated in the calling frame.
Collection argument(Evaluator& ev, const Expr& call, std::size_t index, const Frame& frame);
// Argument `index` as a single String / Integer; std::nullopt when empty; error otherwise.
std::optional<std::string> string_argument(Evaluator& ev, const Expr& call, std::size_t index, const Frame& frame);
std::optional<std::int64_t> integer_argument(Evaluator& ev, const Expr& call, std::size_t index, const Frame& frame);

// UTF-8 helpers: code points of `text`, and back.
std::u32string to_code_points(const std::string& text);
std::string to_utf8(const std::u32string& text);

inline Collection single(Value v) { return Collection{std::move(v)}; }
inline Collection boolean(bool b) { return Collection{Value(b)}; }

} // namespace healthdoc::fhir::fhirpath
