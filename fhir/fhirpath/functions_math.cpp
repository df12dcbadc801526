// Math functions (FHIRPath 5.7). Exact where the result is exact (abs, ceiling, floor,
// round, truncate, integer power); exp/ln/log/power/sqrt go through long double and keep
// 15 significant digits. Results that are not numbers (sqrt(-1)) are empty.
#include "fhir/fhirpath/function_support.hpp"

#include <cmath>

namespace healthdoc::fhir::fhirpath {

namespace {

std::optional<Value> number_input(Evaluator& ev, const Collection& input, const Expr& call) {
    auto value = single_input(ev, input, call);
    if (!value) return std::nullopt;
    if (std::holds_alternative<std::int64_t>(value->data) || std::holds_alternative<Decimal>(value->data)) return value;
    if (call.name == "abs" && std::holds_alternative<Quantity>(value->data)) return value;
    ev.fail(ErrorKind::execution, call.name + "() applies to a number", call);
}

Decimal as_decimal(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v.data)) return Decimal::from_integer(*i);
    return std::get<Decimal>(v.data);
}

Collection integer_result(Evaluator& ev, const Decimal& d, const Expr& call) {
    auto i = d.to_int64();
    if (!i) ev.fail(ErrorKind::execution, call.name + "() result out of the Integer range", call);
    return single(Value(*i));
}

Collection from_double(long double value) {
    auto d = Decimal::from_double(value);
    return d ? single(Value(*d)) : Collection{};
}

Collection fn_abs(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto v = number_input(ev, input, call);
    if (!v) return {};
    if (const auto* i = std::get_if<std::int64_t>(&v->data)) {
        if (*i == INT64_MIN) ev.fail(ErrorKind::execution, "integer overflow in abs()", call);
        return single(Value(*i < 0 ? -*i : *i));
    }
    if (const auto* q = std::get_if<Quantity>(&v->data)) return single(Value(Quantity{q->value.abs(), q->unit}));
    return single(Value(std::get<Decimal>(v->data).abs()));
}

Collection fn_ceiling(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto v = number_input(ev, input, call);
    if (!v) return {};
    return integer_result(ev, as_decimal(*v).ceil_to(0), call);
}

Collection fn_floor(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto v = number_input(ev, input, call);
    if (!v) return {};
    return integer_result(ev, as_decimal(*v).floor_to(0), call);
}

Collection fn_truncate(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto v = number_input(ev, input, call);
    if (!v) return {};
    return integer_result(ev, as_decimal(*v).truncate_to(0), call);
}

Collection fn_round(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto v = number_input(ev, input, call);
    if (!v) return {};
    std::int64_t precision = 0;
    if (!call.args.empty()) {
        auto p = integer_argument(ev, call, 0, frame);
        if (!p) return {};
        if (*p < 0 || *p > Decimal::k_max_scale) ev.fail(ErrorKind::execution, "round() precision out of range", call);
        precision = *p;
    }
    return single(Value(as_decimal(*v).round_to(static_cast<int>(precision))));
}

Collection fn_exp(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto v = number_input(ev, input, call);
    if (!v) return {};
    return from_double(std::exp(as_decimal(*v).to_long_double()));
}

Collection fn_ln(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto v = number_input(ev, input, call);
    if (!v) return {};
    const long double x = as_decimal(*v).to_long_double();
    if (x <= 0) return {};
    return from_double(std::log(x));
}

Collection fn_log(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto v = number_input(ev, input, call);
    Collection base_arg = argument(ev, call, 0, frame);
    auto base = single_input(ev, base_arg, call);
    if (!v || !base) return {};
    if (!std::holds_alternative<std::int64_t>(base->data) && !std::holds_alternative<Decimal>(base->data))
        ev.fail(ErrorKind::execution, "log() base must be a number", call);
    const long double x = as_decimal(*v).to_long_double();
    const long double b = as_decimal(*base).to_long_double();
    if (x <= 0 || b <= 0 || b == 1) return {};
    return from_double(std::log(x) / std::log(b));
}

Collection fn_power(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto v = number_input(ev, input, call);
    Collection exponent_arg = argument(ev, call, 0, frame);
    auto exponent = single_input(ev, exponent_arg, call);
    if (!v || !exponent) return {};
    const auto* base_int = std::get_if<std::int64_t>(&v->data);
    const auto* exp_int = std::get_if<std::int64_t>(&exponent->data);
    if (base_int && exp_int && *exp_int >= 0) {
        std::int64_t result = 1;
        for (std::int64_t i = 0; i < *exp_int; ++i) {
            if (__builtin_mul_overflow(result, *base_int, &result)) ev.fail(ErrorKind::execution, "integer overflow in power()", call);
            if (result == 0 || result == 1) break;
        }
        return single(Value(result));
    }
    if (!std::holds_alternative<std::int64_t>(exponent->data) && !std::holds_alternative<Decimal>(exponent->data))
        ev.fail(ErrorKind::execution, "power() exponent must be a number", call);
    const long double result = std::pow(as_decimal(*v).to_long_double(), as_decimal(*exponent).to_long_double());
    if (!std::isfinite(result)) return {};
    return from_double(result);
}

Collection fn_sqrt(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto v = number_input(ev, input, call);
    if (!v) return {};
    const long double x = as_decimal(*v).to_long_double();
    if (x < 0) return {};
    return from_double(std::sqrt(x));
}

} // namespace

void register_math_functions(FunctionTable& t) {
    t["abs"] = {fn_abs, 0, 0};
    t["ceiling"] = {fn_ceiling, 0, 0};
    t["floor"] = {fn_floor, 0, 0};
    t["truncate"] = {fn_truncate, 0, 0};
    t["round"] = {fn_round, 0, 1};
    t["exp"] = {fn_exp, 0, 0};
    t["ln"] = {fn_ln, 0, 0};
    t["log"] = {fn_log, 1, 1};
    t["power"] = {fn_power, 1, 1};
    t["sqrt"] = {fn_sqrt, 0, 0};
}

} // namespace healthdoc::fhir::fhirpath
