// Internal to the FHIRPath engine: the tree-walking evaluator shared by the operator and
// function implementations. Not for use outside fhir/fhirpath/.
#pragma once

#include "fhir/fhirpath/fhirpath.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace healthdoc::fhir::fhirpath {

// What $this, $index and $total refer to while evaluating a (sub)expression.
struct Frame {
    const Collection* focus = nullptr; // $this: the input of an iterating function, or the context
    std::int64_t index = 0;
    bool has_index = false;
    const Collection* total = nullptr; // aggregate()
};

class Evaluator {
public:
    Evaluator(const Environment& environment, const Collection& context, const Value* resource, const Value* root);

    // Evaluates `expr` in `frame`. Throws FhirPathError.
    Collection eval(const Expr& expr, const Frame& frame);
    // Evaluates `expr` with $this = `item` (and $index = `index`), as iterating functions do.
    Collection eval_on_item(const Expr& expr, const Value& item, std::int64_t index, const Frame& outer,
                            const Collection* total = nullptr);

    // Children named `name` of every node of `input` (value[x] resolved). `root`: the first
    // identifier of a path, which may also name the type of $this.
    Collection navigate(const Collection& input, const std::string& name, bool root, const Expr& where);
    // All child nodes of `item` in document order (children()).
    void append_children(const Value& item, Collection& out);

    // The boolean of a collection under singleton evaluation: empty -> nullopt, a Boolean ->
    // its value, another single item -> true; several items -> execution error.
    std::optional<bool> to_boolean(const Collection& items, const Expr& where);
    // The single item of `items`, nullptr when empty; error when several.
    const Value* singleton(const Collection& items, const Expr& where, const char* what);

    // True when `item` is of the type named `type_name` ("Quantity", "FHIR.Patient",
    // "System.Boolean"). `exact`: no subtypes for FHIR primitives (as/ofType). Throws a
    // semantic error for type names that exist neither in FHIR nor in System.
    bool is_type(const Value& item, const std::string& type_name, bool exact, const Expr& where);
    // The type name written in a function argument (is(Quantity), ofType(FHIR.Patient)).
    std::string type_argument(const Expr& arg);

    [[noreturn]] void fail(ErrorKind kind, const std::string& message, const Expr& where) const;
    // Errors when a collection grows past the configured bound.
    void check_size(std::size_t size, const Expr& where) const;

    const Environment& environment() const noexcept { return m_env; }
    const TypeProvider* types() const noexcept { return m_env.types; }
    const Collection& context() const noexcept { return m_context; }
    const Value* resource() const noexcept { return m_resource; }
    const Value* root_resource() const noexcept { return m_root; }
    // now() for this evaluation (same value for every call within it).
    const Temporal& now();

private:
    Collection eval_variable(const Expr& expr);
    Collection eval_binary(const Expr& expr, const Frame& frame);
    Collection eval_unary(const Expr& expr, const Frame& frame);
    Collection eval_call(const Expr& expr, const Frame& frame);
    // Appends the children; returns false when the node's type is known and has no such element.
    bool navigate_node(const Node& node, const std::string& name, Collection& out);
    void add_child(const Node& parent, const std::string& key, std::string type, std::string path, Collection& out);

    const Environment& m_env;
    const Collection& m_context;
    const Value* m_resource;
    const Value* m_root;
    std::size_t m_depth = 0;
    std::size_t m_steps = 0;
    std::optional<Temporal> m_now;
};

// Function implementations: `input` is the focus collection, `call.args` the unevaluated
// arguments, `frame` the frame the call appears in.
using FunctionImpl = Collection (*)(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame);

struct FunctionSpec {
    FunctionImpl impl = nullptr;
    int min_args = 0;
    int max_args = 0;
};

// The function named `name`, nullptr when there is none.
const FunctionSpec* find_function(std::string_view name);

// Registration hooks, one per functions_*.cpp file.
using FunctionTable = std::map<std::string, FunctionSpec, std::less<>>;
void register_existence_functions(FunctionTable& table);
void register_filtering_functions(FunctionTable& table);
void register_conversion_functions(FunctionTable& table);
void register_string_functions(FunctionTable& table);
void register_math_functions(FunctionTable& table);
void register_utility_functions(FunctionTable& table);
void register_fhir_functions(FunctionTable& table);

// Comparison primitives (compare.cpp), on items after FHIR primitives become System values.
// Equality: std::nullopt when unknown (date precisions, incomparable units).
std::optional<bool> items_equal(const Value& a, const Value& b);
bool items_equivalent(const Value& a, const Value& b);
// Ordering: std::nullopt when unknown; throws FhirPathError(execution) on incomparable types.
std::optional<int> items_compare(const Value& a, const Value& b);
std::optional<bool> collections_equal(const Collection& a, const Collection& b);
bool collections_equivalent(const Collection& a, const Collection& b);
// True when `items` holds an item equal to `item`.
bool contains_equal(const Collection& items, const Value& item);
// `items` without duplicates (first occurrence kept).
Collection distinct_items(const Collection& items);

// Arithmetic (arithmetic.cpp): op is "+", "-", "*", "/", "div", "mod", "&". Empty operands
// give empty; incompatible operands throw FhirPathError(execution).
Collection arithmetic(Evaluator& ev, const std::string& op, const Collection& lhs, const Collection& rhs, const Expr& where);

} // namespace healthdoc::fhir::fhirpath
