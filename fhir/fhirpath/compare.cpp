// Equality (=), equivalence (~) and ordering of FHIRPath items (FHIRPath 6.1 and 6.2).
#include "fhir/fhirpath/evaluator.hpp"

#include <cctype>
#include <unordered_set>

namespace healthdoc::fhir::fhirpath {

namespace {

// The value used for comparisons: System value of primitives, System Quantity of FHIR
// Quantity nodes; std::nullopt for other complex nodes.
std::optional<Value> comparable(const Value& item) {
    if (auto system = to_system(item)) return system;
    if (const Node* node = item.node()) {
        if (auto quantity = node_quantity(*node)) return Value(*quantity);
    }
    return std::nullopt;
}

bool untyped_string(const Value& item) {
    const Node* node = item.node();
    return node && node->type.empty() && node->value && node->value->is_string();
}

// A String from JSON without type information read as a date/time when compared with one.
void coerce_untyped(const Value& original, Value& value, const Value& other) {
    if (!untyped_string(original) || !std::holds_alternative<Temporal>(other.data)) return;
    const std::string& text = std::get<std::string>(value.data);
    const auto kind = std::get<Temporal>(other.data).kind;
    std::optional<Temporal> parsed = kind == TemporalKind::time ? Temporal::parse_time(text)
                                     : text.find('T') != std::string::npos ? Temporal::parse_date_time(text)
                                                                             : Temporal::parse_date(text);
    if (parsed) value = Value(*parsed);
}

std::optional<Decimal> as_decimal(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v.data)) return Decimal::from_integer(*i);
    if (const auto* d = std::get_if<Decimal>(&v.data)) return *d;
    return std::nullopt;
}

bool json_equal(const Node& a, const Node& b) {
    const nlohmann::json null;
    return (a.value ? *a.value : null) == (b.value ? *b.value : null) && (a.extras ? *a.extras : null) == (b.extras ? *b.extras : null);
}

std::string normalized_text(const std::string& text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

struct Pair {
    Value a, b;
};

// Both items as comparable values (untyped strings coerced); std::nullopt when one is complex.
std::optional<Pair> prepare(const Value& a, const Value& b) {
    auto ca = comparable(a);
    auto cb = comparable(b);
    if (!ca || !cb) return std::nullopt;
    coerce_untyped(a, *ca, *cb);
    coerce_untyped(b, *cb, *ca);
    return Pair{std::move(*ca), std::move(*cb)};
}

} // namespace

std::optional<bool> items_equal(const Value& a, const Value& b) {
    auto pair = prepare(a, b);
    if (!pair) {
        const Node* na = a.node();
        const Node* nb = b.node();
        if (na && nb) return json_equal(*na, *nb);
        return false;
    }
    const Value& x = pair->a;
    const Value& y = pair->b;
    if (auto dx = as_decimal(x)) {
        if (auto dy = as_decimal(y)) return Decimal::compare(*dx, *dy) == 0;
        return false;
    }
    if (const bool* bx = std::get_if<bool>(&x.data)) {
        const bool* by = std::get_if<bool>(&y.data);
        return by && *bx == *by;
    }
    if (const auto* sx = std::get_if<std::string>(&x.data)) {
        const auto* sy = std::get_if<std::string>(&y.data);
        return sy && *sx == *sy;
    }
    if (const auto* tx = std::get_if<Temporal>(&x.data)) {
        const auto* ty = std::get_if<Temporal>(&y.data);
        if (!ty || !comparable_kinds(*tx, *ty)) return false;
        auto order = compare(*tx, *ty);
        if (!order) return std::nullopt;
        return *order == 0;
    }
    if (const auto* qx = std::get_if<Quantity>(&x.data)) {
        const auto* qy = std::get_if<Quantity>(&y.data);
        if (!qy) return false;
        return equal(*qx, *qy);
    }
    if (const auto* tx = std::get_if<TypeSpecifier>(&x.data)) {
        const auto* ty = std::get_if<TypeSpecifier>(&y.data);
        return ty && tx->ns == ty->ns && tx->name == ty->name;
    }
    return false;
}

bool items_equivalent(const Value& a, const Value& b) {
    auto pair = prepare(a, b);
    if (!pair) {
        const Node* na = a.node();
        const Node* nb = b.node();
        return na && nb && json_equal(*na, *nb);
    }
    const Value& x = pair->a;
    const Value& y = pair->b;
    if (auto dx = as_decimal(x)) {
        auto dy = as_decimal(y);
        if (!dy) return false;
        // Compared at the precision of the least precise operand (FHIRPath 6.1.3).
        const int scale = std::min(dx->scale(), dy->scale());
        return Decimal::compare(dx->round_to(scale), dy->round_to(scale)) == 0;
    }
    if (const auto* sx = std::get_if<std::string>(&x.data)) {
        const auto* sy = std::get_if<std::string>(&y.data);
        return sy && normalized_text(*sx) == normalized_text(*sy);
    }
    if (const auto* tx = std::get_if<Temporal>(&x.data)) {
        const auto* ty = std::get_if<Temporal>(&y.data);
        return ty && equivalent(*tx, *ty);
    }
    if (const auto* qx = std::get_if<Quantity>(&x.data)) {
        const auto* qy = std::get_if<Quantity>(&y.data);
        return qy && equivalent(*qx, *qy);
    }
    return items_equal(x, y).value_or(false);
}

std::optional<int> items_compare(const Value& a, const Value& b) {
    auto pair = prepare(a, b);
    if (!pair) throw FhirPathError(ErrorKind::execution, "these items cannot be ordered");
    const Value& x = pair->a;
    const Value& y = pair->b;
    if (auto dx = as_decimal(x)) {
        if (auto dy = as_decimal(y)) return Decimal::compare(*dx, *dy);
        if (const auto* qy = std::get_if<Quantity>(&y.data)) return compare(Quantity{*dx, "1"}, *qy);
    } else if (const auto* sx = std::get_if<std::string>(&x.data)) {
        if (const auto* sy = std::get_if<std::string>(&y.data)) return sx->compare(*sy) < 0 ? -1 : (*sx == *sy ? 0 : 1);
    } else if (const auto* tx = std::get_if<Temporal>(&x.data)) {
        if (const auto* ty = std::get_if<Temporal>(&y.data); ty && comparable_kinds(*tx, *ty)) return compare(*tx, *ty);
    } else if (const auto* qx = std::get_if<Quantity>(&x.data)) {
        if (const auto* qy = std::get_if<Quantity>(&y.data)) return compare(*qx, *qy);
        if (auto dy = as_decimal(y)) return compare(*qx, Quantity{*dy, "1"});
    }
    throw FhirPathError(ErrorKind::execution, "cannot compare " + type_of(x).name + " with " + type_of(y).name);
}

std::optional<bool> collections_equal(const Collection& a, const Collection& b) {
    if (a.empty() || b.empty()) return std::nullopt;
    if (a.size() != b.size()) return false;
    bool unknown = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto result = items_equal(a[i], b[i]);
        if (!result) unknown = true;
        else if (!*result) return false;
    }
    if (unknown) return std::nullopt;
    return true;
}

bool collections_equivalent(const Collection& a, const Collection& b) {
    if (a.size() != b.size()) return false;
    std::vector<bool> used(b.size(), false);
    for (const Value& x : a) {
        bool found = false;
        for (std::size_t j = 0; j < b.size(); ++j) {
            if (!used[j] && items_equivalent(x, b[j])) {
                used[j] = true;
                found = true;
                break;
            }
        }
        if (!found) return false;
    }
    return true;
}

bool contains_equal(const Collection& items, const Value& item) {
    for (const Value& candidate : items)
        if (items_equal(candidate, item) == true) return true;
    return false;
}

namespace {

// A key equal for items that are certainly equal; items with the same key are then checked
// with items_equal, so distinct() stays linear on large collections.
std::string distinct_key(const Value& item) {
    if (auto system = comparable(item)) {
        const Value& v = *system;
        if (const auto* i = std::get_if<std::int64_t>(&v.data)) return "n" + Decimal::from_integer(*i).to_string();
        if (const auto* d = std::get_if<Decimal>(&v.data)) return "n" + d->normalized().to_string();
        if (const auto* s = std::get_if<std::string>(&v.data)) return "s" + *s;
        if (const bool* b = std::get_if<bool>(&v.data)) return *b ? "btrue" : "bfalse";
        if (const auto* t = std::get_if<Temporal>(&v.data)) return "t" + t->to_string();
        if (const auto* q = std::get_if<Quantity>(&v.data)) return "q" + q->value.normalized().to_string() + q->unit;
    }
    if (const Node* node = item.node()) return "j" + (node->value ? node->value->dump() : std::string()) + (node->extras ? node->extras->dump() : std::string());
    return "x";
}

} // namespace

Collection distinct_items(const Collection& items) {
    Collection out;
    std::unordered_set<std::string> seen;
    for (const Value& item : items) {
        if (seen.insert(distinct_key(item)).second) out.push_back(item);
    }
    return out;
}

} // namespace healthdoc::fhir::fhirpath
