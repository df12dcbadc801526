// write_fhir_xml: the FHIR JSON tree -> FHIR XML text (fhir/fhir_xml.hpp).
#include "fhir/fhir_xml.hpp"
#include "fhir/xml_child.hpp"
#include "fhir/xml_narrative.hpp"

#include <algorithm>
#include <vector>

namespace healthdoc::fhir {

namespace {

using nlohmann::json;

constexpr int k_max_depth = 512;

// XML text of a JSON string: the five markup characters escaped, and in attributes the white
// space XML would normalise (tab, line feed, carriage return) as character references.
// Control characters XML 1.0 cannot carry at all are left out.
void append_escaped(std::string& out, std::string_view text, bool attribute) {
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += attribute ? "&quot;" : "\""; break;
        case '\n': out += attribute ? "&#10;" : "\n"; break;
        case '\r': out += "&#13;"; break;
        case '\t': out += attribute ? "&#9;" : "\t"; break;
        default:
            if (static_cast<unsigned char>(c) >= 0x20) out += c;
        }
    }
}

// One member of a JSON object to write: "name" and its "_name" partner.
struct Member {
    std::string name;
    const json* value = nullptr;  // "name"
    const json* extras = nullptr; // "_name"
    FhirChild child;
    std::size_t json_order = 0;
};

class Writer {
public:
    Writer(const JsonSourceMap* map, const fhirpath::TypeProvider& types)
        : m_map(map), m_types(types), m_order(xml_element_order()) {}

    std::string document(const json& resource) {
        m_out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
        write_resource(resource, 0, true);
        return std::move(m_out);
    }

private:
    void indent(int level) { m_out.append(static_cast<std::size_t>(level) * 2, ' '); }

    std::string type_of(const json& resource) const {
        auto found = resource.find("resourceType");
        return found != resource.end() && found->is_string() ? found->get<std::string>() : std::string("Resource");
    }

    void write_resource(const json& resource, int level, bool root) {
        const std::string type = type_of(resource);
        indent(level);
        m_out += "<" + type;
        if (root) m_out += " xmlns=\"http://hl7.org/fhir\"";
        write_body(resource, type, type, level, true);
    }

    // The value attribute's text: decimals as written, else JSON's own form.
    std::string value_text(const json& value) const {
        if (value.is_string()) return value.get<std::string>();
        if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
        if (value.is_number()) {
            if (m_map)
                if (const std::string* text = m_map->decimal_text(value)) return *text;
            return value.dump(-1, ' ', false, json::error_handler_t::replace);
        }
        return value.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    void attribute(std::string_view name, const json& value) {
        m_out += " ";
        m_out += name;
        m_out += "=\"";
        append_escaped(m_out, value_text(value), true);
        m_out += "\"";
    }

    // Ends the start tag already written up to its name and attributes (the attributes of
    // `object` that XML writes so are added here), then the children and the end tag.
    void write_body(const json& object, const std::string& element_name, const std::string& definition, int level,
                    bool is_resource) {
        std::vector<Member> members = collect(object, definition, is_resource);
        for (const auto& member : members)
            if (member.child.kind == FhirChildKind::attribute && member.value) attribute(member.name, *member.value);
        const bool has_children = std::any_of(members.begin(), members.end(),
                                              [](const Member& m) { return m.child.kind != FhirChildKind::attribute; });
        if (!has_children) {
            m_out += "/>\n";
            return;
        }
        m_out += ">\n";
        if (level >= k_max_depth) {
            indent(level + 1);
            m_out += "<!-- nested too deeply to be written -->\n";
        } else {
            for (const auto& member : members)
                if (member.child.kind != FhirChildKind::attribute) write_member(member, level + 1);
        }
        indent(level);
        m_out += "</" + element_name + ">\n";
    }

    std::vector<Member> collect(const json& object, const std::string& definition, bool is_resource) {
        std::vector<Member> members;
        if (!object.is_object()) return members;
        auto member_named = [&](const std::string& name) -> Member& {
            for (auto& member : members)
                if (member.name == name) return member;
            Member member;
            member.name = name;
            member.child = resolve_child(m_types, m_order.get(), definition, name);
            member.json_order = members.size();
            members.push_back(std::move(member));
            return members.back();
        };
        for (auto it = object.begin(); it != object.end(); ++it) {
            const std::string& key = it.key();
            if (is_resource && key == "resourceType") continue;
            if (key.size() > 1 && key[0] == '_') {
                member_named(key.substr(1)).extras = &it.value();
            } else {
                member_named(key).value = &it.value();
            }
        }
        // Known members in definition order; the unknown after them, as they came.
        std::stable_sort(members.begin(), members.end(), [](const Member& a, const Member& b) {
            const std::size_t unknown = static_cast<std::size_t>(-1);
            return a.child.rank.value_or(unknown) < b.child.rank.value_or(unknown);
        });
        return members;
    }

    void write_member(const Member& member, int level) {
        const FhirChild& child = member.child;
        if (child.kind == FhirChildKind::primitive || (child.kind == FhirChildKind::unknown && member.extras)) {
            write_primitives(member, level);
            return;
        }
        if (!member.value) return;
        const json& value = *member.value;
        if (value.is_array()) {
            for (const auto& item : value) write_item(member, item, level);
        } else {
            write_item(member, value, level);
        }
    }

    void write_item(const Member& member, const json& item, int level) {
        const FhirChild& child = member.child;
        if (child.kind == FhirChildKind::xhtml && item.is_string()) {
            write_div(item.get<std::string>(), level);
            return;
        }
        if (item.is_object() && (child.kind == FhirChildKind::resource ||
                                 (child.kind == FhirChildKind::unknown && item.contains("resourceType")))) {
            indent(level);
            m_out += "<" + member.name + ">\n";
            write_resource(item, level + 1, false);
            indent(level);
            m_out += "</" + member.name + ">\n";
            return;
        }
        indent(level);
        m_out += "<" + member.name;
        if (item.is_object()) {
            write_body(item, member.name, child.definition, level, false);
        } else if (!item.is_null()) {
            // A JSON primitive where the definition wants an object, or an unknown member.
            attribute("value", item);
            m_out += "/>\n";
        } else {
            m_out += "/>\n";
        }
    }

    // A primitive, or an array of them: "name" and "_name" paired item by item.
    void write_primitives(const Member& member, int level) {
        const json* values = member.value;
        const json* extras = member.extras;
        const bool is_array = (values && values->is_array()) || (extras && extras->is_array());
        const std::size_t count = !is_array ? 1
                                            : std::max(values && values->is_array() ? values->size() : 0,
                                                       extras && extras->is_array() ? extras->size() : 0);
        static const json null_value;
        for (std::size_t i = 0; i < count; ++i) {
            const json& value =
                !values ? null_value
                        : (is_array ? (values->is_array() && i < values->size() ? (*values)[i] : null_value) : *values);
            const json& extra =
                !extras ? null_value
                        : (is_array ? (extras->is_array() && i < extras->size() ? (*extras)[i] : null_value) : *extras);
            if (value.is_null() && !extra.is_object()) continue;
            if (value.is_object() || value.is_array()) { // not a primitive after all
                write_item(member, value, level);
                continue;
            }
            indent(level);
            m_out += "<" + member.name;
            if (extra.is_object())
                if (auto id = extra.find("id"); id != extra.end() && !id->is_object() && !id->is_array())
                    attribute("id", *id);
            if (!value.is_null()) attribute("value", value);
            const std::string definition = member.child.definition.empty() ? "string" : member.child.definition;
            const std::vector<Member> inner =
                extra.is_object() ? collect(extra, definition, false) : std::vector<Member>();
            const bool has_children = std::any_of(
                inner.begin(), inner.end(), [](const Member& m) { return m.child.kind != FhirChildKind::attribute; });
            if (!has_children) {
                m_out += "/>\n";
                continue;
            }
            m_out += ">\n";
            for (const auto& nested : inner)
                if (nested.child.kind != FhirChildKind::attribute) write_member(nested, level + 1);
            indent(level);
            m_out += "</" + member.name + ">\n";
        }
    }

    void write_div(const std::string& div, int level) {
        indent(level);
        if (is_embeddable_xhtml(div)) {
            m_out += div;
        } else {
            // Not well-formed XHTML: kept as the text of a div so the document stays readable.
            m_out += "<div xmlns=\"http://www.w3.org/1999/xhtml\">";
            append_escaped(m_out, div, false);
            m_out += "</div>";
        }
        m_out += "\n";
    }

    const JsonSourceMap* m_map;
    const fhirpath::TypeProvider& m_types;
    std::shared_ptr<const XmlElementOrder> m_order;
    std::string m_out;
};

} // namespace

std::string write_fhir_xml(const nlohmann::json& resource, const JsonSourceMap* map,
                           const fhirpath::TypeProvider& types) {
    return Writer(map, types).document(resource);
}

} // namespace healthdoc::fhir
