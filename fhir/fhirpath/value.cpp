#include "fhir/fhirpath/value.hpp"

#include "fhir/fhirpath/type_provider.hpp"

namespace healthdoc::fhir::fhirpath {

namespace {

using nlohmann::json;

std::optional<Decimal> json_decimal(const json& value) {
    if (value.is_number_integer()) {
        if (value.is_number_unsigned()) {
            const auto v = value.get<std::uint64_t>();
            if (v > static_cast<std::uint64_t>(INT64_MAX)) return Decimal::parse(std::to_string(v));
            return Decimal::from_integer(static_cast<std::int64_t>(v));
        }
        return Decimal::from_integer(value.get<std::int64_t>());
    }
    // nlohmann keeps doubles; dump() gives the shortest text that reads back the same number,
    // which is the written text except for trailing zeros ("1.50" reads as 1.5).
    if (value.is_number_float()) return Decimal::parse(value.dump());
    if (value.is_string()) return Decimal::parse(value.get<std::string>());
    return std::nullopt;
}

bool quantity_type(const std::string& type) {
    return type == "Quantity" || type == "Age" || type == "Duration" || type == "Distance" || type == "Count" ||
           type == "MoneyQuantity" || type == "SimpleQuantity";
}

} // namespace

std::optional<Value> to_system(const Value& item) {
    const Node* node = item.node();
    if (!node) return item;
    if (!node->value) return std::nullopt;
    const json& v = *node->value;
    if (v.is_object() || v.is_array() || v.is_null()) return std::nullopt;
    const std::string_view system = node->type.empty() ? std::string_view{} : system_type_of(node->type);
    if (v.is_boolean()) return Value(v.get<bool>());
    if (v.is_number()) {
        if (system == "Decimal" || (system.empty() && v.is_number_float())) {
            if (auto d = json_decimal(v)) return Value(*d);
            return std::nullopt;
        }
        if (v.is_number_integer() && !v.is_number_unsigned()) return Value(v.get<std::int64_t>());
        if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX))
            return Value(static_cast<std::int64_t>(v.get<std::uint64_t>()));
        if (auto d = json_decimal(v)) return Value(*d);
        return std::nullopt;
    }
    const std::string& text = v.get_ref<const std::string&>();
    if (system == "Date") {
        if (auto t = Temporal::parse_date(text)) return Value(*t);
    } else if (system == "DateTime") {
        if (auto t = Temporal::parse_date_time(text)) return Value(*t);
    } else if (system == "Time") {
        if (auto t = Temporal::parse_time(text)) return Value(*t);
    } else if (system == "Decimal") {
        if (auto d = Decimal::parse(text)) return Value(*d);
    } else if (system == "Integer") {
        if (auto d = Decimal::parse(text); d && d->scale() == 0)
            if (auto i = d->to_int64()) return Value(*i);
    }
    return Value(text);
}

std::optional<Quantity> node_quantity(const Node& node) {
    if (!node.value || !node.value->is_object()) return std::nullopt;
    if (!node.type.empty() && !quantity_type(node.type)) return std::nullopt;
    const json& q = *node.value;
    auto value = q.find("value");
    if (value == q.end()) return std::nullopt;
    auto number = json_decimal(*value);
    if (!number) return std::nullopt;
    std::string system = q.value("system", std::string());
    std::string unit = "1";
    if (q.contains("code") && q["code"].is_string() && (system.empty() || system == "http://unitsofmeasure.org"))
        unit = q["code"].get<std::string>();
    else if (q.contains("unit") && q["unit"].is_string())
        unit = q["unit"].get<std::string>();
    // UCUM calendar codes given as unit text stay UCUM codes; FHIR quantities never carry
    // FHIRPath calendar keywords.
    return Quantity{*number, unit};
}

TypeSpecifier type_of(const Value& item) {
    struct Visitor {
        TypeSpecifier operator()(bool) const { return {"System", "Boolean"}; }
        TypeSpecifier operator()(std::int64_t) const { return {"System", "Integer"}; }
        TypeSpecifier operator()(const Decimal&) const { return {"System", "Decimal"}; }
        TypeSpecifier operator()(const std::string&) const { return {"System", "String"}; }
        TypeSpecifier operator()(const Temporal& t) const {
            return {"System", t.kind == TemporalKind::date ? "Date" : t.kind == TemporalKind::time ? "Time" : "DateTime"};
        }
        TypeSpecifier operator()(const Quantity&) const { return {"System", "Quantity"}; }
        TypeSpecifier operator()(const TypeSpecifier&) const { return {"System", "TypeInfo"}; }
        TypeSpecifier operator()(const Node& node) const {
            if (!node.type.empty()) return {"FHIR", node.type};
            if (!node.value) return {"FHIR", "Element"};
            const json& v = *node.value;
            if (v.is_boolean()) return {"FHIR", "boolean"};
            if (v.is_number_integer()) return {"FHIR", "integer"};
            if (v.is_number()) return {"FHIR", "decimal"};
            if (v.is_string()) return {"FHIR", "string"};
            if (v.is_object() && v.contains("resourceType") && v["resourceType"].is_string())
                return {"FHIR", v["resourceType"].get<std::string>()};
            return {"FHIR", "Element"};
        }
    };
    return std::visit(Visitor{}, item.data);
}

std::optional<std::string> to_text(const Value& item) {
    struct Visitor {
        std::optional<std::string> operator()(bool b) const { return std::string(b ? "true" : "false"); }
        std::optional<std::string> operator()(std::int64_t i) const { return std::to_string(i); }
        std::optional<std::string> operator()(const Decimal& d) const { return d.to_string(); }
        std::optional<std::string> operator()(const std::string& s) const { return s; }
        std::optional<std::string> operator()(const Temporal& t) const { return t.to_string(); }
        std::optional<std::string> operator()(const Quantity& q) const { return q.to_string(); }
        std::optional<std::string> operator()(const TypeSpecifier&) const { return std::nullopt; }
        std::optional<std::string> operator()(const Node&) const { return std::nullopt; }
    };
    if (item.is_node()) {
        auto system = to_system(item);
        if (!system) return std::nullopt;
        // FHIR primitives print as written (a decimal keeps its JSON text).
        if (item.node()->value && item.node()->value->is_string()) return item.node()->value->get<std::string>();
        return std::visit(Visitor{}, system->data);
    }
    return std::visit(Visitor{}, item.data);
}

json to_json(const Value& item) {
    struct Visitor {
        json operator()(bool b) const { return b; }
        json operator()(std::int64_t i) const { return i; }
        json operator()(const Decimal& d) const {
            if (d.scale() == 0) {
                if (auto i = d.to_int64()) return *i;
            }
            return json::parse(d.to_string(), nullptr, false);
        }
        json operator()(const std::string& s) const { return s; }
        json operator()(const Temporal& t) const { return t.to_string(); }
        json operator()(const Quantity& q) const {
            return json{{"value", json::parse(q.value.to_string(), nullptr, false)}, {"unit", q.unit}};
        }
        json operator()(const TypeSpecifier& t) const { return json{{"namespace", t.ns}, {"name", t.name}}; }
        json operator()(const Node& node) const {
            if (node.value) return *node.value;
            return node.extras ? *node.extras : json();
        }
    };
    return std::visit(Visitor{}, item.data);
}

} // namespace healthdoc::fhir::fhirpath
