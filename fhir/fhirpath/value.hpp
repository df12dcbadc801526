// The items of FHIRPath collections: System values (Boolean, Integer, Decimal, String, Date,
// DateTime, Time, Quantity), FHIR nodes (a place in a FHIR JSON resource, with its FHIR type)
// and type specifiers (the result of type()). Collections are ordered vectors of items.
#pragma once

#include "fhir/fhirpath/decimal.hpp"
#include "fhir/fhirpath/quantity.hpp"
#include "fhir/fhirpath/temporal.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace healthdoc::fhir::fhirpath {

// A place in a FHIR JSON document. For primitives, `value` is the JSON primitive (nullptr
// when only the "_name" part exists) and `extras` the "_name" object holding id/extension.
struct Node {
    const nlohmann::json* value = nullptr;
    const nlohmann::json* extras = nullptr;
    std::string type;                          // FHIR type ("Patient", "HumanName", "code"); empty when unknown
    std::string path;                          // definition path for child lookups ("Patient.contact"); empty when unknown
    const nlohmann::json* resource = nullptr;  // nearest enclosing resource
    const nlohmann::json* root = nullptr;      // outermost resource that is not a contained one
};

// A type as type() returns it: namespace "System" or "FHIR" and a name.
struct TypeSpecifier {
    std::string ns;
    std::string name;
};

// One item of a collection.
struct Value {
    using Payload = std::variant<bool, std::int64_t, Decimal, std::string, Temporal, Quantity, Node, TypeSpecifier>;
    Payload data;

    Value() = default;
    template <typename T>
    Value(T payload) : data(std::move(payload)) {}

    bool is_node() const { return std::holds_alternative<Node>(data); }
    const Node* node() const { return std::get_if<Node>(&data); }
};

using Collection = std::vector<Value>;

// The System value of a FHIR primitive node ("185" of a decimal becomes Decimal 185, a dateTime
// string becomes a DateTime); System values are returned as they are. std::nullopt for nodes
// of complex types and primitives without a value.
std::optional<Value> to_system(const Value& item);

// The FHIR Quantity (or Age, Duration...) node as a System Quantity: value with the UCUM code
// when the system is UCUM (or absent), else the unit text; std::nullopt when not a quantity.
std::optional<Quantity> node_quantity(const Node& node);

// The type of an item: {"System","Integer"}, {"FHIR","HumanName"}; FHIR nodes of unknown type
// get the FHIR type guessed from their JSON value.
TypeSpecifier type_of(const Value& item);

// Text of an item as the FHIRPath toString() gives it (dates without '@', quantities as
// "1 'mg'"); std::nullopt for complex nodes and type specifiers.
std::optional<std::string> to_text(const Value& item);

// JSON rendering of an item for output: primitives as JSON values, nodes as their JSON,
// temporal values as strings, quantities as {"value","unit"}.
nlohmann::json to_json(const Value& item);

} // namespace healthdoc::fhir::fhirpath
