// Internal: the function library (fn:, xs: constructors, the XSLT functions schematron allows).
// Each functions_*.cpp adds its group to one table, looked up at compile time by expanded name
// and arity.
#pragma once

#include "xpath/evaluator.hpp"

#include <string_view>
#include <vector>

namespace healthdoc::xpath {

inline constexpr std::string_view k_fn_uri = "http://www.w3.org/2005/xpath-functions";
inline constexpr std::string_view k_xs_uri = "http://www.w3.org/2001/XMLSchema";

// Arguments are evaluated before the call. `call` is the function call node (offset, kids).
using FunctionImpl = Sequence (*)(Evaluator& ev, const Focus& focus, std::vector<Sequence>& args, const Expr& call);

struct FunctionDef {
    std::string_view uri;
    std::string_view name;
    int min_args;
    int max_args; // -1: variadic (concat)
    FunctionImpl impl;
};

// nullptr when unknown; `known_name` says whether the name exists with another arity.
const FunctionDef* find_function(std::string_view uri, std::string_view local, std::size_t arity, bool& known_name);

void add_string_functions(std::vector<FunctionDef>& table);
void add_sequence_functions(std::vector<FunctionDef>& table);
void add_numeric_functions(std::vector<FunctionDef>& table);
void add_node_functions(std::vector<FunctionDef>& table);
void add_document_functions(std::vector<FunctionDef>& table);
void add_datetime_functions(std::vector<FunctionDef>& table);
void add_misc_functions(std::vector<FunctionDef>& table);

// Argument helpers shared by the groups: atomize and check cardinality/type (XPTY0004).
const Atomic* optional_atomic(Evaluator& ev, Sequence& arg, std::vector<Atomic>& storage, const Expr& call);
// zero-or-one xs:string (untyped and anyURI accepted); "" for the empty sequence.
std::string string_arg(Evaluator& ev, Sequence& arg, const Expr& call);
bool is_empty_arg(const Sequence& arg);
Sequence single(Atomic value);

} // namespace healthdoc::xpath
