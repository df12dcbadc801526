// fn: numeric functions and aggregates; each keeps its argument's numeric type as F&O says.
#include "xpath/atomic_ops.hpp"
#include "xpath/functions.hpp"

#include <cmath>

namespace healthdoc::xpath {
namespace {

using Args = std::vector<Sequence>;

Sequence fn_number(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    if (a.empty()) {
        if (!f.item) throw Error("XPDY0002", "number(): the context item is absent", call.offset);
        return single(Atomic::double_(number_of(ev.atomize(*f.item))));
    }
    std::vector<Atomic> storage;
    const Atomic* v = optional_atomic(ev, a[0], storage, call);
    return single(Atomic::double_(v ? number_of(*v) : std::nan("")));
}

// Applies a rounding-like function keeping the type; untyped becomes xs:double.
template <typename OnInt, typename OnDecimal, typename OnDouble>
Sequence numeric_unary(Evaluator& ev, Args& a, const Expr& call, OnInt on_int, OnDecimal on_decimal,
                       OnDouble on_double) {
    std::vector<Atomic> storage;
    const Atomic* v = optional_atomic(ev, a[0], storage, call);
    if (!v) return {};
    Atomic x = v->type() == Type::untypedAtomic ? cast(*v, Type::double_) : *v;
    switch (primitive_of(x.type())) {
    case Type::integer: return single(on_int(x.integer_value()));
    case Type::decimal: return single(Atomic::decimal(on_decimal(x.decimal_value())));
    case Type::double_:
    case Type::float_: return single(Atomic::double_(on_double(x.double_value()), x.type()));
    default: throw Error("XPTY0004", call.name + "(): a number is required", call.offset);
    }
}

Sequence fn_abs(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    return numeric_unary(
        ev, a, call,
        [](std::int64_t v) {
            if (v == INT64_MIN) throw Error("FOAR0002", "xs:integer overflow");
            return Atomic::integer(v < 0 ? -v : v);
        },
        [](const Decimal& d) { return d.is_negative() ? d.negate() : d; }, [](double d) { return std::fabs(d); });
}

Sequence fn_floor(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    return numeric_unary(
        ev, a, call, [](std::int64_t v) { return Atomic::integer(v); }, [](const Decimal& d) { return d.floor(); },
        [](double d) { return std::floor(d); });
}

Sequence fn_ceiling(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    return numeric_unary(
        ev, a, call, [](std::int64_t v) { return Atomic::integer(v); }, [](const Decimal& d) { return d.ceiling(); },
        [](double d) { return std::ceil(d); });
}

Sequence fn_round(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    return numeric_unary(
        ev, a, call, [](std::int64_t v) { return Atomic::integer(v); }, [](const Decimal& d) { return d.round(); },
        [](double d) {
            if (std::isnan(d) || std::isinf(d) || d == 0) return d;
            double r = std::floor(d + 0.5);
            return r == 0 && d < 0 ? -0.0 : r;
        });
}

Sequence fn_round_half_to_even(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    int precision = 0;
    if (a.size() > 1) {
        std::vector<Atomic> storage;
        const Atomic* p = optional_atomic(ev, a[1], storage, call);
        if (!p) throw Error("XPTY0004", "round-half-to-even(): precision required", call.offset);
        precision = static_cast<int>(cast(*p, Type::integer).integer_value());
    }
    return numeric_unary(
        ev, a, call,
        [&](std::int64_t v) {
            if (precision >= 0) return Atomic::integer(v);
            auto r = Decimal::from_int(v).round_half_even(precision).to_int64();
            return Atomic::integer(r ? *r : v);
        },
        [&](const Decimal& d) { return d.round_half_even(precision); },
        [&](double d) {
            if (std::isnan(d) || std::isinf(d)) return d;
            double scale = std::pow(10.0, precision);
            return std::nearbyint(d * scale) / scale;
        });
}

// Atomized values of an aggregate: untyped -> xs:double; XPTY0004/FORG0006 for non-numbers
// when `numbers_only`.
std::vector<Atomic> aggregate_values(Evaluator& ev, Sequence& arg) {
    std::vector<Atomic> values;
    ev.atomize(arg, values);
    for (auto& v : values)
        if (v.type() == Type::untypedAtomic) v = cast(v, Type::double_);
    return values;
}

Sequence fn_sum(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    auto values = aggregate_values(ev, a[0]);
    if (values.empty()) return a.size() > 1 ? a[1] : single(Atomic::integer(0));
    Atomic total = values[0];
    if (!is_numeric(total.type())) throw Error("FORG0006", "sum(): the values must be numbers", call.offset);
    for (std::size_t i = 1; i < values.size(); ++i) {
        if (!is_numeric(values[i].type())) throw Error("FORG0006", "sum(): the values must be numbers", call.offset);
        total = arithmetic(Op::add, total, values[i]);
    }
    return single(total);
}

Sequence fn_avg(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    if (a[0].empty()) return {};
    Sequence total = fn_sum(ev, f, a, call);
    return single(arithmetic(Op::divide, total[0].atomic(), Atomic::integer(static_cast<std::int64_t>(a[0].size()))));
}

Sequence min_max(Evaluator& ev, Args& a, const Expr& call, bool want_max) {
    auto values = aggregate_values(ev, a[0]);
    if (values.empty()) return {};
    Atomic best = values[0];
    for (auto& v : values) {
        if (is_numeric(v.type()) && std::isnan(to_double(v))) return single(v);
        auto c = compare_atomics(v, best);
        if (!c) throw Error("FORG0006", call.name + "(): values cannot be compared", call.offset);
        if (want_max ? *c > 0 : *c < 0) best = v;
    }
    if (best.type() == Type::anyURI) best = Atomic::string(best.str());
    return single(best);
}

Sequence fn_min(Evaluator& ev, const Focus&, Args& a, const Expr& call) { return min_max(ev, a, call, false); }
Sequence fn_max(Evaluator& ev, const Focus&, Args& a, const Expr& call) { return min_max(ev, a, call, true); }

} // namespace

void add_numeric_functions(std::vector<FunctionDef>& t) {
    t.insert(t.end(), {
                          {k_fn_uri, "number", 0, 1, fn_number},
                          {k_fn_uri, "abs", 1, 1, fn_abs},
                          {k_fn_uri, "floor", 1, 1, fn_floor},
                          {k_fn_uri, "ceiling", 1, 1, fn_ceiling},
                          {k_fn_uri, "round", 1, 1, fn_round},
                          {k_fn_uri, "round-half-to-even", 1, 2, fn_round_half_to_even},
                          {k_fn_uri, "sum", 1, 2, fn_sum},
                          {k_fn_uri, "avg", 1, 1, fn_avg},
                          {k_fn_uri, "min", 1, 2, fn_min},
                          {k_fn_uri, "max", 1, 2, fn_max},
                      });
}

} // namespace healthdoc::xpath
