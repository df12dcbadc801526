// Arithmetic operators (FHIRPath 6.6): + - * / div mod on numbers and quantities, + on
// strings, date/time +/- calendar durations, and & (string concatenation, empty as '').
#include "fhir/fhirpath/evaluator.hpp"

namespace healthdoc::fhir::fhirpath {

namespace {

std::optional<Value> operand(const Value& item) {
    if (auto system = to_system(item)) return system;
    if (const Node* node = item.node())
        if (auto quantity = node_quantity(*node)) return Value(*quantity);
    return std::nullopt;
}

std::optional<Decimal> number(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v.data)) return Decimal::from_integer(*i);
    if (const auto* d = std::get_if<Decimal>(&v.data)) return *d;
    return std::nullopt;
}

Collection integer_op(Evaluator& ev, const std::string& op, std::int64_t a, std::int64_t b, const Expr& where) {
    std::int64_t result = 0;
    bool overflow = false;
    if (op == "+") overflow = __builtin_add_overflow(a, b, &result);
    else if (op == "-") overflow = __builtin_sub_overflow(a, b, &result);
    else if (op == "*") overflow = __builtin_mul_overflow(a, b, &result);
    else if (op == "div" || op == "mod") {
        if (b == 0) return {};
        if (a == INT64_MIN && b == -1) overflow = true;
        else result = op == "div" ? a / b : a % b;
    } else if (op == "/") {
        auto quotient = Decimal::from_integer(a).divide(Decimal::from_integer(b));
        if (!quotient) return {};
        return {Value(*quotient)};
    }
    if (overflow) ev.fail(ErrorKind::execution, "integer overflow in '" + op + "'", where);
    return {Value(result)};
}

Collection decimal_op(const std::string& op, const Decimal& a, const Decimal& b) {
    if (op == "+") return {Value(a + b)};
    if (op == "-") return {Value(a - b)};
    if (op == "*") return {Value(a * b)};
    if (op == "/") {
        auto q = a.divide(b);
        return q ? Collection{Value(*q)} : Collection{};
    }
    if (op == "div") {
        auto q = a.integer_divide(b);
        if (!q) return {};
        if (auto i = q->to_int64()) return {Value(*i)};
        return {Value(*q)};
    }
    if (op == "mod") {
        auto r = a.modulo(b);
        return r ? Collection{Value(*r)} : Collection{};
    }
    return {};
}

Collection temporal_op(Evaluator& ev, const std::string& op, const Temporal& t, const Quantity& q, const Expr& where) {
    auto unit = arithmetic_unit(q.unit);
    if (!unit) ev.fail(ErrorKind::execution, "'" + q.unit + "' is not a calendar duration usable in date arithmetic", where);
    if (t.kind == TemporalKind::time && (*unit == CalendarUnit::year || *unit == CalendarUnit::month || *unit == CalendarUnit::week || *unit == CalendarUnit::day))
        ev.fail(ErrorKind::execution, "a Time cannot be shifted by days or longer durations", where);
    // Only whole units are added (FHIRPath 6.6.7: the quantity is truncated).
    auto amount = q.value.truncate_to(0).to_int64();
    if (!amount) ev.fail(ErrorKind::execution, "duration out of range", where);
    return {Value(add(t, op == "-" ? -*amount : *amount, *unit))};
}

} // namespace

Collection arithmetic(Evaluator& ev, const std::string& op, const Collection& lhs, const Collection& rhs, const Expr& where) {
    if (op == "&") {
        std::string out;
        for (const Collection* side : {&lhs, &rhs}) {
            const Value* item = ev.singleton(*side, where, "operand of '&'");
            if (!item) continue;
            auto value = to_system(*item);
            const auto* text = value ? std::get_if<std::string>(&value->data) : nullptr;
            if (!text) ev.fail(ErrorKind::execution, "'&' needs String operands", where);
            out += *text;
        }
        return {Value(out)};
    }
    const Value* a = ev.singleton(lhs, where, "left operand");
    const Value* b = ev.singleton(rhs, where, "right operand");
    if (!a || !b) return {};
    auto x = operand(*a);
    auto y = operand(*b);
    if (!x || !y) ev.fail(ErrorKind::execution, "'" + op + "' needs primitive operands", where);
    if (const auto* ix = std::get_if<std::int64_t>(&x->data)) {
        if (const auto* iy = std::get_if<std::int64_t>(&y->data)) return integer_op(ev, op, *ix, *iy, where);
    }
    auto nx = number(*x);
    auto ny = number(*y);
    if (nx && ny) return decimal_op(op, *nx, *ny);
    if (op == "+") {
        const auto* sx = std::get_if<std::string>(&x->data);
        const auto* sy = std::get_if<std::string>(&y->data);
        if (sx && sy) return {Value(*sx + *sy)};
    }
    const auto* qx = std::get_if<Quantity>(&x->data);
    const auto* qy = std::get_if<Quantity>(&y->data);
    if (const auto* t = std::get_if<Temporal>(&x->data); t && qy && (op == "+" || op == "-"))
        return temporal_op(ev, op, *t, *qy, where);
    if (qx && qy) {
        if (op == "+" || op == "-") {
            auto converted = convert(*qy, qx->unit);
            if (!converted) ev.fail(ErrorKind::execution, "quantities with incompatible units", where);
            return {Value(Quantity{op == "+" ? qx->value + converted->value : qx->value - converted->value, qx->unit})};
        }
        std::optional<Quantity> result = op == "*" ? multiply(*qx, *qy) : op == "/" ? divide(*qx, *qy) : std::nullopt;
        if (!result) {
            if (op == "/" && qy->value.is_zero()) return {};
            ev.fail(ErrorKind::execution, "cannot apply '" + op + "' to these quantities", where);
        }
        return {Value(*result)};
    }
    if (qx && ny && (op == "*" || op == "/")) {
        if (op == "*") return {Value(Quantity{qx->value * *ny, qx->unit})};
        auto q = qx->value.divide(*ny);
        return q ? Collection{Value(Quantity{*q, qx->unit})} : Collection{};
    }
    if (nx && qy && op == "*") return {Value(Quantity{*nx * qy->value, qy->unit})};
    ev.fail(ErrorKind::execution, "cannot apply '" + op + "' to " + type_of(*x).name + " and " + type_of(*y).name, where);
}

} // namespace healthdoc::fhir::fhirpath
