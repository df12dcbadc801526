// fn:error, fn:trace, fn:static-base-uri, fn:normalize-unicode and the in-scope namespace
// functions.
#include "xpath/functions.hpp"
#include "xpath/utf8.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <set>

namespace healthdoc::xpath {
namespace {

using Args = std::vector<Sequence>;

Sequence fn_error(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::string code = "FOER0000", message = "error() called";
    if (!a.empty() && !a[0].empty()) {
        std::vector<Atomic> storage;
        const Atomic* q = optional_atomic(ev, a[0], storage, call);
        if (q->type() != Type::QName) throw Error("XPTY0004", "error(): the code must be an xs:QName", call.offset);
        code = q->qname_value().local;
    }
    if (a.size() > 1) message = string_arg(ev, a[1], call);
    throw Error(code, message, call.offset);
}

Sequence fn_trace(Evaluator&, const Focus&, Args& a, const Expr&) { return a[0]; }

Sequence fn_static_base_uri(Evaluator& ev, const Focus&, Args&, const Expr&) {
    const std::string& base = ev.compiled().context.base_uri;
    if (base.empty()) return {};
    return single(Atomic::string(base, Type::anyURI));
}

Sequence fn_normalize_unicode(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::string text = string_arg(ev, a[0], call);
    std::string form = a.size() > 1 ? string_arg(ev, a[1], call) : "NFC";
    for (auto& c : form) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    form.erase(0, form.find_first_not_of(' '));
    form.erase(form.find_last_not_of(' ') + 1);
    if (form.empty()) return single(Atomic::string(std::move(text)));
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* normalizer = form == "NFC"    ? icu::Normalizer2::getNFCInstance(status)
                                         : form == "NFD"  ? icu::Normalizer2::getNFDInstance(status)
                                         : form == "NFKC" ? icu::Normalizer2::getNFKCInstance(status)
                                         : form == "NFKD" ? icu::Normalizer2::getNFKDInstance(status)
                                                          : nullptr;
    if (!normalizer) throw Error("FOCH0003", "unsupported normalization form " + form, call.offset);
    icu::UnicodeString normalized = normalizer->normalize(icu::UnicodeString::fromUTF8(text), status);
    if (U_FAILURE(status)) throw Error("FOCH0003", "normalization failed", call.offset);
    std::string out;
    normalized.toUTF8String(out);
    return single(Atomic::string(std::move(out)));
}

pugi::xml_node element_arg(Sequence& arg, const Expr& call) {
    if (arg.size() != 1 || !arg[0].is_node() || arg[0].node().attribute() ||
        arg[0].node().node().type() != pugi::node_element)
        throw Error("XPTY0004", call.name + "(): an element is required", call.offset);
    return arg[0].node().node();
}

Sequence fn_namespace_uri_for_prefix(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::string prefix = string_arg(ev, a[0], call);
    pugi::xml_node element = element_arg(a[1], call);
    if (prefix == "xml") return single(Atomic::string("http://www.w3.org/XML/1998/namespace", Type::anyURI));
    std::string declaration = prefix.empty() ? "xmlns" : "xmlns:" + prefix;
    for (auto e = element; e && e.type() == pugi::node_element; e = e.parent())
        if (auto attr = e.attribute(declaration.c_str())) {
            if (*attr.value() == 0) return {};
            return single(Atomic::string(attr.value(), Type::anyURI));
        }
    return {};
}

Sequence fn_in_scope_prefixes(Evaluator&, const Focus&, Args& a, const Expr& call) {
    pugi::xml_node element = element_arg(a[0], call);
    std::set<std::string> seen;
    Sequence out{Atomic::string("xml", Type::NCName)};
    seen.insert("xml");
    for (auto e = element; e && e.type() == pugi::node_element; e = e.parent()) {
        for (auto attr : e.attributes()) {
            std::string_view name = attr.name();
            if (name != "xmlns" && name.rfind("xmlns:", 0) != 0) continue;
            std::string prefix(name == "xmlns" ? "" : name.substr(6));
            if (!seen.insert(prefix).second) continue;
            if (*attr.value() != 0 || !prefix.empty()) out.emplace_back(Atomic::string(prefix, Type::NCName));
        }
    }
    return out;
}

} // namespace

void add_misc_functions(std::vector<FunctionDef>& t) {
    t.insert(t.end(), {
                          {k_fn_uri, "error", 0, 3, fn_error},
                          {k_fn_uri, "trace", 2, 2, fn_trace},
                          {k_fn_uri, "static-base-uri", 0, 0, fn_static_base_uri},
                          {k_fn_uri, "normalize-unicode", 1, 2, fn_normalize_unicode},
                          {k_fn_uri, "namespace-uri-for-prefix", 2, 2, fn_namespace_uri_for_prefix},
                          {k_fn_uri, "in-scope-prefixes", 1, 1, fn_in_scope_prefixes},
                      });
}

} // namespace healthdoc::xpath
