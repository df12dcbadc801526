// The values of the XPath 2.0 data model: atomic values (typed) and items (node or atomic).
// Nodes are pugixml nodes as they are (elements, text, attributes, the document node); atomic
// values carry their XML Schema type. A sequence is a plain vector of items.
#pragma once

#include "xpath/decimal.hpp"

#include <pugixml.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace healthdoc::xpath {

// The atomic types the engine knows. Derived types (xs:int, xs:token...) keep their own label
// for `instance of` and are handled as their primitive base in operations.
enum class Type : std::uint8_t {
    untypedAtomic,
    string,
    normalizedString,
    token,
    language,
    NMTOKEN,
    Name,
    NCName,
    ID,
    IDREF,
    ENTITY,
    anyURI,
    boolean,
    decimal,
    integer,
    long_,
    int_,
    short_,
    byte_,
    nonNegativeInteger,
    positiveInteger,
    nonPositiveInteger,
    negativeInteger,
    unsignedLong,
    unsignedInt,
    unsignedShort,
    unsignedByte,
    double_,
    float_,
    date,
    dateTime,
    time,
    QName,
    anyAtomicType, // only as a sequence-type target, never the type of a value
};

// The primitive type a type derives from (xs:int -> xs:integer -> xs:decimal stays integer here:
// integers are a separate representation).
Type primitive_of(Type type) noexcept;
// True when `type` is `base` or derives from it (xs:int derives from xs:integer and xs:decimal).
bool derives_from(Type type, Type base) noexcept;
bool is_numeric(Type type) noexcept;
bool is_string_like(Type type) noexcept; // xs:string and its subtypes, xs:anyURI, xs:untypedAtomic
// "xs:integer", "xs:untypedAtomic"...
std::string_view type_name(Type type) noexcept;

// xs:date, xs:dateTime and xs:time. Fractional seconds are kept to the microsecond; the timezone
// is optional (minutes east of UTC).
struct DateTime {
    std::int64_t year = 1972;
    int month = 12;
    int day = 31;
    int hour = 0;
    int minute = 0;
    std::int64_t microsecond = 0; // seconds * 1e6 + fraction
    bool has_timezone = false;
    int timezone_minutes = 0;
};

struct QNameValue {
    std::string uri;
    std::string prefix;
    std::string local;
};

// One atomic value. Cheap to move; strings are copied when atomizing nodes.
class Atomic {
public:
    Atomic() = default;
    static Atomic string(std::string value, Type type = Type::string);
    static Atomic untyped(std::string value) { return string(std::move(value), Type::untypedAtomic); }
    static Atomic boolean(bool value);
    static Atomic integer(std::int64_t value, Type type = Type::integer);
    static Atomic decimal(Decimal value);
    static Atomic double_(double value, Type type = Type::double_);
    static Atomic temporal(const DateTime& value, Type type);
    static Atomic qname(QNameValue value);

    Type type() const noexcept { return m_type; }
    // Payload accessors; valid only for the matching primitive type.
    const std::string& str() const noexcept { return m_text; }
    bool boolean_value() const noexcept { return m_int != 0; }
    std::int64_t integer_value() const noexcept { return m_int; }
    const Decimal& decimal_value() const noexcept { return m_decimal; }
    double double_value() const noexcept { return m_double; }
    const DateTime& datetime_value() const noexcept { return m_datetime; }
    const QNameValue& qname_value() const noexcept;

    // The canonical lexical form (xs:string cast), e.g. "1.5", "1.0E3" for doubles per XPath 2.0.
    std::string to_string() const;

private:
    Type m_type = Type::string;
    std::string m_text;
    std::int64_t m_int = 0;
    double m_double = 0;
    Decimal m_decimal;
    DateTime m_datetime;
    std::shared_ptr<const QNameValue> m_qname; // shared: keeps items small (most are nodes)
};

// A node (pugi::xpath_node: element, text, attribute, document node...) or an atomic value.
// Atomic values are shared and immutable, so an item stays small (node sequences are the
// common case) and copying a sequence never copies strings.
class Item {
public:
    Item(const pugi::xpath_node& node) : m_value(node) {}
    Item(Atomic atomic) : m_value(std::make_shared<const Atomic>(std::move(atomic))) {}
    Item(std::shared_ptr<const Atomic> atomic) : m_value(std::move(atomic)) {}
    bool is_node() const noexcept { return m_value.index() == 0; }
    const pugi::xpath_node& node() const noexcept { return *std::get_if<0>(&m_value); }
    const Atomic& atomic() const noexcept { return **std::get_if<1>(&m_value); }

private:
    std::variant<pugi::xpath_node, std::shared_ptr<const Atomic>> m_value;
};

using Sequence = std::vector<Item>;

} // namespace healthdoc::xpath
