#include "fhir/xml_to_json.hpp"

#include "formats/errors.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

namespace healthdoc::fhir {

namespace {

using nlohmann::json;
using fhirpath::ElementInfo;
using fhirpath::TypeProvider;

constexpr int k_max_depth = 256;

std::string local_name(const pugi::xml_node& node) {
    std::string name = node.name();
    const auto colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
}

json primitive(const std::string& type, const std::string& text) {
    if (type == "boolean") {
        if (text == "true") return true;
        if (text == "false") return false;
        return text;
    }
    if (type == "integer" || type == "positiveInt" || type == "unsignedInt" || type == "decimal") {
        json number = json::parse(text, nullptr, false);
        if (!number.is_discarded() && number.is_number()) return number;
        return text;
    }
    return text;
}

// Values gathered for one JSON property, in document order.
struct Property {
    std::string key;
    bool is_array = false;
    bool is_primitive = false;
    std::vector<json> values;
    std::vector<json> extras;
};

class Converter {
public:
    explicit Converter(const TypeProvider& types) : m_types(types) {}

    json resource(const pugi::xml_node& element, int depth) {
        json out = json::object();
        const std::string type = local_name(element);
        out["resourceType"] = type;
        children(element, type, out, depth + 1);
        return out;
    }

private:
    // The definition of child `name` of `path`, resolving value[x] names; `type` receives
    // the FHIR type and `child_path` the path its own children are looked up under.
    const ElementInfo* lookup(const std::string& path, const std::string& name, std::string& type, std::string& child_path) const {
        if (const ElementInfo* element = m_types.find_element(path + "." + name); element && !element->is_choice) {
            if (!element->content_reference.empty()) {
                type = "BackboneElement";
                child_path = element->content_reference;
            } else if (!element->types.empty()) {
                type = element->types[0];
                child_path = (type == "BackboneElement" || type == "Element") ? path + "." + name : type;
            }
            return element;
        }
        for (std::size_t cut = name.size() - 1; cut > 0; --cut) {
            if (!std::isupper(static_cast<unsigned char>(name[cut]))) continue;
            const ElementInfo* choice = m_types.find_element(path + "." + name.substr(0, cut));
            if (choice && choice->is_choice) {
                type = fhirpath::choice_suffix_type(std::string_view(name).substr(cut));
                child_path = type;
                return choice;
            }
        }
        return nullptr;
    }

    void children(const pugi::xml_node& element, const std::string& path, json& out, int depth) {
        if (depth > k_max_depth) return;
        std::vector<Property> properties;
        auto property = [&](const std::string& key) -> Property& {
            for (auto& p : properties)
                if (p.key == key) return p;
            properties.push_back(Property{key, false, false, {}, {}});
            return properties.back();
        };
        for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
            if (child.type() != pugi::node_element) continue;
            const std::string name = local_name(child);
            std::string type, child_path;
            const ElementInfo* info = lookup(path, name, type, child_path);
            Property& p = property(name);
            p.is_array = info && info->is_array;
            if (type == "xhtml") {
                std::ostringstream xml;
                child.print(xml, "", pugi::format_raw);
                p.values.push_back(xml.str());
                p.extras.push_back(nullptr);
                p.is_primitive = true;
            } else if (type == "Resource" || type == "DomainResource") {
                pugi::xml_node inner = child.first_child();
                while (inner && inner.type() != pugi::node_element) inner = inner.next_sibling();
                p.values.push_back(inner ? resource(inner, depth) : json::object());
                p.extras.push_back(nullptr);
            } else if (fhirpath::is_fhir_primitive(type) || (!info && child.attribute("value"))) {
                p.is_primitive = true;
                pugi::xml_attribute value = child.attribute("value");
                p.values.push_back(value ? primitive(type, value.value()) : json());
                json extras = json::object();
                if (pugi::xml_attribute id = child.attribute("id")) extras["id"] = id.value();
                children(child, type.empty() ? std::string("Element") : type, extras, depth + 1);
                p.extras.push_back(extras.empty() ? json() : extras);
            } else {
                json object = json::object();
                if (pugi::xml_attribute id = child.attribute("id")) object["id"] = id.value();
                if (pugi::xml_attribute url = child.attribute("url")) object["url"] = url.value();
                children(child, child_path, object, depth + 1);
                p.values.push_back(std::move(object));
                p.extras.push_back(nullptr);
            }
        }
        for (Property& p : properties) {
            const bool any_extras = std::any_of(p.extras.begin(), p.extras.end(), [](const json& e) { return !e.is_null(); });
            const bool any_values = std::any_of(p.values.begin(), p.values.end(), [](const json& v) { return !v.is_null(); });
            if (p.is_array || p.values.size() > 1) {
                if (any_values) out[p.key] = p.values;
                if (p.is_primitive && any_extras) out["_" + p.key] = p.extras;
            } else {
                if (any_values) out[p.key] = p.values[0];
                if (p.is_primitive && any_extras) out["_" + p.key] = p.extras[0];
            }
        }
    }

    const TypeProvider& m_types;
};

} // namespace

json xml_to_json(const pugi::xml_node& resource, const TypeProvider& types) {
    return Converter(types).resource(resource, 0);
}

json xml_to_json(std::string_view xml, const TypeProvider& types) {
    pugi::xml_document document;
    const pugi::xml_parse_result parsed = document.load_buffer(xml.data(), xml.size());
    if (!parsed) throw InputError(std::string("not well-formed XML: ") + parsed.description());
    pugi::xml_node root = document.document_element();
    if (!root) throw InputError("XML document without a root element");
    return xml_to_json(root, types);
}

} // namespace healthdoc::fhir
