// Value and general comparisons of atomic values (XPath 2.0 sections 3.5.1-3.5.2).
#include "xpath/atomic_ops.hpp"
#include "xpath/temporal.hpp"

#include <cmath>

namespace healthdoc::xpath {
namespace {

enum class Category { numeric, string, boolean, date, dateTime, time, qname, other };

Category category(Type t) {
    if (is_numeric(t)) return Category::numeric;
    if (is_string_like(t)) return Category::string;
    switch (t) {
    case Type::boolean: return Category::boolean;
    case Type::date: return Category::date;
    case Type::dateTime: return Category::dateTime;
    case Type::time: return Category::time;
    case Type::QName: return Category::qname;
    default: return Category::other;
    }
}

bool holds(int c, Compare op) {
    switch (op) {
    case Compare::eq: return c == 0;
    case Compare::ne: return c != 0;
    case Compare::lt: return c < 0;
    case Compare::le: return c <= 0;
    case Compare::gt: return c > 0;
    case Compare::ge: return c >= 0;
    }
    return false;
}

[[noreturn]] void incomparable(const Atomic& a, const Atomic& b) {
    throw Error("XPTY0004",
                "cannot compare " + std::string(type_name(a.type())) + " with " + std::string(type_name(b.type())));
}

// nullopt: NaN involved (unordered).
std::optional<int> compare_numeric(const Atomic& a, const Atomic& b) {
    Type ta = primitive_of(a.type()), tb = primitive_of(b.type());
    if (ta == Type::double_ || ta == Type::float_ || tb == Type::double_ || tb == Type::float_) {
        double x = to_double(a), y = to_double(b);
        if (std::isnan(x) || std::isnan(y)) return std::nullopt;
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (ta == Type::integer && tb == Type::integer) {
        auto x = a.integer_value(), y = b.integer_value();
        return x < y ? -1 : x > y ? 1 : 0;
    }
    Decimal x = ta == Type::integer ? Decimal::from_int(a.integer_value()) : a.decimal_value();
    Decimal y = tb == Type::integer ? Decimal::from_int(b.integer_value()) : b.decimal_value();
    return x.compare(y);
}

// nullopt: unordered (NaN); throws XPTY0004 when not comparable; `equality_only` for QNames.
std::optional<int> ordered(const Atomic& a, const Atomic& b, bool& equality_only) {
    Category ca = category(a.type()), cb = category(b.type());
    if (ca != cb) incomparable(a, b);
    equality_only = false;
    switch (ca) {
    case Category::numeric: return compare_numeric(a, b);
    case Category::string: {
        int c = a.str().compare(b.str());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case Category::boolean: return static_cast<int>(a.boolean_value()) - static_cast<int>(b.boolean_value());
    case Category::date:
    case Category::dateTime:
    case Category::time: {
        auto x = instant_of(a.datetime_value()), y = instant_of(b.datetime_value());
        return x < y ? -1 : x > y ? 1 : 0;
    }
    case Category::qname:
        equality_only = true;
        return a.qname_value().uri == b.qname_value().uri && a.qname_value().local == b.qname_value().local ? 0 : 1;
    default: incomparable(a, b);
    }
}

} // namespace

double to_double(const Atomic& a) {
    switch (primitive_of(a.type())) {
    case Type::integer: return static_cast<double>(a.integer_value());
    case Type::decimal: return a.decimal_value().to_double();
    case Type::double_:
    case Type::float_: return a.double_value();
    default: return std::nan("");
    }
}

double number_of(const Atomic& a) {
    if (is_numeric(a.type())) return to_double(a);
    if (a.type() == Type::boolean) return a.boolean_value() ? 1 : 0;
    if (is_string_like(a.type())) {
        try {
            return cast(a, Type::double_).double_value();
        } catch (const Error&) {
            return std::nan("");
        }
    }
    return std::nan("");
}

bool value_compare(const Atomic& a, const Atomic& b, Compare op) {
    bool equality_only = false;
    auto c = ordered(a, b, equality_only);
    if (equality_only && op != Compare::eq && op != Compare::ne) incomparable(a, b);
    if (!c) return op == Compare::ne;
    return holds(*c, op);
}

bool general_compare_pair(const Atomic& a, const Atomic& b, Compare op) {
    bool ua = a.type() == Type::untypedAtomic, ub = b.type() == Type::untypedAtomic;
    if (!ua && !ub) return value_compare(a, b, op);
    if (ua && ub) return value_compare(a, b, op);
    const Atomic& typed = ua ? b : a;
    const Atomic& untyped = ua ? a : b;
    Atomic converted;
    if (is_string_like(typed.type())) {
        converted = Atomic::string(untyped.str());
    } else if (is_numeric(typed.type())) {
        converted = cast(untyped, Type::double_);
    } else {
        converted = cast(untyped, primitive_of(typed.type()));
    }
    return ua ? value_compare(converted, b, op) : value_compare(a, converted, op);
}

std::optional<int> compare_atomics(const Atomic& a, const Atomic& b) {
    Atomic x = a.type() == Type::untypedAtomic ? Atomic::string(a.str()) : a;
    Atomic y = b.type() == Type::untypedAtomic ? Atomic::string(b.str()) : b;
    if (category(x.type()) != category(y.type())) return std::nullopt;
    bool equality_only = false;
    try {
        auto c = ordered(x, y, equality_only);
        if (equality_only && c && *c != 0) return std::nullopt;
        return c;
    } catch (const Error&) {
        return std::nullopt;
    }
}

} // namespace healthdoc::xpath
