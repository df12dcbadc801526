// fn: functions on nodes and QNames, and XSLT's current().
#include "xpath/atomic_ops.hpp"
#include "xpath/functions.hpp"

#include <algorithm>
#include <cstring>

namespace healthdoc::xpath {
namespace {

using Args = std::vector<Sequence>;

// The node argument, or the context node when the argument is omitted; nullopt for ().
std::optional<pugi::xpath_node> node_arg(Evaluator& ev, const Focus& f, Args& a, std::size_t i, const Expr& call) {
    if (a.size() <= i) return ev.context_node(f, call);
    if (a[i].empty()) return std::nullopt;
    if (a[i].size() > 1 || !a[i][0].is_node())
        throw Error("XPTY0004", call.name + "(): a single node is required", call.offset);
    return a[i][0].node();
}

Sequence fn_name(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    auto n = node_arg(ev, f, a, 0, call);
    return single(Atomic::string(n ? qualified_name(*n) : ""));
}

Sequence fn_local_name(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    auto n = node_arg(ev, f, a, 0, call);
    return single(Atomic::string(n ? std::string(local_part(qualified_name(*n))) : ""));
}

Sequence fn_namespace_uri(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    auto n = node_arg(ev, f, a, 0, call);
    if (!n) return single(Atomic::string("", Type::anyURI));
    auto kind = kind_of(*n);
    std::string uri = kind == NodeKind::element || kind == NodeKind::attribute ? ev.index().namespace_uri(*n) : "";
    return single(Atomic::string(uri, Type::anyURI));
}

Sequence fn_node_name(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    auto n = node_arg(ev, f, a, 0, call);
    if (!n) return {};
    auto kind = kind_of(*n);
    if (kind != NodeKind::element && kind != NodeKind::attribute && kind != NodeKind::processing_instruction) return {};
    const char* q = qualified_name(*n);
    QNameValue v{kind == NodeKind::processing_instruction ? "" : ev.index().namespace_uri(*n),
                 std::string(prefix_part(q)), std::string(local_part(q))};
    return single(Atomic::qname(std::move(v)));
}

Sequence fn_root(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    auto n = node_arg(ev, f, a, 0, call);
    if (!n) return {};
    return {pugi::xpath_node(root_of(*n))};
}

Sequence fn_lang(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    std::string wanted = string_arg(ev, a[0], call);
    auto n = node_arg(ev, f, a, 1, call);
    if (!n) return single(Atomic::boolean(false));
    pugi::xml_node e = n->attribute() ? n->parent() : n->node();
    for (; e; e = e.parent()) {
        if (auto lang = e.attribute("xml:lang")) {
            std::string value = lang.value();
            auto lower = [](std::string s) {
                std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
                return s;
            };
            value = lower(value), wanted = lower(wanted);
            bool ok = value == wanted ||
                      (value.rfind(wanted, 0) == 0 && value.size() > wanted.size() && value[wanted.size()] == '-');
            return single(Atomic::boolean(ok));
        }
    }
    return single(Atomic::boolean(false));
}

QNameValue split_qname(const std::string& lexical, const Expr& call) {
    auto colon = lexical.find(':');
    QNameValue q;
    q.prefix = colon == std::string::npos ? "" : lexical.substr(0, colon);
    q.local = colon == std::string::npos ? lexical : lexical.substr(colon + 1);
    if (q.local.empty() || q.local.find(':') != std::string::npos || (colon != std::string::npos && q.prefix.empty()))
        throw Error("FOCA0002", "invalid lexical QName \"" + lexical + "\"", call.offset);
    return q;
}

Sequence fn_qname(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::string uri = string_arg(ev, a[0], call);
    QNameValue q = split_qname(string_arg(ev, a[1], call), call);
    if (uri.empty() && !q.prefix.empty())
        throw Error("FOCA0002", "a prefixed QName needs a namespace URI", call.offset);
    q.uri = uri;
    return single(Atomic::qname(std::move(q)));
}

Sequence fn_resolve_qname(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    if (a[0].empty()) return {};
    QNameValue q = split_qname(string_arg(ev, a[0], call), call);
    auto n = node_arg(ev, f, a, 1, call);
    if (!n || kind_of(*n) != NodeKind::element)
        throw Error("XPTY0004", "resolve-QName() needs an element", call.offset);
    std::string declaration = q.prefix.empty() ? "xmlns" : "xmlns:" + q.prefix;
    bool found = q.prefix.empty();
    for (auto e = n->node(); e && e.type() == pugi::node_element; e = e.parent()) {
        if (auto attr = e.attribute(declaration.c_str())) {
            q.uri = attr.value();
            found = true;
            break;
        }
    }
    if (q.prefix == "xml") q.uri = "http://www.w3.org/XML/1998/namespace", found = true;
    if (!found) throw Error("FONS0004", "no namespace bound to prefix \"" + q.prefix + "\"", call.offset);
    return single(Atomic::qname(std::move(q)));
}

const QNameValue* qname_arg(Evaluator& ev, Args& a, std::vector<Atomic>& storage, const Expr& call) {
    const Atomic* v = optional_atomic(ev, a[0], storage, call);
    if (!v) return nullptr;
    if (v->type() != Type::QName) throw Error("XPTY0004", call.name + "(): an xs:QName is required", call.offset);
    return &v->qname_value();
}

Sequence fn_local_name_from_qname(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::vector<Atomic> storage;
    const QNameValue* q = qname_arg(ev, a, storage, call);
    if (!q) return {};
    return single(Atomic::string(q->local, Type::NCName));
}

Sequence fn_namespace_uri_from_qname(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::vector<Atomic> storage;
    const QNameValue* q = qname_arg(ev, a, storage, call);
    if (!q) return {};
    return single(Atomic::string(q->uri, Type::anyURI));
}

Sequence fn_prefix_from_qname(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::vector<Atomic> storage;
    const QNameValue* q = qname_arg(ev, a, storage, call);
    if (!q || q->prefix.empty()) return {};
    return single(Atomic::string(q->prefix, Type::NCName));
}

// XSLT current(): the node the schematron rule fired on.
Sequence fn_current(Evaluator& ev, const Focus& f, Args&, const Expr& call) {
    const auto& context = ev.dynamic();
    if (context.current) return {context.current};
    if (context.item) return {context.item};
    if (f.item) return {*f.item};
    throw Error("XTDE1360", "current(): no current item", call.offset);
}

} // namespace

void add_node_functions(std::vector<FunctionDef>& t) {
    t.insert(t.end(), {
                          {k_fn_uri, "name", 0, 1, fn_name},
                          {k_fn_uri, "local-name", 0, 1, fn_local_name},
                          {k_fn_uri, "namespace-uri", 0, 1, fn_namespace_uri},
                          {k_fn_uri, "node-name", 1, 1, fn_node_name},
                          {k_fn_uri, "root", 0, 1, fn_root},
                          {k_fn_uri, "lang", 1, 2, fn_lang},
                          {k_fn_uri, "QName", 2, 2, fn_qname},
                          {k_fn_uri, "resolve-QName", 2, 2, fn_resolve_qname},
                          {k_fn_uri, "local-name-from-QName", 1, 1, fn_local_name_from_qname},
                          {k_fn_uri, "namespace-uri-from-QName", 1, 1, fn_namespace_uri_from_qname},
                          {k_fn_uri, "prefix-from-QName", 1, 1, fn_prefix_from_qname},
                          {k_fn_uri, "current", 0, 0, fn_current},
                      });
}

} // namespace healthdoc::xpath
