// read_fhir_xml: FHIR XML -> the FHIR JSON tree with positions (fhir/fhir_xml.hpp).
#include "fhir/fhir_xml.hpp"
#include "fhir/xml_child.hpp"
#include "fhir/xml_narrative.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <regex>

namespace healthdoc::fhir {

namespace {

using formats::Severity;
using formats::XmlDocument;
using nlohmann::json;

constexpr std::string_view k_fhir_namespace = "http://hl7.org/fhir";
constexpr std::string_view k_xsi_namespace = "http://www.w3.org/2001/XMLSchema-instance";
constexpr int k_max_depth = 512;

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

bool is_integer_text(std::string_view text) {
    std::size_t i = text.size() > 1 && text[0] == '-' ? 1 : 0;
    if (i == text.size()) return false;
    for (; i < text.size(); ++i)
        if (text[i] < '0' || text[i] > '9') return false;
    return true;
}

// JSON's number grammar, which FHIR's decimal follows.
bool is_json_number_text(std::string_view text) {
    static const std::regex grammar(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)");
    return text.size() < 1024 && std::regex_match(text.begin(), text.end(), grammar);
}

// One JSON property being gathered from the XML children that carry its name.
struct Property {
    std::string name;
    FhirChild child;
    std::vector<pugi::xml_node> nodes;
};

// Where the children of one element have got to in their definition's order.
struct Sequence {
    bool started = false;
    std::size_t last_rank = 0;
    std::string last_name;
};

bool has_child_elements(const pugi::xml_node& node) {
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling())
        if (child.type() == pugi::node_element) return true;
    return false;
}

class Reader {
public:
    Reader(const XmlDocument& xml, const std::string& file, const fhirpath::TypeProvider& types,
           formats::Diagnostics& diagnostics, FhirJson& out)
        : m_xml(xml), m_file(file), m_types(types), m_diagnostics(diagnostics), m_out(out),
          m_order(xml_element_order()) {}

    bool read_root() {
        const pugi::xml_node root = m_xml.root();
        const std::string type(XmlDocument::local_name(root.name()));
        if (!is_resource_type(type)) {
            report(Severity::fatal, "fhir.xml.not-a-resource", "the root element is not a FHIR resource", root, "");
            return false;
        }
        m_namespace = XmlDocument::namespace_uri(root);
        if (m_namespace != k_fhir_namespace)
            report(Severity::error, "fhir.xml.wrong-namespace",
                   "the resource is not in the FHIR namespace http://hl7.org/fhir", root, type);
        m_path_of_resource = type;
        read_resource(root, m_out.root, type, 0);
        return true;
    }

private:
    bool is_resource_type(const std::string& name) const {
        const auto* info = m_types.find_type(name);
        return info && info->kind == fhirpath::TypeKind::resource && !info->is_abstract;
    }

    // Where `node` starts. Not XmlDocument::location_of: its XPath costs a walk over the
    // preceding siblings, quadratic over a whole document, and the FHIRPath is known here.
    formats::TextPosition position_of(const pugi::xml_node& node) const {
        const auto offset = node.offset_debug();
        if (offset < 0 || static_cast<std::size_t>(offset) > m_xml.text().size()) return {};
        auto o = static_cast<std::size_t>(offset);
        // offset_debug() gives the name of an element; its start is the "<" just before.
        if (node.type() == pugi::node_element && o > 0 && m_xml.text()[o - 1] == '<') --o;
        return m_xml.position(o);
    }

    void report(Severity severity, std::string rule, std::string message, const pugi::xml_node& node,
                const std::string& path) {
        const auto where = position_of(node);
        m_diagnostics.report(severity, std::move(rule), std::move(message),
                             formats::Location{m_file, where.line, where.column, path});
    }

    void place(const json& value, const pugi::xml_node& node) {
        const auto where = position_of(node);
        if (where.line == 0) return;
        m_out.map.set_position(
            value, TextPosition{static_cast<std::uint32_t>(where.line), static_cast<std::uint32_t>(where.column)});
    }

    // `slot` is already where it stays in the tree, so the positions recorded stay valid.
    void read_resource(const pugi::xml_node& element, json& slot, const std::string& type, int depth) {
        slot = json::object();
        place(slot, element);
        slot["resourceType"] = type;
        place(slot["resourceType"], element);
        read_content(element, type, FhirChildKind::resource, &slot, m_path_of_resource, depth);
    }

    // Attributes, text and child elements of `element`, defined at `definition`, into `out`.
    // With `out` null, only checks (a primitive without id nor extensions has nothing to read).
    void read_content(const pugi::xml_node& element, const std::string& definition, FhirChildKind kind, json* out,
                      const std::string& path, int depth) {
        if (depth > k_max_depth) {
            report(Severity::error, "fhir.xml.too-deep", "the element is nested too deeply to be read", element, path);
            return;
        }
        read_attributes(element, definition, kind, out, path);
        std::vector<Property> properties;
        Sequence sequence;
        bool text_reported = false;
        for (pugi::xml_node node = element.first_child(); node; node = node.next_sibling()) {
            if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
                if (!text_reported && !is_blank(node.value())) {
                    report(Severity::error, "fhir.xml.text-content",
                           "FHIR elements hold no text: values go in the value attribute", element, path);
                    text_reported = true;
                }
                continue;
            }
            if (node.type() != pugi::node_element) continue;
            gather(node, definition, properties, sequence, path);
        }
        if (out)
            for (auto& property : properties) read_property(property, *out, path, depth);
    }

    void read_attributes(const pugi::xml_node& element, const std::string& definition, FhirChildKind kind, json* out,
                         const std::string& path) {
        for (pugi::xml_attribute attribute = element.first_attribute(); attribute;
             attribute = attribute.next_attribute()) {
            const std::string_view name = attribute.name();
            if (name == "xmlns" || name.substr(0, 6) == "xmlns:") continue;
            if (name == "value" && kind == FhirChildKind::primitive) continue; // read by the caller
            if (const auto colon = name.find(':'); colon != std::string_view::npos) {
                const std::string declaration = "xmlns:" + std::string(name.substr(0, colon));
                std::string uri;
                for (auto n = element; n && uri.empty(); n = n.parent()) uri = n.attribute(declaration.c_str()).value();
                if (uri == k_xsi_namespace) continue;
            }
            const bool allowed =
                (name == "id" && kind != FhirChildKind::resource) || (name == "url" && definition == "Extension");
            if (!allowed) {
                report(Severity::error, "fhir.xml.unexpected-attribute",
                       "attribute '" + std::string(name) + "' is not allowed on this element", element, path);
                continue;
            }
            if (!out) continue;
            json& value = (*out)[std::string(name)];
            value = attribute.value();
            place(value, element);
        }
    }

    void gather(const pugi::xml_node& node, const std::string& definition, std::vector<Property>& properties,
                Sequence& sequence, const std::string& path) {
        const std::string name(XmlDocument::local_name(node.name()));
        FhirChild child = resolve_child(m_types, m_order.get(), definition, name);
        const bool is_div = child.kind == FhirChildKind::xhtml;
        if (XmlDocument::namespace_uri(node) != (is_div ? k_xhtml_namespace : std::string_view(m_namespace))) {
            report(Severity::error, "fhir.xml.wrong-namespace",
                   is_div ? "the narrative div is not in the XHTML namespace http://www.w3.org/1999/xhtml"
                          : "element '" + name + "' is not in the FHIR namespace http://hl7.org/fhir",
                   node, path + "." + name);
            if (!is_div) return;
        }
        if (child.kind == FhirChildKind::unknown || child.kind == FhirChildKind::attribute) {
            report(Severity::error, "fhir.xml.unknown-element",
                   child.kind == FhirChildKind::attribute
                       ? "'" + name + "' is written as an XML attribute, not as an element"
                       : "element '" + name + "' is not defined for " + definition,
                   node, path + "." + name);
            return;
        }
        auto property =
            std::find_if(properties.begin(), properties.end(), [&](const Property& p) { return p.name == name; });
        const std::size_t index = property == properties.end() ? 0 : property->nodes.size();
        const std::string child_path = path + "." + name + (child.is_array ? "[" + std::to_string(index) + "]" : "");
        if (child.rank) {
            if (sequence.started && *child.rank < sequence.last_rank) {
                report(Severity::error, "fhir.xml.element-order",
                       "element '" + name + "' is out of the order the definition of " + definition + " gives", node,
                       child_path);
            } else if (sequence.started && *child.rank == sequence.last_rank && name != sequence.last_name) {
                // Two types of one choice element (valueString then valueQuantity).
                report(Severity::error, "fhir.xml.repeated-element",
                       "element '" + name +
                           "' is a second value of a choice element that does not repeat: it is ignored",
                       node, child_path);
                return;
            }
            if (!sequence.started || *child.rank >= sequence.last_rank) {
                sequence.last_rank = *child.rank;
                sequence.last_name = name;
            }
            sequence.started = true;
        }
        if (property == properties.end()) {
            properties.push_back(Property{name, std::move(child), {node}});
            return;
        }
        if (!property->child.is_array) {
            report(Severity::error, "fhir.xml.repeated-element",
                   "element '" + name + "' does not repeat: the occurrences after the first are ignored", node,
                   child_path);
            return;
        }
        property->nodes.push_back(node);
    }

    void read_property(const Property& property, json& out, const std::string& path, int depth) {
        const FhirChild& child = property.child;
        const std::size_t count = property.nodes.size();
        auto item_path = [&](std::size_t i) {
            return path + "." + property.name + (child.is_array ? "[" + std::to_string(i) + "]" : "");
        };
        if (child.kind == FhirChildKind::primitive) {
            read_primitives(property, out, item_path, depth);
            return;
        }
        json& slot = out[property.name];
        if (child.is_array) {
            slot = json::array();
            slot.get_ref<json::array_t&>().resize(count);
        }
        for (std::size_t i = 0; i < count; ++i) {
            json& item = child.is_array ? slot[i] : slot;
            const pugi::xml_node& node = property.nodes[i];
            if (child.kind == FhirChildKind::xhtml) {
                item = narrative_json_text(m_xml, node);
            } else if (child.kind == FhirChildKind::resource) {
                read_wrapped_resource(node, item, item_path(i), depth);
                continue;
            } else {
                item = json::object();
                read_content(node, child.definition, FhirChildKind::complex, &item, item_path(i), depth + 1);
            }
            place(item, node);
        }
        if (child.is_array && count > 0) place(slot, property.nodes.front());
    }

    void read_wrapped_resource(const pugi::xml_node& wrapper, json& slot, const std::string& path, int depth) {
        pugi::xml_node inner;
        bool extra = false;
        for (pugi::xml_node node = wrapper.first_child(); node; node = node.next_sibling()) {
            if (node.type() == pugi::node_element) {
                if (inner)
                    extra = true;
                else
                    inner = node;
            } else if ((node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) &&
                       !is_blank(node.value())) {
                extra = true;
            }
        }
        for (pugi::xml_attribute attribute = wrapper.first_attribute(); attribute;
             attribute = attribute.next_attribute()) {
            const std::string_view name = attribute.name();
            if (name != "xmlns" && name.substr(0, 6) != "xmlns:")
                report(Severity::error, "fhir.xml.unexpected-attribute",
                       "attribute '" + std::string(name) + "' is not allowed on this element", wrapper, path);
        }
        const std::string type = inner ? std::string(XmlDocument::local_name(inner.name())) : std::string();
        if (!inner || !is_resource_type(type) || XmlDocument::namespace_uri(inner) != m_namespace) {
            report(Severity::error, "fhir.xml.not-a-resource", "the element does not hold a FHIR resource", wrapper,
                   path);
            slot = json::object();
            place(slot, wrapper);
            return;
        }
        if (extra)
            report(Severity::error, "fhir.xml.not-a-resource",
                   "the element holds more than one resource: only the first is read", wrapper, path);
        const std::string saved = m_path_of_resource;
        m_path_of_resource = path;
        read_resource(inner, slot, type, depth + 1);
        m_path_of_resource = saved;
    }

    // The value attribute as JSON: booleans and numbers for the types JSON writes so; text
    // that does not fit the type stays a string (the validator reports it).
    void read_value(const std::string& type, const char* text, json& slot) {
        const std::string_view value = text;
        if (type == "boolean") {
            if (value == "true" || value == "false") {
                slot = value == "true";
                return;
            }
        } else if (type == "integer" || type == "positiveInt" || type == "unsignedInt") {
            if (is_integer_text(value) && value.size() < 19) {
                slot = std::stoll(std::string(value));
                return;
            }
        } else if (type == "decimal") {
            if (is_json_number_text(value)) {
                json number = json::parse(value, nullptr, false);
                if (number.is_number() && (!number.is_number_float() || std::isfinite(number.get<double>()))) {
                    slot = std::move(number);
                    const bool is_exact_integer = slot.is_number_integer() || slot.is_number_unsigned();
                    if (value.find_first_of(".eE") != std::string_view::npos || !is_exact_integer)
                        m_out.map.set_decimal_text(slot, std::string(value));
                    return;
                }
            }
        }
        slot = std::string(value);
    }

    template <class ItemPath>
    void read_primitives(const Property& property, json& out, const ItemPath& item_path, int depth) {
        const FhirChild& child = property.child;
        const std::size_t count = property.nodes.size();
        bool any_value = false, any_extra = false;
        for (std::size_t i = 0; i < count; ++i) {
            const auto& node = property.nodes[i];
            const bool has_value = static_cast<bool>(node.attribute("value"));
            const bool has_children = has_child_elements(node);
            // A warning: validation reports the same breach as ele-1, the error the HL7 validator gives.
            if (!has_value && !has_children)
                report(Severity::warning, "fhir.xml.missing-value",
                       "a primitive element needs a value attribute or extensions (ele-1)", node, item_path(i));
            any_value = any_value || has_value;
            const bool has_extra = has_children || node.attribute("id");
            any_extra = any_extra || has_extra;
            if (!has_extra)
                read_content(node, child.definition, FhirChildKind::primitive, nullptr, item_path(i), depth + 1);
        }
        if (any_value) {
            json& slot = out[property.name];
            if (child.is_array) {
                slot = json::array();
                slot.get_ref<json::array_t&>().resize(count);
            }
            for (std::size_t i = 0; i < count; ++i) {
                const pugi::xml_attribute value = property.nodes[i].attribute("value");
                if (!value) continue;
                json& item = child.is_array ? slot[i] : slot;
                read_value(child.type, value.value(), item);
                place(item, property.nodes[i]);
            }
            if (child.is_array) place(slot, property.nodes.front());
        }
        if (any_extra) {
            json& slot = out["_" + property.name];
            if (child.is_array) {
                slot = json::array();
                slot.get_ref<json::array_t&>().resize(count);
            }
            for (std::size_t i = 0; i < count; ++i) {
                const auto& node = property.nodes[i];
                if (!node.attribute("id") && !has_child_elements(node)) continue;
                json& item = child.is_array ? slot[i] : slot;
                item = json::object();
                read_content(node, child.definition, FhirChildKind::primitive, &item, item_path(i), depth + 1);
                place(item, node);
            }
            if (child.is_array) place(slot, property.nodes.front());
        }
    }

    const XmlDocument& m_xml;
    const std::string& m_file;
    const fhirpath::TypeProvider& m_types;
    formats::Diagnostics& m_diagnostics;
    FhirJson& m_out;
    std::shared_ptr<const XmlElementOrder> m_order;
    std::string m_namespace;
    std::string m_path_of_resource;
};

} // namespace

std::unique_ptr<FhirJson> read_fhir_xml(const formats::XmlDocument& xml, const std::string& file,
                                        const fhirpath::TypeProvider& types, formats::Diagnostics& diagnostics) {
    auto out = std::make_unique<FhirJson>();
    if (!xml.root()) {
        diagnostics.report(Severity::fatal, "fhir.xml.not-a-resource", "the document has no root element",
                           formats::Location{file, 0, 0, ""});
        return nullptr;
    }
    Reader reader(xml, file, types, diagnostics, *out);
    if (!reader.read_root()) return nullptr;
    return out;
}

} // namespace healthdoc::fhir
