// Arithmetic on numeric atomic values with XPath 2.0 type promotion
// (integer -> decimal -> float -> double); date/time arithmetic is left out (HDXP0002).
#include "xpath/atomic_ops.hpp"

#include <cmath>
#include <limits>

namespace healthdoc::xpath {
namespace {

Atomic numeric_operand(const Atomic& a) {
    if (a.type() == Type::untypedAtomic) return cast(a, Type::double_);
    if (is_numeric(a.type())) return a;
    if (a.type() == Type::date || a.type() == Type::dateTime || a.type() == Type::time)
        throw Error("HDXP0002", "date/time arithmetic (durations) is not supported");
    throw Error("XPTY0004", "arithmetic on " + std::string(type_name(a.type())));
}

[[noreturn]] void integer_overflow() { throw Error("FOAR0002", "xs:integer overflow"); }

Decimal as_decimal(const Atomic& a) {
    return primitive_of(a.type()) == Type::integer ? Decimal::from_int(a.integer_value()) : a.decimal_value();
}

Atomic integer_op(Op op, std::int64_t x, std::int64_t y) {
    std::int64_t r = 0;
    switch (op) {
    case Op::add:
        if (__builtin_add_overflow(x, y, &r)) integer_overflow();
        return Atomic::integer(r);
    case Op::subtract:
        if (__builtin_sub_overflow(x, y, &r)) integer_overflow();
        return Atomic::integer(r);
    case Op::multiply:
        if (__builtin_mul_overflow(x, y, &r)) integer_overflow();
        return Atomic::integer(r);
    case Op::divide: return Atomic::decimal(Decimal::from_int(x) / Decimal::from_int(y));
    case Op::integer_divide:
        if (y == 0) throw Error("FOAR0001", "integer division by zero");
        if (x == std::numeric_limits<std::int64_t>::min() && y == -1) integer_overflow();
        return Atomic::integer(x / y);
    case Op::modulo:
        if (y == 0) throw Error("FOAR0001", "modulo by zero");
        if (y == -1) return Atomic::integer(0);
        return Atomic::integer(x % y);
    default: break;
    }
    throw Error("XPTY0004", "bad arithmetic operator");
}

Atomic decimal_op(Op op, const Decimal& x, const Decimal& y) {
    switch (op) {
    case Op::add: return Atomic::decimal(x + y);
    case Op::subtract: return Atomic::decimal(x - y);
    case Op::multiply: return Atomic::decimal(x * y);
    case Op::divide: return Atomic::decimal(x / y);
    case Op::integer_divide: {
        if (y.is_zero()) throw Error("FOAR0001", "integer division by zero");
        auto q = (x / y).to_int64();
        if (!q) integer_overflow();
        return Atomic::integer(*q);
    }
    case Op::modulo: {
        if (y.is_zero()) throw Error("FOAR0001", "modulo by zero");
        Decimal q = x / y;
        Decimal t = q.is_negative() ? q.ceiling() : q.floor();
        return Atomic::decimal(x - y * t);
    }
    default: break;
    }
    throw Error("XPTY0004", "bad arithmetic operator");
}

Atomic double_op(Op op, double x, double y, Type type) {
    switch (op) {
    case Op::add: return Atomic::double_(x + y, type);
    case Op::subtract: return Atomic::double_(x - y, type);
    case Op::multiply: return Atomic::double_(x * y, type);
    case Op::divide: return Atomic::double_(x / y, type);
    case Op::modulo: return Atomic::double_(std::fmod(x, y), type);
    case Op::integer_divide: {
        if (y == 0) throw Error("FOAR0001", "integer division by zero");
        if (std::isnan(x) || std::isnan(y) || std::isinf(x)) throw Error("FOAR0002", "idiv of NaN or INF");
        double q = std::trunc(x / y);
        if (std::fabs(q) >= 9.2e18) integer_overflow();
        return Atomic::integer(static_cast<std::int64_t>(q));
    }
    default: break;
    }
    throw Error("XPTY0004", "bad arithmetic operator");
}

} // namespace

Atomic arithmetic(Op op, const Atomic& a0, const Atomic& b0) {
    Atomic a = numeric_operand(a0), b = numeric_operand(b0);
    Type ta = primitive_of(a.type()), tb = primitive_of(b.type());
    if (ta == Type::double_ || tb == Type::double_) return double_op(op, to_double(a), to_double(b), Type::double_);
    if (ta == Type::float_ || tb == Type::float_) return double_op(op, to_double(a), to_double(b), Type::float_);
    if (ta == Type::integer && tb == Type::integer) return integer_op(op, a.integer_value(), b.integer_value());
    return decimal_op(op, as_decimal(a), as_decimal(b));
}

Atomic negate(const Atomic& a0) {
    Atomic a = numeric_operand(a0);
    switch (primitive_of(a.type())) {
    case Type::integer:
        if (a.integer_value() == std::numeric_limits<std::int64_t>::min()) integer_overflow();
        return Atomic::integer(-a.integer_value());
    case Type::decimal: return Atomic::decimal(a.decimal_value().negate());
    default: return Atomic::double_(-a.double_value(), a.type());
    }
}

} // namespace healthdoc::xpath
