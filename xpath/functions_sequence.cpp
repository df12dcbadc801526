// fn: functions on sequences and booleans, and the focus functions position() and last().
#include "xpath/atomic_ops.hpp"
#include "xpath/functions.hpp"

#include <cmath>

namespace healthdoc::xpath {
namespace {

using Args = std::vector<Sequence>;

Sequence fn_not(Evaluator&, const Focus&, Args& a, const Expr&) {
    return single(Atomic::boolean(!effective_boolean_value(a[0])));
}
Sequence fn_boolean(Evaluator&, const Focus&, Args& a, const Expr&) {
    return single(Atomic::boolean(effective_boolean_value(a[0])));
}
Sequence fn_true(Evaluator&, const Focus&, Args&, const Expr&) { return single(Atomic::boolean(true)); }
Sequence fn_false(Evaluator&, const Focus&, Args&, const Expr&) { return single(Atomic::boolean(false)); }
Sequence fn_count(Evaluator&, const Focus&, Args& a, const Expr&) {
    return single(Atomic::integer(static_cast<std::int64_t>(a[0].size())));
}
Sequence fn_empty(Evaluator&, const Focus&, Args& a, const Expr&) { return single(Atomic::boolean(a[0].empty())); }
Sequence fn_exists(Evaluator&, const Focus&, Args& a, const Expr&) { return single(Atomic::boolean(!a[0].empty())); }

Sequence fn_position(Evaluator&, const Focus& f, Args&, const Expr& call) {
    if (!f.item) throw Error("XPDY0002", "position(): the context item is absent", call.offset);
    return single(Atomic::integer(static_cast<std::int64_t>(f.position)));
}

Sequence fn_last(Evaluator&, const Focus& f, Args&, const Expr& call) {
    if (!f.item) throw Error("XPDY0002", "last(): the context item is absent", call.offset);
    return single(Atomic::integer(static_cast<std::int64_t>(f.size)));
}

Sequence fn_data(Evaluator& ev, const Focus&, Args& a, const Expr&) {
    Sequence out;
    for (auto& item : a[0]) out.emplace_back(ev.atomize(item));
    return out;
}

// Equality for distinct-values and index-of: eq, with NaN equal to itself, incomparable = false.
bool same_value(const Atomic& x, const Atomic& y) {
    auto c = compare_atomics(x, y);
    if (c) return *c == 0;
    bool xnan = is_numeric(x.type()) && std::isnan(to_double(x)),
         ynan = is_numeric(y.type()) && std::isnan(to_double(y));
    return xnan && ynan;
}

Sequence fn_distinct_values(Evaluator& ev, const Focus&, Args& a, const Expr&) {
    std::vector<Atomic> items;
    ev.atomize(a[0], items);
    Sequence out;
    std::vector<Atomic> seen;
    for (auto& item : items) {
        bool duplicate = false;
        for (auto& s : seen)
            if (same_value(s, item)) {
                duplicate = true;
                break;
            }
        if (!duplicate) {
            seen.push_back(item);
            out.emplace_back(item);
        }
    }
    return out;
}

Sequence fn_index_of(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::vector<Atomic> items, search;
    ev.atomize(a[0], items);
    ev.atomize(a[1], search);
    if (search.size() != 1) throw Error("XPTY0004", "index-of(): the search value must be one item", call.offset);
    Sequence out;
    for (std::size_t i = 0; i < items.size(); ++i)
        if (compare_atomics(items[i], search[0]) == 0)
            out.emplace_back(Atomic::integer(static_cast<std::int64_t>(i + 1)));
    return out;
}

Sequence fn_reverse(Evaluator&, const Focus&, Args& a, const Expr&) { return Sequence(a[0].rbegin(), a[0].rend()); }

double number_arg(Evaluator& ev, Sequence& arg, const Expr& call) {
    std::vector<Atomic> storage;
    const Atomic* v = optional_atomic(ev, arg, storage, call);
    if (!v) throw Error("XPTY0004", call.name + "(): a number is required", call.offset);
    if (v->type() == Type::untypedAtomic) return cast(*v, Type::double_).double_value();
    if (!is_numeric(v->type())) throw Error("XPTY0004", call.name + "(): a number is required", call.offset);
    return to_double(*v);
}

Sequence fn_subsequence(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    double start = std::floor(number_arg(ev, a[1], call) + 0.5);
    double end = a.size() > 2 ? start + std::floor(number_arg(ev, a[2], call) + 0.5) : INFINITY;
    Sequence out;
    for (std::size_t i = 0; i < a[0].size(); ++i) {
        double p = static_cast<double>(i + 1);
        if (p >= start && p < end) out.push_back(a[0][i]);
    }
    return out;
}

std::int64_t integer_arg(Evaluator& ev, Sequence& arg, const Expr& call) {
    std::vector<Atomic> storage;
    const Atomic* v = optional_atomic(ev, arg, storage, call);
    if (!v || !(derives_from(v->type(), Type::integer) || v->type() == Type::untypedAtomic))
        throw Error("XPTY0004", call.name + "(): an integer is required", call.offset);
    return cast(*v, Type::integer).integer_value();
}

Sequence fn_insert_before(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::int64_t position = integer_arg(ev, a[1], call);
    std::size_t at = position < 1 ? 0 : std::min(static_cast<std::size_t>(position - 1), a[0].size());
    Sequence out(a[0].begin(), a[0].begin() + static_cast<std::ptrdiff_t>(at));
    out.insert(out.end(), a[2].begin(), a[2].end());
    out.insert(out.end(), a[0].begin() + static_cast<std::ptrdiff_t>(at), a[0].end());
    return out;
}

Sequence fn_remove(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::int64_t position = integer_arg(ev, a[1], call);
    Sequence out;
    for (std::size_t i = 0; i < a[0].size(); ++i)
        if (static_cast<std::int64_t>(i + 1) != position) out.push_back(a[0][i]);
    return out;
}

Sequence fn_unordered(Evaluator&, const Focus&, Args& a, const Expr&) { return a[0]; }

Sequence fn_exactly_one(Evaluator&, const Focus&, Args& a, const Expr& call) {
    if (a[0].size() != 1)
        throw Error("FORG0005", "exactly-one() called with " + std::to_string(a[0].size()) + " items", call.offset);
    return a[0];
}

Sequence fn_one_or_more(Evaluator&, const Focus&, Args& a, const Expr& call) {
    if (a[0].empty()) throw Error("FORG0004", "one-or-more() called with an empty sequence", call.offset);
    return a[0];
}

Sequence fn_zero_or_one(Evaluator&, const Focus&, Args& a, const Expr& call) {
    if (a[0].size() > 1) throw Error("FORG0003", "zero-or-one() called with several items", call.offset);
    return a[0];
}

bool deep_equal_nodes(const pugi::xpath_node& x, const pugi::xpath_node& y, IndexLookup& index);

bool deep_equal_items(const Item& x, const Item& y, IndexLookup& index) {
    if (x.is_node() != y.is_node()) return false;
    if (!x.is_node()) return same_value(x.atomic(), y.atomic());
    return deep_equal_nodes(x.node(), y.node(), index);
}

// Compares two subtrees side by side, iteratively (no recursion over the document).
bool deep_equal_nodes(const pugi::xpath_node& x, const pugi::xpath_node& y, IndexLookup& index) {
    if (kind_of(x) != kind_of(y)) return false;
    auto same_name = [&](const pugi::xpath_node& p, const pugi::xpath_node& q) {
        return local_part(qualified_name(p)) == local_part(qualified_name(q)) &&
               index.namespace_uri(p) == index.namespace_uri(q);
    };
    switch (kind_of(x)) {
    case NodeKind::attribute:
        return same_name(x, y) && std::string_view(x.attribute().value()) == y.attribute().value();
    case NodeKind::text:
    case NodeKind::comment: return std::string_view(x.node().value()) == y.node().value();
    case NodeKind::processing_instruction:
        return std::string_view(x.node().name()) == y.node().name() &&
               std::string_view(x.node().value()) == y.node().value();
    default: break;
    }
    std::vector<std::pair<pugi::xml_node, pugi::xml_node>> pending{{x.node(), y.node()}};
    std::vector<pugi::xpath_node> ax, ay, cx, cy;
    NodeTest any;
    while (!pending.empty()) {
        auto [p, q] = pending.back();
        pending.pop_back();
        if (p.type() == pugi::node_element) {
            if (!same_name(pugi::xpath_node(p), pugi::xpath_node(q))) return false;
            ax.clear(), ay.clear();
            walk_axis(Axis::attribute, any, pugi::xpath_node(p), index, ax);
            walk_axis(Axis::attribute, any, pugi::xpath_node(q), index, ay);
            if (ax.size() != ay.size()) return false;
            for (auto& attr : ax) {
                bool found = false;
                for (auto& other : ay)
                    if (same_name(attr, other) &&
                        std::string_view(attr.attribute().value()) == other.attribute().value())
                        found = true;
                if (!found) return false;
            }
        }
        cx.clear(), cy.clear();
        walk_axis(Axis::child, any, pugi::xpath_node(p), index, cx);
        walk_axis(Axis::child, any, pugi::xpath_node(q), index, cy);
        auto drop = [](std::vector<pugi::xpath_node>& v) {
            std::erase_if(v, [](const pugi::xpath_node& n) {
                auto k = kind_of(n);
                return k == NodeKind::comment || k == NodeKind::processing_instruction;
            });
        };
        drop(cx), drop(cy);
        if (cx.size() != cy.size()) return false;
        for (std::size_t i = 0; i < cx.size(); ++i) {
            if (kind_of(cx[i]) != kind_of(cy[i])) return false;
            if (kind_of(cx[i]) == NodeKind::text) {
                if (std::string_view(cx[i].node().value()) != cy[i].node().value()) return false;
            } else {
                pending.emplace_back(cx[i].node(), cy[i].node());
            }
        }
    }
    return true;
}

Sequence fn_deep_equal(Evaluator& ev, const Focus&, Args& a, const Expr&) {
    if (a[0].size() != a[1].size()) return single(Atomic::boolean(false));
    for (std::size_t i = 0; i < a[0].size(); ++i)
        if (!deep_equal_items(a[0][i], a[1][i], ev.index())) return single(Atomic::boolean(false));
    return single(Atomic::boolean(true));
}

} // namespace

void add_sequence_functions(std::vector<FunctionDef>& t) {
    t.insert(t.end(), {
                          {k_fn_uri, "not", 1, 1, fn_not},
                          {k_fn_uri, "boolean", 1, 1, fn_boolean},
                          {k_fn_uri, "true", 0, 0, fn_true},
                          {k_fn_uri, "false", 0, 0, fn_false},
                          {k_fn_uri, "count", 1, 1, fn_count},
                          {k_fn_uri, "empty", 1, 1, fn_empty},
                          {k_fn_uri, "exists", 1, 1, fn_exists},
                          {k_fn_uri, "position", 0, 0, fn_position},
                          {k_fn_uri, "last", 0, 0, fn_last},
                          {k_fn_uri, "data", 1, 1, fn_data},
                          {k_fn_uri, "distinct-values", 1, 2, fn_distinct_values},
                          {k_fn_uri, "index-of", 2, 3, fn_index_of},
                          {k_fn_uri, "reverse", 1, 1, fn_reverse},
                          {k_fn_uri, "subsequence", 2, 3, fn_subsequence},
                          {k_fn_uri, "insert-before", 3, 3, fn_insert_before},
                          {k_fn_uri, "remove", 2, 2, fn_remove},
                          {k_fn_uri, "unordered", 1, 1, fn_unordered},
                          {k_fn_uri, "exactly-one", 1, 1, fn_exactly_one},
                          {k_fn_uri, "one-or-more", 1, 1, fn_one_or_more},
                          {k_fn_uri, "zero-or-one", 1, 1, fn_zero_or_one},
                          {k_fn_uri, "deep-equal", 2, 3, fn_deep_equal},
                      });
}

} // namespace healthdoc::xpath
