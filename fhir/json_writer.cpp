// write_fhir_json: FHIR JSON text laid out as the specification's examples are (two-space
// indentation, one value per line), members in the order of their type's definition.
// An explicit stack replaces recursion: no tree, however deep, can overflow the C++ stack.
#include "fhir/fhir_json.hpp"

#include "fhir/xml_element_order.hpp"
#include "formats/text_encoding.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace healthdoc::fhir {
namespace {

using nlohmann::json;

constexpr std::size_t k_no_rank = static_cast<std::size_t>(-1);

// Appends `text` as a JSON string (RFC 8259 section 7): quotes, backslashes and control
// characters escaped, other characters kept as UTF-8. Bytes that are not UTF-8 (a tree built
// elsewhere) become U+FFFD, so the output is always valid JSON.
void append_string(std::string& out, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    out += '"';
    std::size_t invalid = formats::find_invalid_utf8(text);
    std::size_t chunk = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && i != invalid) continue;
        out.append(text, chunk, i - chunk);
        chunk = i + 1;
        if (i == invalid) {
            out += "\xEF\xBF\xBD";
            auto rest = formats::find_invalid_utf8(text.substr(i + 1));
            invalid = rest == std::string_view::npos ? rest : i + 1 + rest;
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\u00";
            out += k_hex[c >> 4];
            out += k_hex[c & 0xF];
        }
    }
    out.append(text, chunk, std::string_view::npos);
    out += '"';
}

void append_scalar(std::string& out, const json& value, const JsonSourceMap* map) {
    switch (value.type()) {
    case json::value_t::string: append_string(out, value.get_ref<const std::string&>()); return;
    case json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
        if (const std::string* written = map ? map->decimal_text(value) : nullptr)
            out += *written;
        else
            out += value.dump(); // shortest text that reads back as the same double
        return;
    case json::value_t::object: out += "{}"; return;
    case json::value_t::array: out += "[]"; return;
    default: out += "null"; return;
    }
}

bool is_empty_or_scalar(const json& value) { return !value.is_structured() || value.empty(); }

// One member of an object, with where it goes and the definition path its value's own
// members are defined at ("" when unknown: they are then written alphabetically).
struct Member {
    const std::string* key;
    const json* value;
    int group; // 0 resourceType, 1 defined by the type, 2 unknown
    std::size_t rank;
    std::string_view base; // the name without the '_' of primitive extensions
    std::string child_context;
};

class MemberOrder {
public:
    explicit MemberOrder(const fhirpath::TypeProvider* types)
        : m_types(types), m_order(types ? xml_element_order() : nullptr) {}

    // The definition path the members of `object` are defined at: its own type for a resource
    // (nested ones in contained, Bundle.entry.resource, Parameters.parameter.resource too).
    std::string object_context(const json& object, const std::string& context) const {
        if (!m_types) return {};
        auto type = object.find("resourceType");
        if (type != object.end() && type->is_string()) {
            const auto* info = m_types->find_type(type->get_ref<const std::string&>());
            if (info && info->kind == fhirpath::TypeKind::resource) return info->name;
        }
        return context;
    }

    std::vector<Member> members(const json& object, const std::string& context) const {
        std::vector<Member> members;
        members.reserve(object.size());
        for (const auto& [key, value] : object.items()) members.push_back(describe(key, value, context));
        std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) {
            if (a.group != b.group) return a.group < b.group;
            if (a.rank != b.rank) return a.rank < b.rank;
            if (a.base != b.base) return a.base < b.base;
            return a.key->size() < b.key->size(); // "name" before "_name"
        });
        return members;
    }

private:
    Member describe(const std::string& key, const json& value, const std::string& context) const {
        Member member{&key, &value, 2, k_no_rank, key, {}};
        if (key == "resourceType") {
            member.group = 0;
            return member;
        }
        if (!key.empty() && key[0] == '_') member.base = std::string_view(key).substr(1);
        if (!m_types || context.empty()) return member;
        // The element: named as the member, or a choice element named by a prefix of it
        // ("valueQuantity" -> "value" of type Quantity).
        std::string_view name = member.base, suffix;
        const fhirpath::ElementInfo* element = m_types->find_element(context + "." + std::string(name));
        for (std::size_t i = 1; !element && i < member.base.size(); ++i) {
            if (!std::isupper(static_cast<unsigned char>(member.base[i]))) continue;
            const auto* candidate = m_types->find_element(context + "." + std::string(member.base.substr(0, i)));
            if (candidate && candidate->is_choice) {
                element = candidate;
                name = member.base.substr(0, i);
                suffix = member.base.substr(i);
            }
        }
        if (!element) return member;
        member.group = 1;
        member.rank = 0; // without an order source, defined members are alphabetical
        if (m_order)
            if (auto child = m_order->child(context, name)) member.rank = child->rank;
        member.child_context = child_context(*element, context + "." + std::string(name), suffix);
        return member;
    }

    std::string child_context(const fhirpath::ElementInfo& element, std::string path, std::string_view suffix) const {
        if (!element.content_reference.empty()) {
            const auto hash = element.content_reference.find('#');
            return hash == std::string::npos ? element.content_reference : element.content_reference.substr(hash + 1);
        }
        if (!suffix.empty()) {
            auto type = fhirpath::choice_suffix_type(suffix);
            return type.empty() ? std::string(suffix) : type;
        }
        if (element.types.empty()) return {};
        const std::string& type = element.types.front();
        if (element.types.size() == 1 && (type == "BackboneElement" || type == "Element")) return path;
        return type;
    }

    const fhirpath::TypeProvider* m_types;
    std::shared_ptr<const XmlElementOrder> m_order;
};

struct Frame {
    const json* container;
    std::vector<Member> members; // objects, in output order
    std::string item_context;    // arrays: the definition path of their items
    std::size_t next = 0;
    std::size_t indent = 0;
};

void newline(std::string& out, std::size_t indent) {
    out += '\n';
    out.append(indent * 2, ' ');
}

} // namespace

std::string write_fhir_json(const nlohmann::json& resource, const JsonSourceMap* map,
                            const fhirpath::TypeProvider* types) {
    std::string out;
    if (is_empty_or_scalar(resource)) {
        append_scalar(out, resource, map);
        return out;
    }
    const MemberOrder order(types);
    std::vector<Frame> stack;
    auto open = [&](const json& container, const std::string& context, std::size_t indent) {
        Frame frame{&container, {}, {}, 0, indent};
        if (container.is_object()) {
            out += '{';
            frame.members = order.members(container, order.object_context(container, context));
        } else {
            out += '[';
            frame.item_context = context;
        }
        stack.push_back(std::move(frame));
    };
    open(resource, "", 0);
    while (!stack.empty()) {
        Frame& frame = stack.back();
        const bool is_object = frame.container->is_object();
        if (frame.next == frame.container->size()) {
            newline(out, frame.indent);
            out += is_object ? '}' : ']';
            stack.pop_back();
            continue;
        }
        if (frame.next > 0) out += ',';
        newline(out, frame.indent + 1);
        const json* child;
        const std::string* context;
        if (is_object) {
            const Member& member = frame.members[frame.next];
            append_string(out, *member.key);
            out += ": ";
            child = member.value;
            context = &member.child_context;
        } else {
            child = &(*frame.container)[frame.next];
            context = &frame.item_context;
        }
        ++frame.next;
        if (is_empty_or_scalar(*child))
            append_scalar(out, *child, map);
        else
            open(*child, std::string(*context), frame.indent + 1); // copies: `frame` may move
    }
    return out;
}

} // namespace healthdoc::fhir
