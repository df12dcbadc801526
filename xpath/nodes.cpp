// Node facts and the per-document index (namespace URIs, document order), built iteratively.
#include "xpath/nodes.hpp"

#include "formats/xml_document.hpp"

#include <algorithm>
#include <cstring>
#include <shared_mutex>

namespace healthdoc::xpath {
namespace {

constexpr const char* k_xml_uri = "http://www.w3.org/XML/1998/namespace";

// Registered indexes, by document root struct. Guarded for concurrent registration and lookup.
std::shared_mutex g_registry_mutex;
std::unordered_map<const void*, const DocumentIndex::Data*>& registry() {
    static std::unordered_map<const void*, const DocumentIndex::Data*> map;
    return map;
}

std::uint32_t intern(DocumentIndex::Data& data, std::string_view uri) {
    auto [it, inserted] = data.uri_ids.try_emplace(std::string(uri), static_cast<std::uint32_t>(data.uris.size()));
    if (inserted) data.uris.emplace_back(uri);
    return it->second;
}

bool is_namespace_decl(const char* name) {
    return std::strncmp(name, "xmlns", 5) == 0 && (name[5] == 0 || name[5] == ':');
}

} // namespace

std::unique_ptr<DocumentIndex::Data> build_index(const pugi::xml_node& document) {
    auto data = std::make_unique<DocumentIndex::Data>();
    data->root = document.internal_object();
    std::uint32_t order = 0;
    using Info = DocumentIndex::Data::Info;
    data->info.emplace(data->root, Info{order++, 0, 0, false});
    std::vector<const void*> open_elements; // to set each element's subtree end when it closes
    auto close = [&] {
        data->info[open_elements.back()].end = order - 1;
        open_elements.pop_back();
    };
    // In-scope bindings as a stack: (prefix, uri id); `frames` remembers the stack size per depth.
    std::vector<std::pair<std::string_view, std::uint32_t>> bindings{{"xml", intern(*data, k_xml_uri)}};
    std::vector<std::size_t> frames;
    auto resolve = [&](std::string_view prefix, std::uint32_t fallback) {
        for (auto it = bindings.rbegin(); it != bindings.rend(); ++it)
            if (it->first == prefix) return it->second;
        return fallback;
    };
    pugi::xml_node node = document.first_child();
    while (node) {
        Info info{order, order, 0, false};
        ++order;
        if (node.type() == pugi::node_element) {
            frames.push_back(bindings.size());
            for (auto a : node.attributes()) {
                const char* name = a.name();
                if (!is_namespace_decl(name)) continue;
                bindings.emplace_back(name[5] == ':' ? std::string_view(name + 6) : std::string_view(),
                                      intern(*data, a.value()));
            }
            info.ns = resolve(prefix_part(node.name()), 0);
            data->info.emplace(node.internal_object(), info);
            data->by_name[DocumentIndex::Data::name_key(info.ns, local_part(node.name()))].push_back(node);
            open_elements.push_back(node.internal_object());
            for (auto a : node.attributes()) {
                Info ai{order, order, 0, is_namespace_decl(a.name())};
                ++order;
                auto prefix = prefix_part(a.name());
                if (!ai.namespace_decl && !prefix.empty()) ai.ns = resolve(prefix, 0);
                data->info.emplace(a.internal_object(), ai);
            }
            if (node.first_child()) {
                node = node.first_child();
                continue;
            }
            bindings.resize(frames.back());
            frames.pop_back();
            close();
        } else {
            data->info.emplace(node.internal_object(), info);
        }
        // Next in document order: the next sibling, else climb (closing element scopes).
        while (node && !node.next_sibling()) {
            node = node.parent();
            if (!node || node.type() != pugi::node_element) {
                node = pugi::xml_node();
                break;
            }
            bindings.resize(frames.back());
            frames.pop_back();
            close();
        }
        if (node) node = node.next_sibling();
    }
    data->info[data->root].end = order - 1;
    return data;
}

DocumentIndex::DocumentIndex(const pugi::xml_document& document) : m_data(build_index(document)) {
    std::unique_lock lock(g_registry_mutex);
    registry()[m_data->root] = m_data.get();
}

DocumentIndex::DocumentIndex(const formats::XmlDocument& document) : DocumentIndex(document.dom()) {}

DocumentIndex::~DocumentIndex() {
    std::unique_lock lock(g_registry_mutex);
    auto it = registry().find(m_data->root);
    if (it != registry().end() && it->second == m_data.get()) registry().erase(it);
}

NodeKind kind_of(const pugi::xpath_node& node) noexcept {
    if (node.attribute()) return NodeKind::attribute;
    switch (node.node().type()) {
    case pugi::node_document: return NodeKind::document;
    case pugi::node_element: return NodeKind::element;
    case pugi::node_pcdata:
    case pugi::node_cdata: return NodeKind::text;
    case pugi::node_comment: return NodeKind::comment;
    case pugi::node_pi: return NodeKind::processing_instruction;
    default: return NodeKind::other;
    }
}

pugi::xml_node root_of(const pugi::xpath_node& node) noexcept {
    return node.attribute() ? node.parent().root() : node.node().root();
}

const char* qualified_name(const pugi::xpath_node& node) noexcept {
    if (node.attribute()) return node.attribute().name();
    auto type = node.node().type();
    return type == pugi::node_element || type == pugi::node_pi ? node.node().name() : "";
}

std::string_view local_part(const char* qualified) noexcept {
    const char* colon = std::strchr(qualified, ':');
    return colon ? std::string_view(colon + 1) : std::string_view(qualified);
}

std::string_view prefix_part(const char* qualified) noexcept {
    const char* colon = std::strchr(qualified, ':');
    return colon ? std::string_view(qualified, static_cast<std::size_t>(colon - qualified)) : std::string_view();
}

void append_string_value(const pugi::xpath_node& node, std::string& out) {
    if (node.attribute()) {
        out += node.attribute().value();
        return;
    }
    auto n = node.node();
    switch (n.type()) {
    case pugi::node_pcdata:
    case pugi::node_cdata:
    case pugi::node_comment:
    case pugi::node_pi: out += n.value(); return;
    case pugi::node_element:
    case pugi::node_document: break;
    default: return;
    }
    // Concatenated descendant text, iteratively.
    auto cur = n.first_child();
    while (cur) {
        auto type = cur.type();
        if (type == pugi::node_pcdata || type == pugi::node_cdata) out += cur.value();
        if (type == pugi::node_element && cur.first_child()) {
            cur = cur.first_child();
            continue;
        }
        while (cur && !cur.next_sibling()) {
            cur = cur.parent();
            if (cur == n) cur = pugi::xml_node();
        }
        if (cur) cur = cur.next_sibling();
    }
}

std::string node_string_value(const pugi::xpath_node& node) {
    std::string out;
    append_string_value(node, out);
    return out;
}

const DocumentIndex::Data& IndexLookup::of_root(const pugi::xml_node& document) {
    const void* root = document.internal_object();
    if (root == m_last_root) return *m_last;
    const DocumentIndex::Data* found = nullptr;
    {
        std::shared_lock lock(g_registry_mutex);
        auto it = registry().find(root);
        if (it != registry().end()) found = it->second;
    }
    if (!found) {
        for (auto& owned : m_owned)
            if (owned->root == root) found = owned.get();
    }
    if (!found) {
        m_owned.push_back(build_index(document));
        found = m_owned.back().get();
    }
    m_last_root = root;
    m_last = found;
    return *found;
}

const DocumentIndex::Data& IndexLookup::of(const pugi::xpath_node& node) { return of_root(root_of(node)); }

const DocumentIndex::Data::Info& IndexLookup::info(const pugi::xpath_node& node) {
    static const DocumentIndex::Data::Info none{};
    const auto& data = of(node);
    auto it = data.info.find(identity(node));
    return it == data.info.end() ? none : it->second;
}

const std::string& IndexLookup::namespace_uri(const pugi::xpath_node& node) {
    const auto& data = of(node);
    auto it = data.info.find(identity(node));
    return data.uris[it == data.info.end() ? 0 : it->second.ns];
}

bool IndexLookup::before(const pugi::xpath_node& a, const pugi::xpath_node& b) {
    auto ra = root_of(a).internal_object(), rb = root_of(b).internal_object();
    if (ra != rb) return std::less<const void*>()(ra, rb);
    return info(a).order < info(b).order;
}

void IndexLookup::sort_unique(std::vector<pugi::xpath_node>& nodes) {
    if (nodes.size() < 2) return;
    std::vector<std::pair<std::pair<const void*, std::uint32_t>, std::size_t>> keys;
    keys.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i)
        keys.push_back({{root_of(nodes[i]).internal_object(), info(nodes[i]).order}, i});
    std::sort(keys.begin(), keys.end(), [](const auto& x, const auto& y) {
        if (x.first.first != y.first.first) return std::less<const void*>()(x.first.first, y.first.first);
        return x.first.second < y.first.second;
    });
    std::vector<pugi::xpath_node> out;
    out.reserve(nodes.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
        if (i == 0 || keys[i].first != keys[i - 1].first) out.push_back(nodes[keys[i].second]);
    nodes.swap(out);
}

} // namespace healthdoc::xpath
