// Atomic values: the type lattice and canonical string forms.
#include "xpath/value.hpp"

#include "xpath/temporal.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace healthdoc::xpath {
namespace {

struct TypeInfo {
    std::string_view name;
    Type base; // immediate base; the type itself for primitives
};

constexpr TypeInfo k_types[] = {
    {"xs:untypedAtomic", Type::untypedAtomic},
    {"xs:string", Type::string},
    {"xs:normalizedString", Type::string},
    {"xs:token", Type::normalizedString},
    {"xs:language", Type::token},
    {"xs:NMTOKEN", Type::token},
    {"xs:Name", Type::token},
    {"xs:NCName", Type::Name},
    {"xs:ID", Type::NCName},
    {"xs:IDREF", Type::NCName},
    {"xs:ENTITY", Type::NCName},
    {"xs:anyURI", Type::anyURI},
    {"xs:boolean", Type::boolean},
    {"xs:decimal", Type::decimal},
    {"xs:integer", Type::decimal},
    {"xs:long", Type::integer},
    {"xs:int", Type::long_},
    {"xs:short", Type::int_},
    {"xs:byte", Type::short_},
    {"xs:nonNegativeInteger", Type::integer},
    {"xs:positiveInteger", Type::nonNegativeInteger},
    {"xs:nonPositiveInteger", Type::integer},
    {"xs:negativeInteger", Type::nonPositiveInteger},
    {"xs:unsignedLong", Type::nonNegativeInteger},
    {"xs:unsignedInt", Type::unsignedLong},
    {"xs:unsignedShort", Type::unsignedInt},
    {"xs:unsignedByte", Type::unsignedShort},
    {"xs:double", Type::double_},
    {"xs:float", Type::float_},
    {"xs:date", Type::date},
    {"xs:dateTime", Type::dateTime},
    {"xs:time", Type::time},
    {"xs:QName", Type::QName},
    {"xs:anyAtomicType", Type::anyAtomicType},
};

const TypeInfo& info(Type t) { return k_types[static_cast<std::size_t>(t)]; }

// XPath 2.0 canonical form of an xs:double / xs:float (casting to xs:string).
std::string format_double(double v, bool is_float) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "INF" : "-INF";
    if (v == 0) return std::signbit(v) ? "-0" : "0";
    double a = std::fabs(v);
    char buffer[64];
    int precision = is_float ? 9 : 17;
    // Shortest representation that reads back to the same value.
    for (int p = 1; p <= precision; ++p) {
        std::snprintf(buffer, sizeof buffer, "%.*g", p, v);
        if (is_float ? static_cast<float>(std::strtod(buffer, nullptr)) == static_cast<float>(v)
                     : std::strtod(buffer, nullptr) == v)
            break;
    }
    std::string s = buffer;
    if (a >= 1e-6 && a < 1e6) {
        // Plain decimal notation, no trailing zeros.
        auto parsed = Decimal::from_double(v, is_float);
        return parsed ? parsed->to_string() : s;
    }
    // Scientific: mantissa with at least one fraction digit, "E", exponent without '+'/zeros.
    auto e = s.find('e');
    std::string mantissa = e == std::string::npos ? s : s.substr(0, e);
    int exponent = e == std::string::npos ? 0 : std::atoi(s.c_str() + e + 1);
    if (mantissa.find('.') == std::string::npos) mantissa += ".0";
    return mantissa + "E" + std::to_string(exponent);
}

} // namespace

Type primitive_of(Type type) noexcept {
    if (derives_from(type, Type::integer)) return Type::integer;
    if (derives_from(type, Type::string)) return Type::string;
    return type;
}

bool derives_from(Type type, Type base) noexcept {
    if (base == Type::anyAtomicType) return true;
    for (Type t = type;; t = info(t).base) {
        if (t == base) return true;
        if (info(t).base == t) return false;
    }
}

bool is_numeric(Type type) noexcept {
    return derives_from(type, Type::decimal) || type == Type::double_ || type == Type::float_;
}

bool is_string_like(Type type) noexcept {
    return derives_from(type, Type::string) || type == Type::anyURI || type == Type::untypedAtomic;
}

std::string_view type_name(Type type) noexcept { return info(type).name; }

Atomic Atomic::string(std::string value, Type type) {
    Atomic a;
    a.m_type = type;
    a.m_text = std::move(value);
    return a;
}

Atomic Atomic::boolean(bool value) {
    Atomic a;
    a.m_type = Type::boolean;
    a.m_int = value ? 1 : 0;
    return a;
}

Atomic Atomic::integer(std::int64_t value, Type type) {
    Atomic a;
    a.m_type = type;
    a.m_int = value;
    return a;
}

Atomic Atomic::decimal(Decimal value) {
    Atomic a;
    a.m_type = Type::decimal;
    a.m_decimal = value;
    return a;
}

Atomic Atomic::double_(double value, Type type) {
    Atomic a;
    a.m_type = type;
    a.m_double = type == Type::float_ ? static_cast<double>(static_cast<float>(value)) : value;
    return a;
}

Atomic Atomic::temporal(const DateTime& value, Type type) {
    Atomic a;
    a.m_type = type;
    a.m_datetime = value;
    return a;
}

Atomic Atomic::qname(QNameValue value) {
    Atomic a;
    a.m_type = Type::QName;
    a.m_qname = std::make_shared<const QNameValue>(std::move(value));
    return a;
}

const QNameValue& Atomic::qname_value() const noexcept {
    static const QNameValue none;
    return m_qname ? *m_qname : none;
}

std::string Atomic::to_string() const {
    switch (primitive_of(m_type)) {
    case Type::boolean: return m_int ? "true" : "false";
    case Type::integer: return std::to_string(m_int);
    case Type::decimal: return m_decimal.to_string();
    case Type::double_: return format_double(m_double, false);
    case Type::float_: return format_double(m_double, true);
    case Type::date:
    case Type::dateTime:
    case Type::time: return format_temporal(m_datetime, m_type);
    case Type::QName: {
        const auto& q = qname_value();
        return q.prefix.empty() ? q.local : q.prefix + ":" + q.local;
    }
    default: return m_text;
    }
}

} // namespace healthdoc::xpath
