// descendant::x[@a = $key] and descendant::x[text() = $key] answered from a per-document value
// index instead of testing every x: the lookups into value sets and terminologies that
// schematrons make for each coded element (document($jdv)//svs:Concept[@code = $att_code and
// @codeSystem = $att_codeSystem]). Candidates found by the key still go through every
// predicate, so the result is exactly the plain evaluation's.
#include "xpath/evaluator.hpp"

#include <algorithm>

namespace healthdoc::xpath {
namespace {

// An expression whose value does not depend on the focus: literals, variables, and operators
// or functions (with arguments) over those.
bool focus_free(const Expr& e) {
    switch (e.op) {
    case Op::literal:
    case Op::variable:
    case Op::empty: return true;
    case Op::function:
        if (e.kids.empty()) return false; // string(), name(), position()... read the focus
        break;
    case Op::comma:
    case Op::add:
    case Op::subtract:
    case Op::multiply:
    case Op::divide:
    case Op::integer_divide:
    case Op::modulo:
    case Op::negate:
    case Op::unary_plus:
    case Op::cast_as:
    case Op::if_: break;
    default: return false;
    }
    return std::all_of(e.kids.begin(), e.kids.end(), [](const auto& k) { return focus_free(*k); });
}

// @name (no predicates) or text().
bool is_value_selector(const Expr& e) {
    if (e.op != Op::step || !e.kids.empty()) return false;
    if (e.axis == Axis::attribute) return e.test.kind == NodeTest::Kind::name && !e.test.any_local;
    return e.axis == Axis::child && e.test.kind == NodeTest::Kind::text;
}

struct Key {
    const Expr* selector = nullptr;
    const Expr* value = nullptr;
};

// A conjunct `selector = value` of the predicate.
bool find_key(const Expr& pred, Key& key) {
    if (pred.op == Op::and_) return find_key(*pred.kids[0], key) || find_key(*pred.kids[1], key);
    if (pred.op != Op::general_compare || pred.compare != Compare::eq) return false;
    for (int side = 0; side < 2; ++side) {
        const Expr& selector = *pred.kids[static_cast<std::size_t>(side)];
        const Expr& value = *pred.kids[static_cast<std::size_t>(1 - side)];
        if (is_value_selector(selector) && focus_free(value)) {
            key = {&selector, &value};
            return true;
        }
    }
    return false;
}

} // namespace

bool Evaluator::eval_keyed_descendants(const Expr& step, const pugi::xpath_node& node,
                                       std::vector<pugi::xpath_node>& out) {
    const NodeTest& test = step.test;
    if (test.kind != NodeTest::Kind::name || test.any_local || test.any_uri || node.attribute()) return false;
    if (has_positional_predicate(step)) return false;
    Key key;
    if (!find_key(*step.kids[0], key)) return false;
    // Keys: string-like values compare as strings with the untyped selected values.
    Sequence values = eval(*key.value, Focus{nullptr, 1, 1});
    std::vector<std::string> keys;
    for (auto& item : values) {
        if (item.is_node()) {
            keys.push_back(node_string_value(item.node()));
            continue;
        }
        if (!derives_from(item.atomic().type(), Type::string) && item.atomic().type() != Type::untypedAtomic &&
            item.atomic().type() != Type::anyURI)
            return false; // numbers, dates...: compared by value, not by string
        keys.push_back(item.atomic().str());
    }
    const auto& data = m_index.of(node);
    auto self = data.info.find(node.node().internal_object());
    if (self == data.info.end()) return false;
    std::uint32_t ns = data.uri_id(test.uri);
    if (ns == DocumentIndex::Data::unknown_uri) return true;
    auto list = data.by_name.find(DocumentIndex::Data::name_key(ns, test.local));
    if (list == data.by_name.end()) return true;

    const Expr& selector = *key.selector;
    std::string index_key =
        list->first + (selector.axis == Axis::attribute ? "|@" + selector.test.uri + "|" + selector.test.local
                                                        : std::string("|text()"));
    const auto& index = data.value_index(index_key, [&](DocumentIndex::Data::ValueIndex& built) {
        std::vector<pugi::xpath_node> selected;
        for (const auto& element : list->second) {
            selected.clear();
            walk_axis(selector.axis, selector.test, pugi::xpath_node(element), m_index, selected);
            for (const auto& s : selected) {
                auto& bucket = built.elements[node_string_value(s)];
                if (bucket.empty() || bucket.back() != element) bucket.push_back(element);
            }
        }
    });
    // Candidates inside the context node's subtree, in document order, then every predicate.
    auto order_of = [&](const pugi::xml_node& n) { return data.info.find(n.internal_object())->second.order; };
    std::vector<std::pair<std::uint32_t, pugi::xml_node>> candidates;
    for (const auto& k : keys) {
        auto bucket = index.elements.find(k);
        if (bucket == index.elements.end()) continue;
        for (const auto& element : bucket->second) {
            auto order = order_of(element);
            if (order > self->second.order && order <= self->second.end) candidates.emplace_back(order, element);
        }
    }
    std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    candidates.erase(std::unique(candidates.begin(), candidates.end(),
                                 [](const auto& a, const auto& b) { return a.first == b.first; }),
                     candidates.end());
    Sequence items;
    items.reserve(candidates.size());
    for (const auto& c : candidates) items.emplace_back(pugi::xpath_node(c.second));
    apply_predicates(step, 0, items);
    for (auto& item : items) out.push_back(item.node());
    return true;
}

} // namespace healthdoc::xpath
