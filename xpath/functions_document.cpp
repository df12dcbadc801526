// doc(), doc-available() and XSLT document(): URIs resolved against the static base URI, local
// files only (any other scheme is refused: the engine never touches the network), loaded
// through the caller's DocumentProvider.
#include "xpath/functions.hpp"

#include "formats/xml_document.hpp"

#include <filesystem>

namespace healthdoc::xpath {
namespace {

using Args = std::vector<Sequence>;

std::string percent_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// A local path for `uri`, or nullopt when it names something that is not a local file.
std::optional<std::string> local_path(const std::string& uri, const std::string& base_uri) {
    std::string u = uri;
    auto colon = u.find(':');
    bool has_scheme = colon != std::string::npos && colon > 1 &&
                      u.find_first_of("/?#") > colon; // "C:" style drive letters are not schemes
    if (has_scheme) {
        if (u.rfind("file:", 0) != 0) return std::nullopt;
        u = u.substr(5);
        if (u.rfind("//", 0) == 0) u = u.substr(2); // file://host/path: only an empty host
        if (!u.empty() && u[0] != '/') return std::nullopt;
    }
    u = percent_decode(u);
    std::filesystem::path path(u);
    if (path.is_relative()) {
        std::string base = base_uri;
        if (base.rfind("file://", 0) == 0)
            base = base.substr(7);
        else if (base.rfind("file:", 0) == 0)
            base = base.substr(5);
        else if (base.find("://") != std::string::npos)
            return std::nullopt;
        base = percent_decode(base);
        std::filesystem::path folder = base.empty() || base.back() == '/' ? std::filesystem::path(base)
                                                                          : std::filesystem::path(base).parent_path();
        path = folder / path;
    }
    return path.lexically_normal().string();
}

const formats::XmlDocument* load(Evaluator& ev, const std::string& uri, const Expr& call) {
    auto path = local_path(uri, ev.compiled().context.base_uri);
    if (!path) throw Error("FODC0002", "only local files can be read: " + uri, call.offset);
    DocumentProvider* provider = ev.dynamic().documents;
    const formats::XmlDocument* document = provider ? provider->load(*path) : nullptr;
    if (!document) throw Error("FODC0002", "cannot read document " + *path, call.offset);
    return document;
}

Sequence document_node(const formats::XmlDocument* document) { return {pugi::xpath_node(document->dom())}; }

Sequence fn_doc(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    if (a[0].empty()) return {};
    return document_node(load(ev, string_arg(ev, a[0], call), call));
}

Sequence fn_doc_available(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    if (a[0].empty()) return single(Atomic::boolean(false));
    try {
        load(ev, string_arg(ev, a[0], call), call);
        return single(Atomic::boolean(true));
    } catch (const Error& e) {
        if (e.code != "FODC0002") throw;
        return single(Atomic::boolean(false));
    }
}

// XSLT 2.0 document($uris): each item's string value is a URI (relative to the static base).
Sequence fn_document(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::vector<pugi::xpath_node> nodes;
    for (auto& item : a[0]) {
        std::string uri = string_value(item);
        for (auto& n : document_node(load(ev, uri, call))) nodes.push_back(n.node());
    }
    ev.index().sort_unique(nodes);
    return Sequence(nodes.begin(), nodes.end());
}

} // namespace

void add_document_functions(std::vector<FunctionDef>& t) {
    t.insert(t.end(), {
                          {k_fn_uri, "doc", 1, 1, fn_doc},
                          {k_fn_uri, "doc-available", 1, 1, fn_doc_available},
                          {k_fn_uri, "document", 1, 2, fn_document},
                      });
}

} // namespace healthdoc::xpath
