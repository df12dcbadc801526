// Internal: the compiled form of an expression. Names are resolved at compile time (namespace
// URIs in node tests, functions, variables to slots or external names), so evaluation never
// looks at prefixes.
#pragma once

#include "xpath/xpath.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace healthdoc::xpath {

struct FunctionDef;

enum class Axis : std::uint8_t {
    child,
    descendant,
    attribute,
    self,
    descendant_or_self,
    following_sibling,
    following,
    parent,
    ancestor,
    preceding_sibling,
    preceding,
    ancestor_or_self,
    namespace_,
};

inline bool is_reverse(Axis axis) {
    return axis == Axis::parent || axis == Axis::ancestor || axis == Axis::preceding_sibling ||
           axis == Axis::preceding || axis == Axis::ancestor_or_self;
}

struct NodeTest {
    enum class Kind : std::uint8_t { name, any_node, text, comment, pi, element, attribute, document };
    Kind kind = Kind::any_node;
    // For name tests and element(name)/attribute(name): wildcards or the expanded name.
    bool any_uri = true;
    bool any_local = true;
    std::string uri;
    std::string local;
    std::string pi_target; // processing-instruction('target'), "" for any
};

struct SequenceType {
    enum class Occurrence : std::uint8_t { one, optional, zero_or_more, one_or_more };
    enum class Kind : std::uint8_t { empty, item, atomic, node };
    Kind kind = Kind::item;
    Occurrence occurrence = Occurrence::one;
    Type atomic = Type::anyAtomicType;
    NodeTest node;
};

enum class Op : std::uint8_t {
    literal,
    empty,
    context_item,
    root,
    path,
    step,
    filter,
    variable,
    function,
    comma,
    range,
    for_,
    some,
    every,
    if_,
    or_,
    and_,
    general_compare,
    value_compare,
    node_is,
    node_before,
    node_after,
    add,
    subtract,
    multiply,
    divide,
    integer_divide,
    modulo,
    negate,
    unary_plus,
    union_,
    intersect,
    except,
    instance_of,
    treat_as,
    castable_as,
    cast_as,
};

enum class Compare : std::uint8_t { eq, ne, lt, le, gt, ge };

struct Expr {
    Op op = Op::empty;
    std::size_t offset = 0;
    std::vector<std::unique_ptr<Expr>> kids; // operands; for step/filter: [primary,] predicates
    // literal
    std::shared_ptr<const Atomic> constant; // shared with the items that return it
    // step
    Axis axis = Axis::child;
    NodeTest test;
    // variable / for / some / every: local slot, or -1 for an external variable `name`
    int slot = -1;
    std::string name;
    // function
    const FunctionDef* function = nullptr;
    // comparisons
    Compare compare = Compare::eq;
    // instance of / treat as / cast(able) as
    SequenceType type;
    int height = 1;
};

using ExprPtr = std::unique_ptr<Expr>;

namespace detail {
struct Compiled {
    std::string text;
    ExprPtr root;
    int slots = 0;
    StaticContext context; // namespaces for QName casts, base URI for doc()
    std::vector<std::string> variables_used;
};
} // namespace detail

// Parses and resolves `text`; throws Error with XPST codes and offsets.
std::unique_ptr<detail::Compiled> compile_expression(std::string_view text, const StaticContext& context);

} // namespace healthdoc::xpath
