// Tree navigation (FHIRPath 5.8), utility functions (5.9: trace, now, today, timeOfDay),
// type functions (is/as as functions, type()), sort(), and the boundary functions
// lowBoundary/highBoundary/precision/comparable of FHIRPath 2.0 used by R4 invariants.
#include "fhir/fhirpath/function_support.hpp"

#include <algorithm>

namespace healthdoc::fhir::fhirpath {

namespace {

Collection fn_children(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    Collection out;
    for (const Value& item : input) {
        ev.append_children(item, out);
        ev.check_size(out.size(), call);
    }
    return out;
}

Collection fn_descendants(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    Collection out;
    Collection current = input;
    while (!current.empty()) {
        Collection next;
        for (const Value& item : current) {
            ev.append_children(item, next);
            ev.check_size(out.size() + next.size(), call);
        }
        out.insert(out.end(), next.begin(), next.end());
        current = std::move(next);
    }
    return out;
}

Collection fn_trace(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    const std::string name = string_argument(ev, call, 0, frame).value_or("");
    if (ev.environment().trace) {
        if (call.args.size() > 1) {
            Frame inner = frame;
            inner.focus = &input;
            ev.environment().trace(name, ev.eval(*call.args[1], inner));
        } else {
            ev.environment().trace(name, input);
        }
    }
    return input;
}

Collection fn_now(Evaluator& ev, const Collection&, const Expr&, const Frame&) { return single(Value(ev.now())); }

Collection fn_today(Evaluator& ev, const Collection&, const Expr&, const Frame&) {
    Temporal today = ev.now();
    today.kind = TemporalKind::date;
    today.precision = Precision::day;
    today.tz_minutes.reset();
    return single(Value(today));
}

Collection fn_time_of_day(Evaluator& ev, const Collection&, const Expr&, const Frame&) {
    Temporal time = ev.now();
    time.kind = TemporalKind::time;
    time.tz_minutes.reset();
    return single(Value(time));
}

Collection fn_type(Evaluator&, const Collection& input, const Expr&, const Frame&) {
    Collection out;
    for (const Value& item : input) out.push_back(Value(type_of(item)));
    return out;
}

Collection fn_is(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    const std::string type = ev.type_argument(*call.args[0]);
    const Value* item = ev.singleton(input, call, "is() input");
    if (!item) return {};
    return boolean(ev.is_type(*item, type, false, call));
}

Collection fn_as(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    const std::string type = ev.type_argument(*call.args[0]);
    const Value* item = ev.singleton(input, call, "as() input");
    if (!item) {
        ev.is_type(Value(true), type, true, call); // reject unknown type names
        return {};
    }
    return ev.is_type(*item, type, true, call) ? Collection{*item} : Collection{};
}

// One sort key: the expression and whether it was written with a leading '-' (descending).
struct SortKey {
    const Expr* expr;
    bool descending;
};

Collection fn_sort(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::vector<SortKey> keys;
    for (const auto& arg : call.args) {
        if (arg->kind == Expr::Kind::unary && arg->name == "-") keys.push_back({arg->args[0].get(), true});
        else keys.push_back({arg.get(), false});
    }
    struct Row {
        std::size_t index;
        std::vector<Collection> values;
    };
    std::vector<Row> rows;
    for (std::size_t i = 0; i < input.size(); ++i) {
        Row row{i, {}};
        if (keys.empty()) row.values.push_back({input[i]});
        for (const SortKey& key : keys) row.values.push_back(ev.eval_on_item(*key.expr, input[i], static_cast<std::int64_t>(i), frame));
        rows.push_back(std::move(row));
    }
    auto compare_rows = [&](const Row& a, const Row& b) {
        for (std::size_t k = 0; k < a.values.size(); ++k) {
            const bool descending = !keys.empty() && keys[k].descending;
            const Collection& x = a.values[k];
            const Collection& y = b.values[k];
            int order = 0;
            // An empty key sorts after every value (before them when descending).
            if (x.empty() || y.empty()) order = x.empty() == y.empty() ? 0 : (x.empty() ? 1 : -1);
            else order = items_compare(x[0], y[0]).value_or(0);
            if (descending) order = -order;
            if (order != 0) return order < 0;
        }
        return false;
    };
    try {
        std::stable_sort(rows.begin(), rows.end(), compare_rows);
    } catch (const FhirPathError& error) {
        ev.fail(ErrorKind::execution, std::string("sort(): ") + error.what(), call);
    }
    Collection out;
    for (const Row& row : rows) out.push_back(input[row.index]);
    return out;
}

// lowBoundary / highBoundary of a decimal written with `d.scale()` digits: the value minus/plus
// half a unit of its last digit, given with `precision` digits. As the reference (Java)
// implementation does, a shorter precision truncates the low boundary and rounds the high
// one half-up, and negative values mirror positive ones (low(-x) = -high(x)).
std::optional<Decimal> decimal_boundary(const Decimal& d, std::int64_t precision, bool high) {
    if (precision < 0 || precision > Decimal::k_max_scale) return std::nullopt;
    if (d.is_negative()) {
        auto mirrored = decimal_boundary(-d, precision, !high);
        if (!mirrored) return std::nullopt;
        return -*mirrored;
    }
    const Decimal half(5, d.scale() + 1);
    const Decimal bound = high ? d + half : d - half;
    const int p = static_cast<int>(precision);
    if (p >= bound.scale()) return bound.round_to(p);
    return high ? bound.round_to(p) : bound.truncate_to(p);
}

std::optional<Temporal> temporal_boundary(const Temporal& t, std::optional<std::int64_t> precision, bool high) {
    Temporal out = t;
    const bool time = t.kind == TemporalKind::time;
    std::int64_t digits = precision.value_or(time ? 9 : (t.kind == TemporalKind::date ? 8 : 17));
    Precision target;
    if (time) {
        if (digits == 2) target = Precision::hour;
        else if (digits == 4) target = Precision::minute;
        else if (digits == 6) target = Precision::second;
        else if (digits == 9) target = Precision::millisecond;
        else return std::nullopt;
    } else {
        switch (digits) {
        case 4: target = Precision::year; break;
        case 6: target = Precision::month; break;
        case 8: target = Precision::day; break;
        case 10: target = Precision::hour; break;
        case 12: target = Precision::minute; break;
        case 14: target = Precision::second; break;
        case 17: target = Precision::millisecond; break;
        default: return std::nullopt;
        }
        if (t.kind == TemporalKind::date && target > Precision::day) return std::nullopt;
    }
    // An hour-only date-time is read as hh:00 (hours alone are not a FHIR precision).
    if (t.kind == TemporalKind::date_time && t.precision == Precision::hour) out.precision = Precision::minute;
    if (out.precision < Precision::month) out.month = high ? 12 : 1;
    if (out.precision < Precision::day) out.day = high ? days_in_month(out.year, out.month) : 1;
    if (out.precision < Precision::hour) out.hour = high ? 23 : 0;
    if (out.precision < Precision::minute) out.minute = high ? 59 : 0;
    if (out.precision < Precision::second) out.second = high ? 59 : 0;
    if (out.precision < Precision::millisecond) out.millisecond = high ? 999 : 0;
    out.precision = target;
    if (out.kind == TemporalKind::date_time) {
        if (target <= Precision::day) {
            out.kind = TemporalKind::date;
            out.tz_minutes.reset();
        } else if (!out.tz_minutes) {
            out.tz_minutes = high ? -12 * 60 : 14 * 60; // the widest offsets in use
        }
    }
    return out;
}

template <bool high>
Collection boundary_fn(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto value = single_input(ev, input, call);
    if (!value) return {};
    std::optional<std::int64_t> precision;
    if (!call.args.empty()) {
        precision = integer_argument(ev, call, 0, frame);
        if (!precision) return {};
    }
    std::optional<Value> result;
    if (const auto* i = std::get_if<std::int64_t>(&value->data)) {
        if (auto d = decimal_boundary(Decimal::from_integer(*i), precision.value_or(8), high)) result = Value(*d);
    } else if (const auto* d = std::get_if<Decimal>(&value->data)) {
        if (auto b = decimal_boundary(*d, precision.value_or(8), high)) result = Value(*b);
    } else if (const auto* q = std::get_if<Quantity>(&value->data)) {
        if (auto b = decimal_boundary(q->value, precision.value_or(8), high)) result = Value(Quantity{*b, q->unit});
    } else if (const auto* t = std::get_if<Temporal>(&value->data)) {
        if (auto b = temporal_boundary(*t, precision, high)) result = Value(*b);
    } else {
        ev.fail(ErrorKind::execution, call.name + "() applies to numbers, quantities and dates", call);
    }
    return result ? Collection{*result} : Collection{};
}

Collection fn_precision(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto value = single_input(ev, input, call);
    if (!value) return {};
    if (const auto* d = std::get_if<Decimal>(&value->data)) return single(Value(static_cast<std::int64_t>(d->scale())));
    if (std::holds_alternative<std::int64_t>(value->data)) return single(Value(std::int64_t{0}));
    if (const auto* q = std::get_if<Quantity>(&value->data)) return single(Value(static_cast<std::int64_t>(q->value.scale())));
    if (const auto* t = std::get_if<Temporal>(&value->data)) return single(Value(static_cast<std::int64_t>(t->precision_digits())));
    ev.fail(ErrorKind::execution, "precision() applies to numbers, quantities and dates", call);
}

Collection fn_comparable(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto value = single_input(ev, input, call);
    Collection other_arg = argument(ev, call, 0, frame);
    auto other = single_input(ev, other_arg, call);
    if (!value || !other) return {};
    const auto* a = std::get_if<Quantity>(&value->data);
    const auto* b = std::get_if<Quantity>(&other->data);
    if (!a || !b) ev.fail(ErrorKind::execution, "comparable() applies to quantities", call);
    return boolean(units_comparable(a->unit, b->unit));
}

} // namespace

void register_utility_functions(FunctionTable& t) {
    t["children"] = {fn_children, 0, 0};
    t["descendants"] = {fn_descendants, 0, 0};
    t["trace"] = {fn_trace, 1, 2};
    t["now"] = {fn_now, 0, 0};
    t["today"] = {fn_today, 0, 0};
    t["timeOfDay"] = {fn_time_of_day, 0, 0};
    t["type"] = {fn_type, 0, 0};
    t["is"] = {fn_is, 1, 1};
    t["as"] = {fn_as, 1, 1};
    t["sort"] = {fn_sort, 0, 8};
    t["lowBoundary"] = {boundary_fn<false>, 0, 1};
    t["highBoundary"] = {boundary_fn<true>, 0, 1};
    t["precision"] = {fn_precision, 0, 0};
    t["comparable"] = {fn_comparable, 1, 1};
}

} // namespace healthdoc::fhir::fhirpath
