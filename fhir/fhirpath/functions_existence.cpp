// Existence functions (FHIRPath 5.1) and not() (6.5.5).
#include "fhir/fhirpath/function_support.hpp"

namespace healthdoc::fhir::fhirpath {

namespace {

bool is_true(Evaluator& ev, const Collection& result, const Expr& where) { return ev.to_boolean(result, where) == true; }

Collection fn_empty(Evaluator&, const Collection& input, const Expr&, const Frame&) { return boolean(input.empty()); }

Collection fn_exists(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    if (call.args.empty()) return boolean(!input.empty());
    for (std::size_t i = 0; i < input.size(); ++i)
        if (is_true(ev, ev.eval_on_item(*call.args[0], input[i], static_cast<std::int64_t>(i), frame), call)) return boolean(true);
    return boolean(false);
}

Collection fn_all(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    for (std::size_t i = 0; i < input.size(); ++i)
        if (!is_true(ev, ev.eval_on_item(*call.args[0], input[i], static_cast<std::int64_t>(i), frame), call)) return boolean(false);
    return boolean(true);
}

// allTrue/anyTrue/allFalse/anyFalse: every item must be a Boolean.
bool boolean_item(Evaluator& ev, const Value& item, const Expr& call) {
    auto value = to_system(item);
    const bool* b = value ? std::get_if<bool>(&value->data) : nullptr;
    if (!b) ev.fail(ErrorKind::execution, call.name + "() needs Boolean items", call);
    return *b;
}

Collection fn_all_true(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    for (const Value& item : input)
        if (!boolean_item(ev, item, call)) return boolean(false);
    return boolean(true);
}

Collection fn_any_true(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    bool any = false;
    for (const Value& item : input) any = boolean_item(ev, item, call) || any;
    return boolean(any);
}

Collection fn_all_false(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    for (const Value& item : input)
        if (boolean_item(ev, item, call)) return boolean(false);
    return boolean(true);
}

Collection fn_any_false(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    bool any = false;
    for (const Value& item : input) any = !boolean_item(ev, item, call) || any;
    return boolean(any);
}

Collection fn_subset_of(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    const Collection other = argument(ev, call, 0, frame);
    for (const Value& item : input)
        if (!contains_equal(other, item)) return boolean(false);
    return boolean(true);
}

Collection fn_superset_of(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    const Collection other = argument(ev, call, 0, frame);
    for (const Value& item : other)
        if (!contains_equal(input, item)) return boolean(false);
    return boolean(true);
}

Collection fn_count(Evaluator&, const Collection& input, const Expr&, const Frame&) {
    return single(Value(static_cast<std::int64_t>(input.size())));
}

Collection fn_distinct(Evaluator&, const Collection& input, const Expr&, const Frame&) { return distinct_items(input); }

Collection fn_is_distinct(Evaluator&, const Collection& input, const Expr&, const Frame&) {
    return boolean(distinct_items(input).size() == input.size());
}

Collection fn_not(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto value = ev.to_boolean(input, call);
    if (!value) return {};
    return boolean(!*value);
}

} // namespace

void register_existence_functions(FunctionTable& t) {
    t["empty"] = {fn_empty, 0, 0};
    t["exists"] = {fn_exists, 0, 1};
    t["all"] = {fn_all, 1, 1};
    t["allTrue"] = {fn_all_true, 0, 0};
    t["anyTrue"] = {fn_any_true, 0, 0};
    t["allFalse"] = {fn_all_false, 0, 0};
    t["anyFalse"] = {fn_any_false, 0, 0};
    t["subsetOf"] = {fn_subset_of, 1, 1};
    t["supersetOf"] = {fn_superset_of, 1, 1};
    t["count"] = {fn_count, 0, 0};
    t["distinct"] = {fn_distinct, 0, 0};
    t["isDistinct"] = {fn_is_distinct, 0, 0};
    t["not"] = {fn_not, 0, 0};
}

} // namespace healthdoc::fhir::fhirpath
