#include "fhir/fhirpath/context_members.hpp"

#include <algorithm>
#include <set>
#include <string_view>

namespace healthdoc::fhir::fhirpath {

namespace {

// Functions that evaluate their argument once per input item: on an empty input the argument
// is never evaluated, whatever it reads.
bool iterates_items(std::string_view name) {
    return name == "where" || name == "select" || name == "all" || name == "exists" || name == "repeat";
}

// Functions whose result is empty when their input is empty.
bool keeps_empty(std::string_view name) {
    static const std::set<std::string_view> names{
        "where",    "select",     "repeat",      "first",     "last",
        "tail",     "skip",       "take",        "ofType",    "as",
        "trace",    "distinct",   "single",      "substring", "startsWith",
        "endsWith", "contains",   "matches",     "replace",   "replaceMatches",
        "indexOf",  "length",     "upper",       "lower",     "toChars",
        "toString", "toInteger",  "toDecimal",   "toBoolean", "toQuantity",
        "toDate",   "toDateTime", "toTime",      "not",       "abs",
        "ceiling",  "floor",      "round",       "ln",        "log",
        "power",    "sqrt",       "truncate",    "exp",       "extension",
        "resolve",  "children",   "descendants", "intersect", "exclude"};
    return names.count(name) != 0;
}

// True when the expression's value is empty whenever the context has none of the members it
// starts from.
bool empty_without_members(const Expr& e) {
    switch (e.kind) {
    case Expr::Kind::identifier: return true;
    case Expr::Kind::member:
    case Expr::Kind::indexer: return e.input && empty_without_members(*e.input);
    case Expr::Kind::call: return e.input && keeps_empty(e.name) && empty_without_members(*e.input);
    default: return false;
    }
}

bool constant_variable(std::string_view name) {
    return name == "ucum" || name == "sct" || name == "loinc" || name.rfind("vs-", 0) == 0 ||
           name.rfind("ext-", 0) == 0;
}

class Collector {
public:
    std::set<std::string> members;

    // False when the expression may depend on more than the context's members.
    bool read(const Expr& e) {
        switch (e.kind) {
        case Expr::Kind::literal: return true;
        case Expr::Kind::identifier:
            // A capitalised start may be the context's type name ("Patient.name"): the context itself.
            if (e.name.empty() || (e.name[0] >= 'A' && e.name[0] <= 'Z')) return false;
            members.insert(e.name);
            return true;
        case Expr::Kind::member:
        case Expr::Kind::type_op: return e.input && read(*e.input);
        case Expr::Kind::indexer:
        case Expr::Kind::unary:
        case Expr::Kind::binary:
            if (e.input && !read(*e.input)) return false;
            return std::all_of(e.args.begin(), e.args.end(), [&](const auto& arg) { return read(*arg); });
        case Expr::Kind::call:
            // Without an input a function reads the focus itself (exists(), hasValue(), htmlChecks()).
            if (!e.input || !read(*e.input)) return false;
            if (e.name == "ofType" || e.name == "as" || e.name == "is") return true; // a type name argument
            if (iterates_items(e.name)) return empty_without_members(*e.input);
            return std::all_of(e.args.begin(), e.args.end(), [&](const auto& arg) { return read(*arg); });
        case Expr::Kind::variable: return constant_variable(e.name);
        case Expr::Kind::this_value:
        case Expr::Kind::index_value:
        case Expr::Kind::total_value: return false;
        }
        return false;
    }
};

} // namespace

std::optional<std::vector<std::string>> context_members(const Expr& expression) {
    Collector collector;
    if (!collector.read(expression)) return std::nullopt;
    return std::vector<std::string>(collector.members.begin(), collector.members.end());
}

} // namespace healthdoc::fhir::fhirpath
