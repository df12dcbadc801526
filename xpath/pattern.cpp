// XSLT 2.0 match patterns (schematron rule contexts), matched right to left: the last step must
// match the node, then its parent (/) or some ancestor (//) must match the step before, and so
// on. Predicates are evaluated among the node's siblings selected by the same step, so
// positional predicates ([1], [last()]) mean what they mean in a path.
#include "xpath/evaluator.hpp"

#include <unordered_map>

namespace healthdoc::xpath {

namespace detail {
struct CompiledPattern {
    struct Step {
        Axis axis = Axis::child; // child or attribute
        const NodeTest* test = nullptr;
        const Expr* predicates = nullptr; // the step node whose kids are the predicates
        bool descendant = false;          // preceded by // rather than /
        bool positional = false;          // a predicate may depend on position() or last()
    };
    struct Alternative {
        bool anchored = false;  // starts with / or //
        bool root_only = false; // the pattern "/"
        std::vector<Step> steps;
    };
    std::unique_ptr<Compiled> compiled;
    std::vector<Alternative> alternatives;
    std::optional<std::vector<Pattern::Name>> element_names;
};
} // namespace detail

namespace {

using detail::CompiledPattern;

[[noreturn]] void not_a_pattern(const Expr& e, const std::string& why) {
    throw Error("XTSE0340", "not a valid XSLT pattern: " + why, e.offset);
}

void collect_alternatives(const Expr& e, std::vector<const Expr*>& out) {
    if (e.op == Op::union_) {
        collect_alternatives(*e.kids[0], out);
        collect_alternatives(*e.kids[1], out);
    } else {
        out.push_back(&e);
    }
}

CompiledPattern::Alternative convert(const Expr& e) {
    CompiledPattern::Alternative alt;
    if (e.op == Op::root) {
        alt.root_only = true;
        return alt;
    }
    std::vector<const Expr*> parts;
    if (e.op == Op::path) {
        for (auto& k : e.kids) parts.push_back(k.get());
    } else {
        parts.push_back(&e);
    }
    bool pending_descendant = false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const Expr& p = *parts[i];
        if (p.op == Op::root && i == 0) {
            alt.anchored = true;
            continue;
        }
        if (p.op == Op::function && p.function && (p.name == "id" || p.name == "key"))
            throw Error("HDXP0002", "id() and key() patterns are not supported", p.offset);
        if (p.op != Op::step) not_a_pattern(p, "only steps may appear in a pattern");
        if (p.axis == Axis::descendant_or_self && p.test.kind == NodeTest::Kind::any_node && p.kids.empty()) {
            pending_descendant = true;
            continue;
        }
        CompiledPattern::Step step;
        step.test = &p.test;
        step.predicates = p.kids.empty() ? nullptr : &p;
        step.positional = step.predicates && has_positional_predicate(p);
        step.descendant = pending_descendant;
        pending_descendant = false;
        if (p.axis == Axis::descendant) {
            step.axis = Axis::child;
            step.descendant = true;
        } else if (p.axis == Axis::child || p.axis == Axis::attribute) {
            step.axis = p.axis;
        } else {
            not_a_pattern(p, "only the child and attribute axes may be used");
        }
        alt.steps.push_back(step);
    }
    if (alt.steps.empty()) not_a_pattern(e, "empty pattern");
    return alt;
}

bool test_matches(const CompiledPattern::Step& step, const pugi::xpath_node& node, IndexLookup& index) {
    NodeKind kind = kind_of(node);
    if (step.axis == Axis::attribute ? kind != NodeKind::attribute
                                     : (kind == NodeKind::attribute || kind == NodeKind::document))
        return false;
    return matches_test(*step.test, node, step.axis, index);
}

bool step_matches(const CompiledPattern::Step& step, const pugi::xpath_node& node, Evaluator& ev) {
    if (!test_matches(step, node, ev.index())) return false;
    if (!step.predicates) return true;
    if (!step.positional) {
        Item item(node);
        Focus focus{&item, 1, 1};
        for (auto& pred : step.predicates->kids)
            if (!ev.ebv(*pred, focus)) return false;
        return true;
    }
    // The node must survive the predicates among what the step selects from its parent.
    pugi::xpath_node parent =
        node.attribute() ? pugi::xpath_node(node.parent()) : pugi::xpath_node(node.node().parent());
    Expr const& owner = *step.predicates;
    std::vector<pugi::xpath_node> selected;
    walk_axis(step.axis, *step.test, parent, ev.index(), selected);
    Sequence items(selected.begin(), selected.end());
    ev.apply_predicates_of(owner, items);
    const void* id = identity(node);
    for (auto& item : items)
        if (identity(item.node()) == id) return true;
    return false;
}

pugi::xpath_node parent_of(const pugi::xpath_node& node) {
    if (node.attribute()) return pugi::xpath_node(node.parent());
    auto p = node.node().parent();
    return p ? pugi::xpath_node(p) : pugi::xpath_node();
}

// Matches one alternative right to left. With `//` separators the same (step, node) question
// comes back for every descendant, so answers are memoised: at most one evaluation per step and
// node, and the climb over ancestors is iterative (documents may be deeper than the stack).
class Matcher {
public:
    Matcher(const CompiledPattern::Alternative& alt, Evaluator& ev, bool predicates)
        : m_alt(alt), m_ev(ev), m_predicates(predicates) {}

    bool match(std::size_t k, const pugi::xpath_node& node) {
        const auto& step = m_alt.steps[k];
        if (!(m_predicates ? step_matches(step, node, m_ev) : test_matches(step, node, m_ev.index()))) return false;
        pugi::xpath_node up = parent_of(node);
        if (k == 0) {
            if (!m_alt.anchored || step.descendant) return true;
            return up && kind_of(up) == NodeKind::document;
        }
        if (!up) return false;
        if (!step.descendant) return match(k - 1, up);
        return self_or_ancestor_matches(k - 1, up);
    }

private:
    using Key = std::pair<std::size_t, const void*>;
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept {
            return std::hash<const void*>()(key.second) ^ (key.first * 0x9E3779B97F4A7C15ull);
        }
    };

    bool memo_match(std::size_t k, const pugi::xpath_node& node) {
        auto [it, inserted] = m_match.try_emplace(Key{k, identity(node)}, false);
        if (inserted) it->second = match(k, node);
        return it->second;
    }

    // Whether `node` or one of its ancestors matches step k.
    bool self_or_ancestor_matches(std::size_t k, pugi::xpath_node node) {
        std::vector<const void*> visited;
        bool result = false;
        for (; node; node = parent_of(node)) {
            auto known = m_climb.find(Key{k, identity(node)});
            if (known != m_climb.end()) {
                result = known->second;
                break;
            }
            visited.push_back(identity(node));
            if (memo_match(k, node)) {
                result = true;
                break;
            }
        }
        for (const void* id : visited) m_climb[Key{k, id}] = result;
        return result;
    }

    const CompiledPattern::Alternative& m_alt;
    Evaluator& m_ev;
    bool m_predicates;
    std::unordered_map<Key, bool, KeyHash> m_match;
    std::unordered_map<Key, bool, KeyHash> m_climb;
};

} // namespace

void Evaluator::apply_predicates_of(const Expr& owner, Sequence& items) { apply_predicates(owner, 0, items); }

Pattern Pattern::compile(std::string_view text, const StaticContext& context) {
    auto impl = std::make_shared<CompiledPattern>();
    impl->compiled = compile_expression(text, context);
    std::vector<const Expr*> alternatives;
    collect_alternatives(*impl->compiled->root, alternatives);
    std::vector<Name> names;
    bool only_elements = true;
    for (const Expr* e : alternatives) {
        impl->alternatives.push_back(convert(*e));
        const auto& alt = impl->alternatives.back();
        const CompiledPattern::Step* last = alt.steps.empty() ? nullptr : &alt.steps.back();
        if (!last || last->axis != Axis::child || last->test->any_local || last->test->any_uri ||
            (last->test->kind != NodeTest::Kind::name && last->test->kind != NodeTest::Kind::element)) {
            only_elements = false;
            continue;
        }
        names.push_back({last->test->uri, last->test->local});
    }
    if (only_elements) impl->element_names = std::move(names);
    Pattern p;
    p.m_impl = std::move(impl);
    return p;
}

bool Pattern::matches(const pugi::xpath_node& node, const DynamicContext& context) const {
    if (!node) return false;
    // In a pattern, current() is the node being matched (XSLT 2.0 section 16.6.1).
    DynamicContext local = context;
    local.current = node;
    Evaluator ev(*m_impl->compiled, local);
    for (const auto& alt : m_impl->alternatives) {
        if (alt.root_only) {
            if (kind_of(node) == NodeKind::document) return true;
            continue;
        }
        // Node tests first (cheap, most nodes fail there), predicates only for the survivors.
        std::size_t last = alt.steps.size() - 1;
        if (Matcher(alt, ev, false).match(last, node) && Matcher(alt, ev, true).match(last, node)) return true;
    }
    return false;
}

const std::optional<std::vector<Pattern::Name>>& Pattern::element_names() const noexcept {
    return m_impl->element_names;
}

const std::string& Pattern::text() const noexcept { return m_impl->compiled->text; }

} // namespace healthdoc::xpath
