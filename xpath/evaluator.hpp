// Internal: evaluation of a compiled expression. One Evaluator per evaluate() call holds the
// per-evaluation state (local variable slots, document indexes met, depth guard), so compiled
// expressions stay immutable and evaluations can run on many threads at once.
#pragma once

#include "xpath/ast.hpp"
#include "xpath/nodes.hpp"

#include <optional>
#include <vector>

namespace healthdoc::xpath {

// The focus: context item, position (1-based) and size. `item` is null when absent.
struct Focus {
    const Item* item = nullptr;
    std::size_t position = 1;
    std::size_t size = 1;
};

// Largest sequence the engine builds (ranges, paths, concatenations): past it HDXP0001.
inline constexpr std::size_t k_max_sequence = 1'000'000;

class Evaluator {
public:
    Evaluator(const detail::Compiled& compiled, const DynamicContext& context);

    Sequence eval(const Expr& expr, const Focus& focus);
    // Effective boolean value, short-circuiting and/or, and avoiding materialising paths when
    // only existence matters.
    bool ebv(const Expr& expr, const Focus& focus);

    IndexLookup& index() { return m_index; }
    const DynamicContext& dynamic() const { return m_context; }
    const detail::Compiled& compiled() const { return m_compiled; }

    // Atomization (untyped nodes give xs:untypedAtomic).
    Atomic atomize(const Item& item);
    void atomize(const Sequence& sequence, std::vector<Atomic>& out);
    // The context node or XPDY0002/XPTY0004 if absent or not a node.
    const pugi::xpath_node& context_node(const Focus& focus, const Expr& at);
    // Filters `items` by all predicates of a step (for patterns).
    void apply_predicates_of(const Expr& step, Sequence& items);

private:
    Sequence eval_path(const Expr& expr, const Focus& focus);
    void eval_step(const Expr& step, const pugi::xpath_node& node, std::vector<pugi::xpath_node>& out);
    // descendant::x[@a = $key ...] through a value index; false when the step does not qualify.
    bool eval_keyed_descendants(const Expr& step, const pugi::xpath_node& node, std::vector<pugi::xpath_node>& out);
    void apply_predicates(const Expr& owner, std::size_t first, Sequence& items);
    Sequence eval_binding(const Expr& expr, const Focus& focus);
    bool eval_quantified(const Expr& expr, const Focus& focus, std::size_t clause);
    Sequence eval_set_operation(const Expr& expr, const Focus& focus);
    bool eval_general_compare(const Expr& expr, const Focus& focus);

    const detail::Compiled& m_compiled;
    const DynamicContext& m_context;
    IndexLookup m_index;
    std::vector<std::optional<Item>> m_locals;
    int m_depth = 0;
};

// True when `e` always yields a boolean or a node sequence (never a number), so that as a
// predicate it is a plain test and can be evaluated as an effective boolean value.
bool is_boolean_expression(const Expr& e);
// True when `e` calls position() or last() anywhere (conservative: nested focuses included).
bool uses_position(const Expr& e);
// True when a predicate of `step` may depend on the position of the node among those the step
// selects (a number, or a use of position()/last()).
bool has_positional_predicate(const Expr& step);

// Node test against one node (uses the index for namespaces).
bool matches_test(const NodeTest& test, const pugi::xpath_node& node, Axis axis, IndexLookup& index);
// Nodes of `axis` from `node`, in axis order (reverse document order for reverse axes), filtered
// by `test`; appended to `out`.
void walk_axis(Axis axis, const NodeTest& test, const pugi::xpath_node& node, IndexLookup& index,
               std::vector<pugi::xpath_node>& out);

} // namespace healthdoc::xpath
