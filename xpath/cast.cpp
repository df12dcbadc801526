// Casting between atomic types (XPath 2.0 section 17, F&O casting table), restricted to the
// types the engine knows.
#include "xpath/atomic_ops.hpp"
#include "xpath/temporal.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace healthdoc::xpath {
namespace {

[[noreturn]] void invalid(const Atomic& value, Type target) {
    throw Error("FORG0001", "cannot cast \"" + value.to_string() + "\" to " + std::string(type_name(target)));
}

[[noreturn]] void impossible(const Atomic& value, Type target) {
    throw Error("XPTY0004",
                "cannot cast " + std::string(type_name(value.type())) + " to " + std::string(type_name(target)));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string collapse(std::string_view s) {
    std::string out;
    bool pending = false;
    for (char c : s) {
        if (is_space(c)) {
            pending = !out.empty();
            continue;
        }
        if (pending) out += ' ';
        pending = false;
        out += c;
    }
    return out;
}

bool is_name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c == ':' || c >= 0x80; }
bool is_name_char(unsigned char c) { return is_name_start(c) || std::isdigit(c) || c == '-' || c == '.'; }

bool valid_name(std::string_view s, bool allow_colon) {
    if (s.empty() || !is_name_start(static_cast<unsigned char>(s[0])) || (!allow_colon && s[0] == ':')) return false;
    for (char c : s)
        if (!is_name_char(static_cast<unsigned char>(c)) || (!allow_colon && c == ':')) return false;
    return true;
}

bool valid_language(std::string_view s) {
    std::size_t i = 0, part = 0;
    while (true) {
        std::size_t start = i;
        while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) {
            if (part == 0 && !std::isalpha(static_cast<unsigned char>(s[i]))) return false;
            ++i;
        }
        if (i == start || i - start > 8) return false;
        if (i == s.size()) return true;
        if (s[i] != '-') return false;
        ++i;
        ++part;
    }
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

Atomic string_to_derived_string(std::string text, Type target, const Atomic& source) {
    if (target == Type::string || target == Type::untypedAtomic) return Atomic::string(std::move(text), target);
    if (target == Type::anyURI) return Atomic::string(collapse(text), target);
    if (target == Type::normalizedString) {
        for (char& c : text)
            if (is_space(c)) c = ' ';
        return Atomic::string(std::move(text), target);
    }
    std::string token = collapse(text);
    bool ok = true;
    switch (target) {
    case Type::token: break;
    case Type::language: ok = valid_language(token); break;
    case Type::NMTOKEN:
        ok = !token.empty();
        for (char c : token) ok = ok && is_name_char(static_cast<unsigned char>(c));
        break;
    case Type::Name: ok = valid_name(token, true); break;
    default: ok = valid_name(token, false); break; // NCName, ID, IDREF, ENTITY
    }
    if (!ok) invalid(source, target);
    return Atomic::string(std::move(token), target);
}

std::optional<std::int64_t> parse_integer(std::string_view s) {
    s = trim(s);
    std::size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    if (i == s.size()) return std::nullopt;
    std::int64_t v = 0;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        int d = s[i] - '0';
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, negative ? -d : d, &v))
            throw Error("FOAR0002", "integer out of range: " + std::string(s));
    }
    return v;
}

std::optional<double> parse_double(std::string_view s) {
    s = trim(s);
    if (s == "INF") return std::numeric_limits<double>::infinity();
    if (s == "-INF") return -std::numeric_limits<double>::infinity();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    // XSD grammar: sign? digits ('.' digits?)? | '.' digits, then (e|E sign? digits)?
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t mantissa_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++mantissa_digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++mantissa_digits;
    }
    if (mantissa_digits == 0) return std::nullopt;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        std::size_t exp_digits = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
        if (exp_digits == 0) return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
    return std::strtod(std::string(s).c_str(), nullptr);
}

bool in_range(std::int64_t v, Type t) {
    switch (t) {
    case Type::int_: return v >= INT32_MIN && v <= INT32_MAX;
    case Type::short_: return v >= INT16_MIN && v <= INT16_MAX;
    case Type::byte_: return v >= INT8_MIN && v <= INT8_MAX;
    case Type::nonNegativeInteger:
    case Type::unsignedLong: return v >= 0;
    case Type::positiveInteger: return v > 0;
    case Type::nonPositiveInteger: return v <= 0;
    case Type::negativeInteger: return v < 0;
    case Type::unsignedInt: return v >= 0 && v <= UINT32_MAX;
    case Type::unsignedShort: return v >= 0 && v <= UINT16_MAX;
    case Type::unsignedByte: return v >= 0 && v <= UINT8_MAX;
    default: return true;
    }
}

Atomic to_integer(const Atomic& value, Type target) {
    std::int64_t v = 0;
    Type source = primitive_of(value.type());
    if (is_string_like(source)) {
        auto parsed = parse_integer(value.str());
        if (!parsed) invalid(value, target);
        v = *parsed;
    } else if (source == Type::integer) {
        v = value.integer_value();
    } else if (source == Type::decimal) {
        auto t = value.decimal_value().to_int64();
        if (!t) throw Error("FOCA0003", "decimal too large for xs:integer");
        v = *t;
    } else if (source == Type::double_ || source == Type::float_) {
        double d = value.double_value();
        if (std::isnan(d) || std::isinf(d)) throw Error("FOCA0002", "cannot cast NaN or INF to xs:integer");
        d = std::trunc(d);
        if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18)
            throw Error("FOCA0003", "value too large for xs:integer");
        v = static_cast<std::int64_t>(d);
    } else if (source == Type::boolean) {
        v = value.boolean_value() ? 1 : 0;
    } else {
        impossible(value, target);
    }
    if (!in_range(v, target)) invalid(value, target);
    return Atomic::integer(v, target);
}

Atomic to_decimal(const Atomic& value) {
    Type source = primitive_of(value.type());
    if (is_string_like(source)) {
        auto d = Decimal::parse(trim(value.str()));
        if (!d) invalid(value, Type::decimal);
        return Atomic::decimal(*d);
    }
    if (source == Type::integer) return Atomic::decimal(Decimal::from_int(value.integer_value()));
    if (source == Type::decimal) return value;
    if (source == Type::double_ || source == Type::float_) {
        auto d = Decimal::from_double(value.double_value());
        if (!d) throw Error("FOCA0002", "cannot cast " + value.to_string() + " to xs:decimal");
        return Atomic::decimal(*d);
    }
    if (source == Type::boolean) return Atomic::decimal(Decimal::from_int(value.boolean_value() ? 1 : 0));
    impossible(value, Type::decimal);
}

Atomic to_double(const Atomic& value, Type target) {
    Type source = primitive_of(value.type());
    double d = 0;
    if (is_string_like(source)) {
        auto parsed = parse_double(value.str());
        if (!parsed) invalid(value, target);
        d = *parsed;
    } else if (source == Type::integer) {
        d = static_cast<double>(value.integer_value());
    } else if (source == Type::decimal) {
        d = value.decimal_value().to_double();
    } else if (source == Type::double_ || source == Type::float_) {
        d = value.double_value();
    } else if (source == Type::boolean) {
        d = value.boolean_value() ? 1 : 0;
    } else {
        impossible(value, target);
    }
    return Atomic::double_(d, target);
}

Atomic to_temporal(const Atomic& value, Type target) {
    Type source = primitive_of(value.type());
    if (is_string_like(source)) {
        auto parsed = target == Type::date       ? parse_date(value.str())
                      : target == Type::dateTime ? parse_datetime(value.str())
                                                 : parse_time(value.str());
        if (!parsed) invalid(value, target);
        return Atomic::temporal(*parsed, target);
    }
    if (source == target) return value;
    DateTime v = value.datetime_value();
    if (source == Type::dateTime && target == Type::date) {
        v.hour = v.minute = 0;
        v.microsecond = 0;
        return Atomic::temporal(v, target);
    }
    if (source == Type::dateTime && target == Type::time) {
        v.year = 1972, v.month = 12, v.day = 31;
        return Atomic::temporal(v, target);
    }
    if (source == Type::date && target == Type::dateTime) return Atomic::temporal(v, target);
    impossible(value, target);
}

Atomic to_qname(const Atomic& value, const StaticContext* context) {
    if (value.type() == Type::QName) return value;
    if (!is_string_like(value.type()) || value.type() == Type::anyURI) impossible(value, Type::QName);
    std::string text(trim(value.str()));
    auto colon = text.find(':');
    QNameValue q;
    q.prefix = colon == std::string::npos ? "" : text.substr(0, colon);
    q.local = colon == std::string::npos ? text : text.substr(colon + 1);
    if (!valid_name(q.local, false) || (!q.prefix.empty() && !valid_name(q.prefix, false)))
        throw Error("FORG0001", "invalid QName \"" + text + "\"");
    if (!q.prefix.empty()) {
        auto it = context ? context->namespaces.find(q.prefix) : decltype(context->namespaces.end()){};
        if (!context || it == context->namespaces.end())
            throw Error("FONS0004", "no namespace bound to prefix \"" + q.prefix + "\"");
        q.uri = it->second;
    }
    return Atomic::qname(std::move(q));
}

} // namespace

Atomic cast(const Atomic& value, Type target, const StaticContext* namespaces) {
    Type source = primitive_of(value.type());
    if (target == Type::anyAtomicType) throw Error("XPST0080", "cannot cast to xs:anyAtomicType");
    if (value.type() == target) return value;
    if (is_string_like(target)) {
        if (target == Type::anyURI && !is_string_like(source)) impossible(value, target);
        return string_to_derived_string(value.to_string(), target, value);
    }
    switch (primitive_of(target)) {
    case Type::boolean: {
        if (is_string_like(source)) {
            auto t = trim(value.str());
            if (t == "true" || t == "1") return Atomic::boolean(true);
            if (t == "false" || t == "0") return Atomic::boolean(false);
            invalid(value, target);
        }
        if (source == Type::integer) return Atomic::boolean(value.integer_value() != 0);
        if (source == Type::decimal) return Atomic::boolean(!value.decimal_value().is_zero());
        if (source == Type::double_ || source == Type::float_)
            return Atomic::boolean(value.double_value() != 0 && !std::isnan(value.double_value()));
        impossible(value, target);
    }
    case Type::integer: return to_integer(value, target);
    case Type::decimal: return to_decimal(value);
    case Type::double_:
    case Type::float_: return to_double(value, target);
    case Type::date:
    case Type::dateTime:
    case Type::time: return to_temporal(value, target);
    case Type::QName: return to_qname(value, namespaces);
    default: impossible(value, target);
    }
}

bool castable(const Atomic& value, Type target, const StaticContext* namespaces) {
    try {
        cast(value, target, namespaces);
        return true;
    } catch (const Error& e) {
        if (e.code == "XPST0080") throw;
        return false;
    }
}

} // namespace healthdoc::xpath
