// Internal: what the evaluator asks of a node (kind, names, namespace, order, string value),
// answered from pugixml and the document's DocumentIndex.
#pragma once

#include "xpath/xpath.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace healthdoc::xpath {

struct DocumentIndex::Data {
    struct Info {
        std::uint32_t order = 0;
        std::uint32_t end = 0;       // elements and the document: order of the last node of the subtree
        std::uint32_t ns = 0;        // index into uris; 0 = no namespace
        bool namespace_decl = false; // xmlns / xmlns:p attribute: not in the data model
    };
    const void* root = nullptr; // the document's xml_node_struct
    std::vector<std::string> uris{""};
    std::unordered_map<std::string, std::uint32_t> uri_ids{{"", 0}};
    std::unordered_map<const void*, Info> info;
    // Elements by expanded name (name_key), in document order: descendant::x and //x become a
    // binary search in this list instead of a walk of the subtree.
    std::unordered_map<std::string, std::vector<pugi::xml_node>> by_name;
    static std::string name_key(std::uint32_t ns, std::string_view local) {
        std::string key = std::to_string(ns);
        key += '|';
        key += local;
        return key;
    }

    // Elements of one name by the value of one attribute or of their text children, built on
    // first use (value-set lookups: doc($vs)//svs:Concept[@code = $code]) and then read-only.
    struct ValueIndex {
        std::unordered_map<std::string, std::vector<pugi::xml_node>> elements; // in document order
    };
    const ValueIndex& value_index(const std::string& key, const std::function<void(ValueIndex&)>& build) const {
        std::lock_guard lock(values_mutex);
        auto& slot = values[key];
        if (!slot) {
            auto index = std::make_unique<ValueIndex>();
            build(*index);
            slot = std::move(index);
        }
        return *slot;
    }
    mutable std::mutex values_mutex;
    mutable std::unordered_map<std::string, std::unique_ptr<const ValueIndex>> values;

    static constexpr std::uint32_t unknown_uri = 0xffffffffu;
    std::uint32_t uri_id(const std::string& uri) const {
        auto it = uri_ids.find(uri);
        return it == uri_ids.end() ? unknown_uri : it->second;
    }
};

std::unique_ptr<DocumentIndex::Data> build_index(const pugi::xml_node& document);

enum class NodeKind : std::uint8_t { document, element, attribute, text, comment, processing_instruction, other };

NodeKind kind_of(const pugi::xpath_node& node) noexcept;
// Identity of a node (attribute or node struct pointer).
inline const void* identity(const pugi::xpath_node& node) noexcept {
    return node.attribute() ? static_cast<const void*>(node.attribute().internal_object())
                            : static_cast<const void*>(node.node().internal_object());
}
// The document node a node belongs to.
pugi::xml_node root_of(const pugi::xpath_node& node) noexcept;
// The name as written ("cda:id"), "" for unnamed nodes.
const char* qualified_name(const pugi::xpath_node& node) noexcept;
std::string_view local_part(const char* qualified) noexcept;
std::string_view prefix_part(const char* qualified) noexcept;
std::string node_string_value(const pugi::xpath_node& node);
// Appends the string value (avoids a copy when comparing).
void append_string_value(const pugi::xpath_node& node, std::string& out);

// Finds the index of each document met during one evaluation: the registered DocumentIndex, or
// a temporary one built on first use and dropped with the lookup.
class IndexLookup {
public:
    const DocumentIndex::Data& of(const pugi::xpath_node& node);
    const DocumentIndex::Data& of_root(const pugi::xml_node& document);
    const DocumentIndex::Data::Info& info(const pugi::xpath_node& node);
    // Namespace URI of an element or attribute.
    const std::string& namespace_uri(const pugi::xpath_node& node);
    // Document order (for nodes of different documents: by document, stable within a run).
    bool before(const pugi::xpath_node& a, const pugi::xpath_node& b);
    // Sorts into document order and removes duplicates.
    void sort_unique(std::vector<pugi::xpath_node>& nodes);

private:
    const void* m_last_root = nullptr;
    const DocumentIndex::Data* m_last = nullptr;
    std::vector<std::unique_ptr<DocumentIndex::Data>> m_owned;
};

} // namespace healthdoc::xpath
