// Evaluation of the expression tree: paths, predicates, operators, bindings.
#include "xpath/evaluator.hpp"

#include "xpath/atomic_ops.hpp"
#include "xpath/functions.hpp"
#include "xpath/sequence_type.hpp"

#include <algorithm>
#include <cstring>

namespace healthdoc::xpath {
namespace {

constexpr int k_max_eval_depth = 2000;

struct DepthGuard {
    int& depth;
    explicit DepthGuard(int& d) : depth(d) {
        if (++depth > k_max_eval_depth) throw Error("HDXP0001", "evaluation nested too deeply");
    }
    ~DepthGuard() { --depth; }
};

void check_size(std::size_t size) {
    if (size > k_max_sequence)
        throw Error("HDXP0001", "sequence larger than " + std::to_string(k_max_sequence) + " items");
}

bool all_nodes(const Sequence& s) {
    return std::all_of(s.begin(), s.end(), [](const Item& i) { return i.is_node(); });
}

} // namespace

bool uses_position(const Expr& e) {
    if (e.op == Op::function && e.function && e.function->uri == k_fn_uri &&
        (e.function->name == "position" || e.function->name == "last"))
        return true;
    for (auto& k : e.kids)
        if (uses_position(*k)) return true;
    return false;
}

bool has_positional_predicate(const Expr& step) {
    for (auto& pred : step.kids)
        if (!is_boolean_expression(*pred) || uses_position(*pred)) return true;
    return false;
}

bool is_boolean_expression(const Expr& e) {
    switch (e.op) {
    case Op::general_compare:
    case Op::value_compare:
    case Op::and_:
    case Op::or_:
    case Op::node_is:
    case Op::node_before:
    case Op::node_after:
    case Op::instance_of:
    case Op::castable_as:
    case Op::some:
    case Op::every:
    case Op::step: return true;
    case Op::path: return e.kids.back()->op == Op::step; // ends in an axis step: nodes
    case Op::function:
        return e.function && e.function->uri == k_fn_uri &&
               (e.function->name == "not" || e.function->name == "exists" || e.function->name == "empty" ||
                e.function->name == "boolean" || e.function->name == "true" || e.function->name == "false" ||
                e.function->name == "contains" || e.function->name == "starts-with" ||
                e.function->name == "ends-with" || e.function->name == "matches");
    default: return false;
    }
}

namespace {

bool is_fn(const Expr& e, const char* name) {
    return e.op == Op::function && e.function && e.function->uri == k_fn_uri && e.function->name == name;
}

} // namespace

Evaluator::Evaluator(const detail::Compiled& compiled, const DynamicContext& context)
    : m_compiled(compiled), m_context(context), m_locals(static_cast<std::size_t>(compiled.slots)) {}

Atomic Evaluator::atomize(const Item& item) {
    if (!item.is_node()) return item.atomic();
    return Atomic::untyped(node_string_value(item.node()));
}

void Evaluator::atomize(const Sequence& sequence, std::vector<Atomic>& out) {
    for (const auto& item : sequence) out.push_back(atomize(item));
}

const pugi::xpath_node& Evaluator::context_node(const Focus& focus, const Expr& at) {
    if (!focus.item) throw Error("XPDY0002", "the context item is absent", at.offset);
    if (!focus.item->is_node()) throw Error("XPTY0020", "the context item is not a node", at.offset);
    return focus.item->node();
}

namespace {

// Axes whose results from one node never contain a node and its ancestor.
bool keeps_unrelated(Axis axis) {
    return axis == Axis::child || axis == Axis::attribute || axis == Axis::self || axis == Axis::parent ||
           axis == Axis::following_sibling || axis == Axis::preceding_sibling;
}

} // namespace

Sequence Evaluator::eval_path(const Expr& expr, const Focus& focus) {
    std::vector<pugi::xpath_node> nodes;
    // `flat`: nodes are in document order, distinct, and none is an ancestor of another. Then
    // child and attribute steps give results already in document order: no sort needed.
    bool flat = true;
    std::size_t first = 0;
    const Expr& head = *expr.kids[0];
    if (head.op == Op::root) {
        nodes.emplace_back(root_of(context_node(focus, head)));
        first = 1;
    } else if (head.op == Op::step) {
        eval_step(head, context_node(focus, head), nodes);
        if (is_reverse(head.axis)) std::reverse(nodes.begin(), nodes.end());
        flat = keeps_unrelated(head.axis);
        first = 1;
    }
    if (first == 0) {
        Sequence s = eval(head, focus);
        if (!all_nodes(s))
            throw Error("XPTY0019", "a path step other than the last returned atomic values", head.offset);
        for (auto& item : s) nodes.push_back(item.node());
        m_index.sort_unique(nodes);
        flat = nodes.size() < 2;
        first = 1;
    }
    for (std::size_t i = first; i < expr.kids.size(); ++i) {
        const Expr& step = *expr.kids[i];
        bool last = i + 1 == expr.kids.size();
        if (step.op == Op::step) {
            std::vector<pugi::xpath_node> out;
            for (const auto& n : nodes) eval_step(step, n, out);
            check_size(out.size());
            // Children (attributes, self) of unrelated nodes in order are unrelated and in order.
            bool downward = step.axis == Axis::child || step.axis == Axis::attribute || step.axis == Axis::self;
            bool ordered_by_construction = flat && downward;
            if (nodes.size() > 1 && !ordered_by_construction)
                m_index.sort_unique(out);
            else if (nodes.size() == 1 && is_reverse(step.axis))
                std::reverse(out.begin(), out.end());
            flat = nodes.size() == 1 ? keeps_unrelated(step.axis) : flat && downward;
            nodes.swap(out);
            continue;
        }
        // A filter expression as a step (a/string(), a/xs:decimal(@v), a/(b|c)).
        Sequence out;
        for (std::size_t k = 0; k < nodes.size(); ++k) {
            Item item(nodes[k]);
            Focus f{&item, k + 1, nodes.size()};
            Sequence r = eval(step, f);
            out.insert(out.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
            check_size(out.size());
        }
        bool nodes_only = all_nodes(out);
        if (!nodes_only) {
            if (!last) throw Error("XPTY0019", "a path step other than the last returned atomic values", step.offset);
            if (std::any_of(out.begin(), out.end(), [](const Item& it) { return it.is_node(); }))
                throw Error("XPTY0018", "the last step of a path mixes nodes and atomic values", step.offset);
            return out;
        }
        nodes.clear();
        for (auto& item : out) nodes.push_back(item.node());
        m_index.sort_unique(nodes);
        flat = nodes.size() < 2;
    }
    return Sequence(nodes.begin(), nodes.end());
}

void Evaluator::eval_step(const Expr& step, const pugi::xpath_node& node, std::vector<pugi::xpath_node>& out) {
    if (step.axis == Axis::descendant && !step.kids.empty() && eval_keyed_descendants(step, node, out)) return;
    std::size_t start = out.size();
    walk_axis(step.axis, step.test, node, m_index, out);
    if (!step.kids.empty()) {
        Sequence items(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
        apply_predicates(step, 0, items);
        out.resize(start);
        for (auto& item : items) out.push_back(item.node());
    }
}

void Evaluator::apply_predicates(const Expr& owner, std::size_t first, Sequence& items) {
    for (std::size_t p = first; p < owner.kids.size() && !items.empty(); ++p) {
        const Expr& pred = *owner.kids[p];
        if (pred.op == Op::literal && is_numeric(pred.constant->type())) {
            double position = to_double(*pred.constant);
            Sequence kept;
            if (position >= 1 && position <= static_cast<double>(items.size()) &&
                position == static_cast<std::size_t>(position))
                kept.push_back(std::move(items[static_cast<std::size_t>(position) - 1]));
            items.swap(kept);
            continue;
        }
        Sequence kept;
        const bool boolean = is_boolean_expression(pred);
        for (std::size_t i = 0; i < items.size(); ++i) {
            Focus f{&items[i], i + 1, items.size()};
            bool keep;
            if (boolean) {
                keep = ebv(pred, f);
            } else {
                Sequence r = eval(pred, f);
                if (r.size() == 1 && !r[0].is_node() && is_numeric(r[0].atomic().type()))
                    keep = to_double(r[0].atomic()) == static_cast<double>(i + 1);
                else
                    keep = effective_boolean_value(r);
            }
            if (keep) kept.push_back(items[i]);
        }
        items.swap(kept);
    }
}

Sequence Evaluator::eval_binding(const Expr& expr, const Focus& focus) {
    Sequence in = eval(*expr.kids[0], focus);
    Sequence out;
    for (auto& item : in) {
        m_locals[static_cast<std::size_t>(expr.slot)] = item;
        Sequence r = eval(*expr.kids[1], focus);
        out.insert(out.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
        check_size(out.size());
    }
    return out;
}

bool Evaluator::eval_quantified(const Expr& expr, const Focus& focus, std::size_t) {
    Sequence in = eval(*expr.kids[0], focus);
    bool some = expr.op == Op::some;
    for (auto& item : in) {
        m_locals[static_cast<std::size_t>(expr.slot)] = item;
        if (ebv(*expr.kids[1], focus) == some) return some;
    }
    return !some;
}

Sequence Evaluator::eval_set_operation(const Expr& expr, const Focus& focus) {
    Sequence a = eval(*expr.kids[0], focus), b = eval(*expr.kids[1], focus);
    if (!all_nodes(a) || !all_nodes(b))
        throw Error("XPTY0004", "union, intersect and except need node sequences", expr.offset);
    std::vector<pugi::xpath_node> nodes;
    if (expr.op == Op::union_) {
        for (auto& i : a) nodes.push_back(i.node());
        for (auto& i : b) nodes.push_back(i.node());
    } else {
        std::vector<const void*> right;
        for (auto& i : b) right.push_back(identity(i.node()));
        std::sort(right.begin(), right.end());
        bool keep_common = expr.op == Op::intersect;
        for (auto& i : a)
            if (std::binary_search(right.begin(), right.end(), identity(i.node())) == keep_common)
                nodes.push_back(i.node());
    }
    m_index.sort_unique(nodes);
    return Sequence(nodes.begin(), nodes.end());
}

bool Evaluator::eval_general_compare(const Expr& expr, const Focus& focus) {
    Sequence a = eval(*expr.kids[0], focus);
    if (a.empty()) return false;
    const Expr& right = *expr.kids[1];
    Sequence b = right.op == Op::literal ? Sequence{Item(right.constant)} : eval(right, focus);
    if (b.empty()) return false;
    // Fast path: nodes = 'string' compares string values without building atomic values.
    if ((expr.compare == Compare::eq || expr.compare == Compare::ne) && b.size() == 1 && !b[0].is_node() &&
        derives_from(b[0].atomic().type(), Type::string)) {
        const std::string& literal = b[0].atomic().str();
        bool want_equal = expr.compare == Compare::eq;
        bool all_node = true;
        std::string buffer;
        for (auto& item : a) {
            if (!item.is_node()) {
                all_node = false;
                break;
            }
            bool equal;
            if (item.node().attribute()) {
                equal = literal == item.node().attribute().value();
            } else {
                buffer.clear();
                append_string_value(item.node(), buffer);
                equal = literal == buffer;
            }
            if (equal == want_equal) return true;
        }
        if (all_node) return false;
    }
    std::vector<Atomic> x, y;
    atomize(a, x);
    atomize(b, y);
    for (auto& p : x)
        for (auto& q : y)
            if (general_compare_pair(p, q, expr.compare)) return true;
    return false;
}

bool Evaluator::ebv(const Expr& expr, const Focus& focus) {
    DepthGuard guard(m_depth);
    switch (expr.op) {
    case Op::and_: return ebv(*expr.kids[0], focus) && ebv(*expr.kids[1], focus);
    case Op::or_: return ebv(*expr.kids[0], focus) || ebv(*expr.kids[1], focus);
    case Op::general_compare: return eval_general_compare(expr, focus);
    case Op::some:
    case Op::every: return eval_quantified(expr, focus, 0);
    case Op::union_:
        // Non-empty as soon as one side is: no need to evaluate the rest nor sort.
        for (auto& side : expr.kids) {
            Sequence s = eval(*side, focus);
            if (!all_nodes(s)) throw Error("XPTY0004", "union needs node sequences", expr.offset);
            if (!s.empty()) return true;
        }
        return false;
    case Op::function:
        if (is_fn(expr, "not")) return !ebv(*expr.kids[0], focus);
        if (is_fn(expr, "boolean")) return ebv(*expr.kids[0], focus);
        if (is_fn(expr, "exists")) return !eval(*expr.kids[0], focus).empty();
        if (is_fn(expr, "empty")) return eval(*expr.kids[0], focus).empty();
        break;
    default: break;
    }
    return effective_boolean_value(eval(expr, focus));
}

Sequence Evaluator::eval(const Expr& expr, const Focus& focus) {
    DepthGuard guard(m_depth);
    switch (expr.op) {
    case Op::literal: return {Item(expr.constant)};
    case Op::empty: return {};
    case Op::context_item:
        if (!focus.item) throw Error("XPDY0002", "the context item is absent", expr.offset);
        return {*focus.item};
    case Op::root: return {pugi::xpath_node(root_of(context_node(focus, expr)))};
    case Op::path: return eval_path(expr, focus);
    case Op::step: {
        std::vector<pugi::xpath_node> out;
        eval_step(expr, context_node(focus, expr), out);
        if (is_reverse(expr.axis)) std::reverse(out.begin(), out.end());
        return Sequence(out.begin(), out.end());
    }
    case Op::filter: {
        Sequence s = eval(*expr.kids[0], focus);
        apply_predicates(expr, 1, s);
        return s;
    }
    case Op::variable: {
        if (expr.slot >= 0) {
            const auto& value = m_locals[static_cast<std::size_t>(expr.slot)];
            if (!value) throw Error("XPDY0002", "variable $" + expr.name + " used before binding", expr.offset);
            return {*value};
        }
        const Variables* vars = m_context.variables;
        auto it = vars ? vars->find(expr.name) : Variables::const_iterator{};
        if (!vars || it == vars->end())
            throw Error("XPDY0002", "variable $" + expr.name + " is not bound", expr.offset);
        return it->second;
    }
    case Op::function: {
        std::vector<Sequence> args;
        args.reserve(expr.kids.size());
        for (auto& k : expr.kids) args.push_back(eval(*k, focus));
        return expr.function->impl(*this, focus, args, expr);
    }
    case Op::comma: {
        Sequence out;
        for (auto& k : expr.kids) {
            Sequence r = eval(*k, focus);
            out.insert(out.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
            check_size(out.size());
        }
        return out;
    }
    case Op::range: {
        std::vector<Atomic> a, b;
        atomize(eval(*expr.kids[0], focus), a);
        atomize(eval(*expr.kids[1], focus), b);
        if (a.empty() || b.empty()) return {};
        if (a.size() > 1 || b.size() > 1) throw Error("XPTY0004", "range bounds must be single integers", expr.offset);
        auto lo = cast(a[0], Type::integer).integer_value(), hi = cast(b[0], Type::integer).integer_value();
        if (!is_numeric(a[0].type()) && a[0].type() != Type::untypedAtomic)
            throw Error("XPTY0004", "range bounds must be integers", expr.offset);
        if (lo > hi) return {};
        if (static_cast<unsigned long long>(hi) - static_cast<unsigned long long>(lo) >= k_max_sequence)
            throw Error("HDXP0001", "range too large", expr.offset);
        Sequence out;
        out.reserve(static_cast<std::size_t>(hi - lo + 1));
        for (auto v = lo; v <= hi; ++v) out.emplace_back(Atomic::integer(v));
        return out;
    }
    case Op::for_: return eval_binding(expr, focus);
    case Op::some:
    case Op::every:
    case Op::or_:
    case Op::and_:
    case Op::general_compare: return {Atomic::boolean(ebv(expr, focus))};
    case Op::if_: return ebv(*expr.kids[0], focus) ? eval(*expr.kids[1], focus) : eval(*expr.kids[2], focus);
    case Op::value_compare: {
        std::vector<Atomic> a, b;
        atomize(eval(*expr.kids[0], focus), a);
        if (a.empty()) return {};
        atomize(eval(*expr.kids[1], focus), b);
        if (b.empty()) return {};
        if (a.size() > 1 || b.size() > 1)
            throw Error("XPTY0004", "value comparison of a sequence of more than one item", expr.offset);
        for (auto* v : {&a[0], &b[0]})
            if (v->type() == Type::untypedAtomic) *v = Atomic::string(v->str());
        return {Atomic::boolean(value_compare(a[0], b[0], expr.compare))};
    }
    case Op::node_is:
    case Op::node_before:
    case Op::node_after: {
        Sequence a = eval(*expr.kids[0], focus), b = eval(*expr.kids[1], focus);
        if (a.empty() || b.empty()) return {};
        if (a.size() > 1 || b.size() > 1 || !a[0].is_node() || !b[0].is_node())
            throw Error("XPTY0004", "node comparison needs single nodes", expr.offset);
        bool r = expr.op == Op::node_is       ? identity(a[0].node()) == identity(b[0].node())
                 : expr.op == Op::node_before ? m_index.before(a[0].node(), b[0].node())
                                              : m_index.before(b[0].node(), a[0].node());
        return {Atomic::boolean(r)};
    }
    case Op::add:
    case Op::subtract:
    case Op::multiply:
    case Op::divide:
    case Op::integer_divide:
    case Op::modulo: {
        std::vector<Atomic> a, b;
        atomize(eval(*expr.kids[0], focus), a);
        atomize(eval(*expr.kids[1], focus), b);
        if (a.empty() || b.empty()) return {};
        if (a.size() > 1 || b.size() > 1)
            throw Error("XPTY0004", "arithmetic on a sequence of more than one item", expr.offset);
        return {arithmetic(expr.op, a[0], b[0])};
    }
    case Op::negate:
    case Op::unary_plus: {
        std::vector<Atomic> a;
        atomize(eval(*expr.kids[0], focus), a);
        if (a.empty()) return {};
        if (a.size() > 1) throw Error("XPTY0004", "arithmetic on a sequence of more than one item", expr.offset);
        if (expr.op == Op::negate) return {negate(a[0])};
        return {arithmetic(Op::add, Atomic::integer(0), a[0])};
    }
    case Op::union_:
    case Op::intersect:
    case Op::except: return eval_set_operation(expr, focus);
    case Op::instance_of:
        return {Atomic::boolean(matches_sequence_type(eval(*expr.kids[0], focus), expr.type, m_index))};
    case Op::treat_as: {
        Sequence s = eval(*expr.kids[0], focus);
        if (!matches_sequence_type(s, expr.type, m_index))
            throw Error("XPDY0050", "treat as: the value does not match the type", expr.offset);
        return s;
    }
    case Op::castable_as:
    case Op::cast_as: {
        std::vector<Atomic> a;
        atomize(eval(*expr.kids[0], focus), a);
        bool optional = expr.type.occurrence == SequenceType::Occurrence::optional;
        if (expr.op == Op::castable_as) {
            if (a.empty()) return {Atomic::boolean(optional)};
            return {Atomic::boolean(a.size() == 1 && castable(a[0], expr.type.atomic, &m_compiled.context))};
        }
        if (a.empty()) {
            if (optional) return {};
            throw Error("XPTY0004", "cast of an empty sequence", expr.offset);
        }
        if (a.size() > 1) throw Error("XPTY0004", "cast of a sequence of more than one item", expr.offset);
        return {cast(a[0], expr.type.atomic, &m_compiled.context)};
    }
    }
    throw Error("HDXP0002", "unsupported expression", expr.offset);
}

} // namespace healthdoc::xpath
