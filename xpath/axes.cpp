// The thirteen axes (namespace excluded) as iterative walks over pugixml, and node tests.
// No recursion over the document: deep documents cannot exhaust the stack.
#include "xpath/evaluator.hpp"

#include <algorithm>
#include <cstring>

namespace healthdoc::xpath {
namespace {

bool is_namespace_decl(const char* name) {
    return std::strncmp(name, "xmlns", 5) == 0 && (name[5] == 0 || name[5] == ':');
}

// Nodes of the data model that appear as children (declarations and doctypes do not).
bool is_child_kind(const pugi::xml_node& n) {
    auto t = n.type();
    return t == pugi::node_element || t == pugi::node_pcdata || t == pugi::node_cdata || t == pugi::node_comment ||
           t == pugi::node_pi;
}

bool names_match(const NodeTest& test, const pugi::xpath_node& node, IndexLookup& index) {
    if (!test.any_local && local_part(qualified_name(node)) != test.local) return false;
    if (!test.any_uri && index.namespace_uri(node) != test.uri) return false;
    return true;
}

struct Sink {
    const NodeTest& test;
    Axis axis;
    IndexLookup& index;
    std::vector<pugi::xpath_node>& out;
    void node(const pugi::xml_node& n) {
        pugi::xpath_node x(n);
        if (matches_test(test, x, axis, index)) out.push_back(x);
    }
};

// Next node in document order within the subtree of `top` (excluded), or null.
pugi::xml_node next_in_subtree(pugi::xml_node n, const pugi::xml_node& top) {
    if (n.first_child()) return n.first_child();
    while (n && n != top && !n.next_sibling()) n = n.parent();
    if (!n || n == top) return {};
    return n.next_sibling();
}

void descendants(const pugi::xml_node& top, Sink& sink) {
    for (auto n = top.first_child(); n; n = next_in_subtree(n, top))
        if (is_child_kind(n)) sink.node(n);
}

// Subtree of `top` (included) in reverse document order.
void subtree_reversed(const pugi::xml_node& top, Sink& sink) {
    std::vector<pugi::xml_node> nodes{top};
    for (auto n = top.first_child(); n; n = next_in_subtree(n, top)) nodes.push_back(n);
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it)
        if (is_child_kind(*it)) sink.node(*it);
}

// descendant::name from an element or the document, answered from the index's by-name lists:
// the elements named so whose order falls inside the subtree. False when it does not apply.
bool indexed_descendants(const NodeTest& test, const pugi::xpath_node& node, IndexLookup& index,
                         std::vector<pugi::xpath_node>& out) {
    if (test.kind != NodeTest::Kind::name || test.any_local || test.any_uri || node.attribute()) return false;
    const auto& data = index.of(node);
    auto self = data.info.find(node.node().internal_object());
    if (self == data.info.end()) return false;
    std::uint32_t ns = data.uri_id(test.uri);
    if (ns == DocumentIndex::Data::unknown_uri) return true; // no element of the document has it
    auto list = data.by_name.find(DocumentIndex::Data::name_key(ns, test.local));
    if (list == data.by_name.end()) return true;
    const auto& elements = list->second;
    auto order_of = [&](const pugi::xml_node& n) { return data.info.find(n.internal_object())->second.order; };
    auto first = std::partition_point(elements.begin(), elements.end(),
                                      [&](const pugi::xml_node& n) { return order_of(n) <= self->second.order; });
    for (auto it = first; it != elements.end() && order_of(*it) <= self->second.end; ++it) out.emplace_back(*it);
    return true;
}

// A name test resolved against one document: the namespace as the index's id, so each candidate
// costs a local-name comparison and, only when it matches, one lookup.
struct ResolvedName {
    const NodeTest& test;
    const DocumentIndex::Data& data;
    std::uint32_t ns;
    ResolvedName(const NodeTest& t, IndexLookup& index, const pugi::xml_node& any_node_of_document)
        : test(t), data(index.of_root(any_node_of_document.root())), ns(t.any_uri ? 0 : data.uri_id(t.uri)) {}
    bool impossible() const { return !test.any_uri && ns == DocumentIndex::Data::unknown_uri; }
    bool matches(const char* qualified, const void* identity) const {
        if (!test.any_local && local_part(qualified) != test.local) return false;
        if (test.any_uri) return true;
        auto it = data.info.find(identity);
        return it != data.info.end() && it->second.ns == ns;
    }
};

// child::name, the commonest step, without the generic per-node machinery.
void named_children(const NodeTest& test, const pugi::xml_node& n, IndexLookup& index,
                    std::vector<pugi::xpath_node>& out) {
    ResolvedName name(test, index, n);
    if (name.impossible()) return;
    for (auto c = n.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && name.matches(c.name(), c.internal_object())) out.emplace_back(c);
}

void named_attributes(const NodeTest& test, const pugi::xml_node& n, IndexLookup& index,
                      std::vector<pugi::xpath_node>& out) {
    auto a = n.first_attribute();
    if (!a) return;
    ResolvedName name(test, index, n);
    if (name.impossible()) return;
    for (; a; a = a.next_attribute()) {
        const char* q = a.name();
        if (is_namespace_decl(q)) continue;
        // Unprefixed attributes are in no namespace: no lookup needed for them.
        if (!test.any_uri && std::strchr(q, ':') == nullptr) {
            if (name.ns == 0 && (test.any_local || test.local == q)) out.emplace_back(a, n);
            continue;
        }
        if (name.matches(q, a.internal_object())) out.emplace_back(a, n);
    }
}

} // namespace

bool matches_test(const NodeTest& test, const pugi::xpath_node& node, Axis axis, IndexLookup& index) {
    NodeKind kind = kind_of(node);
    switch (test.kind) {
    case NodeTest::Kind::any_node: return true;
    case NodeTest::Kind::text: return kind == NodeKind::text;
    case NodeTest::Kind::comment: return kind == NodeKind::comment;
    case NodeTest::Kind::pi:
        return kind == NodeKind::processing_instruction &&
               (test.pi_target.empty() || test.pi_target == node.node().name());
    case NodeTest::Kind::document: return kind == NodeKind::document;
    case NodeTest::Kind::element: return kind == NodeKind::element && names_match(test, node, index);
    case NodeTest::Kind::attribute: return kind == NodeKind::attribute && names_match(test, node, index);
    case NodeTest::Kind::name:
        if (kind != (axis == Axis::attribute ? NodeKind::attribute : NodeKind::element)) return false;
        return names_match(test, node, index);
    }
    return false;
}

void walk_axis(Axis axis, const NodeTest& test, const pugi::xpath_node& node, IndexLookup& index,
               std::vector<pugi::xpath_node>& out) {
    Sink sink{test, axis, index, out};
    const bool is_attribute = static_cast<bool>(node.attribute());
    const pugi::xml_node n = is_attribute ? node.parent() : node.node();
    switch (axis) {
    case Axis::child:
        if (is_attribute) return;
        if (test.kind == NodeTest::Kind::name) return named_children(test, n, index, out);
        for (auto c = n.first_child(); c; c = c.next_sibling())
            if (is_child_kind(c)) sink.node(c);
        return;
    case Axis::attribute:
        if (is_attribute || n.type() != pugi::node_element) return;
        if (test.kind == NodeTest::Kind::name) return named_attributes(test, n, index, out);
        for (auto a = n.first_attribute(); a; a = a.next_attribute()) {
            if (is_namespace_decl(a.name())) continue;
            pugi::xpath_node x(a, n);
            if (matches_test(test, x, axis, index)) out.push_back(x);
        }
        return;
    case Axis::self:
        if (matches_test(test, node, axis, index)) out.push_back(node);
        return;
    case Axis::parent:
        if (is_attribute)
            sink.node(n);
        else if (n.parent())
            sink.node(n.parent());
        return;
    case Axis::ancestor_or_self:
        if (matches_test(test, node, axis, index)) out.push_back(node);
        [[fallthrough]];
    case Axis::ancestor:
        for (auto a = is_attribute ? n : n.parent(); a; a = a.parent()) sink.node(a);
        return;
    case Axis::descendant_or_self:
        if (matches_test(test, node, axis, index)) out.push_back(node);
        [[fallthrough]];
    case Axis::descendant:
        if (!is_attribute && !indexed_descendants(test, node, index, out)) descendants(n, sink);
        return;
    case Axis::following_sibling:
        if (is_attribute) return;
        for (auto s = n.next_sibling(); s; s = s.next_sibling())
            if (is_child_kind(s)) sink.node(s);
        return;
    case Axis::preceding_sibling:
        if (is_attribute) return;
        for (auto s = n.previous_sibling(); s; s = s.previous_sibling())
            if (is_child_kind(s)) sink.node(s);
        return;
    case Axis::following: {
        // An attribute's following nodes start with its element's descendants.
        if (is_attribute) descendants(n, sink);
        pugi::xml_node cur = n;
        while (cur && !cur.next_sibling()) cur = cur.parent();
        if (!cur) return;
        pugi::xml_node root = n.root();
        for (cur = cur.next_sibling(); cur; cur = next_in_subtree(cur, root))
            if (is_child_kind(cur)) sink.node(cur);
        return;
    }
    case Axis::preceding:
        for (auto cur = n; cur && cur.type() != pugi::node_document; cur = cur.parent())
            for (auto s = cur.previous_sibling(); s; s = s.previous_sibling()) subtree_reversed(s, sink);
        return;
    case Axis::namespace_: throw Error("HDXP0002", "the namespace axis is not supported");
    }
}

} // namespace healthdoc::xpath
