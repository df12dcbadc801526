// Conversion functions (FHIRPath 5.5.3 to 5.5.9): toX() and convertsToX().
#include "fhir/fhirpath/function_support.hpp"

#include <algorithm>
#include <cctype>

namespace healthdoc::fhir::fhirpath {

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::optional<Value> to_boolean_value(const Value& v) {
    if (const bool* b = std::get_if<bool>(&v.data)) return Value(*b);
    if (const auto* i = std::get_if<std::int64_t>(&v.data)) {
        if (*i == 1) return Value(true);
        if (*i == 0) return Value(false);
    }
    if (const auto* d = std::get_if<Decimal>(&v.data)) {
        if (Decimal::compare(*d, Decimal::from_integer(1)) == 0) return Value(true);
        if (d->is_zero()) return Value(false);
    }
    if (const auto* s = std::get_if<std::string>(&v.data)) {
        const std::string l = lower(*s);
        if (l == "true" || l == "t" || l == "yes" || l == "y" || l == "1" || l == "1.0") return Value(true);
        if (l == "false" || l == "f" || l == "no" || l == "n" || l == "0" || l == "0.0") return Value(false);
    }
    return std::nullopt;
}

bool integer_text(const std::string& s) {
    std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    if (i >= s.size()) return false;
    for (; i < s.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

std::optional<Value> to_integer_value(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v.data)) return Value(*i);
    if (const bool* b = std::get_if<bool>(&v.data)) return Value(static_cast<std::int64_t>(*b ? 1 : 0));
    if (const auto* s = std::get_if<std::string>(&v.data)) {
        if (!integer_text(*s)) return std::nullopt;
        auto d = Decimal::parse(*s);
        if (!d) return std::nullopt;
        auto i = d->to_int64();
        if (!i || *i > INT32_MAX || *i < INT32_MIN) return std::nullopt;
        return Value(*i);
    }
    return std::nullopt;
}

std::optional<Value> to_decimal_value(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v.data)) return Value(Decimal::from_integer(*i));
    if (const auto* d = std::get_if<Decimal>(&v.data)) return Value(*d);
    if (const bool* b = std::get_if<bool>(&v.data)) return Value(Decimal(*b ? 10 : 0, 1));
    if (const auto* s = std::get_if<std::string>(&v.data)) {
        if (s->find_first_of("eE") != std::string::npos) return std::nullopt;
        if (auto d = Decimal::parse(*s)) return Value(*d);
    }
    return std::nullopt;
}

std::optional<Value> to_string_value(const Value& v) {
    if (std::holds_alternative<TypeSpecifier>(v.data)) return std::nullopt;
    if (auto text = to_text(v)) return Value(*text);
    return std::nullopt;
}

std::optional<Value> to_date_value(const Value& v) {
    if (const auto* t = std::get_if<Temporal>(&v.data)) {
        if (t->kind == TemporalKind::time) return std::nullopt;
        Temporal date = *t;
        date.kind = TemporalKind::date;
        date.precision = std::min(date.precision, Precision::day);
        date.tz_minutes.reset();
        return Value(date);
    }
    if (const auto* s = std::get_if<std::string>(&v.data)) {
        if (auto date = Temporal::parse_date(*s)) return Value(*date);
        if (auto dt = Temporal::parse_date_time(*s)) return to_date_value(Value(*dt));
    }
    return std::nullopt;
}

std::optional<Value> to_date_time_value(const Value& v) {
    if (const auto* t = std::get_if<Temporal>(&v.data)) {
        if (t->kind == TemporalKind::time) return std::nullopt;
        Temporal dt = *t;
        dt.kind = TemporalKind::date_time;
        return Value(dt);
    }
    if (const auto* s = std::get_if<std::string>(&v.data)) {
        if (auto dt = Temporal::parse_date_time(*s)) return Value(*dt);
    }
    return std::nullopt;
}

std::optional<Value> to_time_value(const Value& v) {
    if (const auto* t = std::get_if<Temporal>(&v.data)) {
        if (t->kind == TemporalKind::time) return Value(*t);
        return std::nullopt;
    }
    if (const auto* s = std::get_if<std::string>(&v.data)) {
        if (auto t = Temporal::parse_time(*s)) return Value(*t);
    }
    return std::nullopt;
}

std::optional<Value> to_quantity_value(const Value& v) {
    if (const auto* q = std::get_if<Quantity>(&v.data)) return Value(*q);
    if (const auto* i = std::get_if<std::int64_t>(&v.data)) return Value(Quantity{Decimal::from_integer(*i), "1"});
    if (const auto* d = std::get_if<Decimal>(&v.data)) return Value(Quantity{*d, "1"});
    if (const bool* b = std::get_if<bool>(&v.data)) return Value(Quantity{Decimal(*b ? 10 : 0, 1), "1"});
    if (const auto* s = std::get_if<std::string>(&v.data)) {
        if (auto q = parse_quantity(*s)) return Value(*q);
    }
    return std::nullopt;
}

using Converter = std::optional<Value> (*)(const Value&);

template <Converter convert>
Collection to_fn(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto value = single_input(ev, input, call);
    if (!value) return {};
    if (auto converted = convert(*value)) return {*converted};
    return {};
}

template <Converter convert>
Collection converts_fn(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto value = single_input(ev, input, call);
    if (!value) return {};
    return boolean(convert(*value).has_value());
}

std::optional<Value> quantity_in_unit(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto value = single_input(ev, input, call);
    if (!value) return std::nullopt;
    auto quantity = to_quantity_value(*value);
    if (!quantity || call.args.empty()) return quantity;
    auto unit = string_argument(ev, call, 0, frame);
    if (!unit) return std::nullopt;
    auto converted = convert(std::get<Quantity>(quantity->data), *unit);
    if (!converted) return std::nullopt;
    return Value(*converted);
}

Collection fn_to_quantity(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto value = quantity_in_unit(ev, input, call, frame);
    return value ? Collection{*value} : Collection{};
}

Collection fn_converts_to_quantity(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    if (input.empty()) return {};
    return boolean(quantity_in_unit(ev, input, call, frame).has_value());
}

} // namespace

void register_conversion_functions(FunctionTable& t) {
    t["toBoolean"] = {to_fn<to_boolean_value>, 0, 0};
    t["convertsToBoolean"] = {converts_fn<to_boolean_value>, 0, 0};
    t["toInteger"] = {to_fn<to_integer_value>, 0, 0};
    t["convertsToInteger"] = {converts_fn<to_integer_value>, 0, 0};
    t["toDecimal"] = {to_fn<to_decimal_value>, 0, 0};
    t["convertsToDecimal"] = {converts_fn<to_decimal_value>, 0, 0};
    t["toString"] = {to_fn<to_string_value>, 0, 0};
    t["convertsToString"] = {converts_fn<to_string_value>, 0, 0};
    t["toDate"] = {to_fn<to_date_value>, 0, 0};
    t["convertsToDate"] = {converts_fn<to_date_value>, 0, 0};
    t["toDateTime"] = {to_fn<to_date_time_value>, 0, 0};
    t["convertsToDateTime"] = {converts_fn<to_date_time_value>, 0, 0};
    t["toTime"] = {to_fn<to_time_value>, 0, 0};
    t["convertsToTime"] = {converts_fn<to_time_value>, 0, 0};
    t["toQuantity"] = {fn_to_quantity, 0, 1};
    t["convertsToQuantity"] = {fn_converts_to_quantity, 0, 1};
}

} // namespace healthdoc::fhir::fhirpath
