// Filtering and projection (FHIRPath 5.2), subsetting (5.3), combining (5.4), iif (5.5.1)
// and aggregate (7).
#include "fhir/fhirpath/function_support.hpp"

#include <unordered_set>

namespace healthdoc::fhir::fhirpath {

namespace {

Collection fn_where(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    Collection out;
    for (std::size_t i = 0; i < input.size(); ++i)
        if (ev.to_boolean(ev.eval_on_item(*call.args[0], input[i], static_cast<std::int64_t>(i), frame), call) == true)
            out.push_back(input[i]);
    return out;
}

Collection fn_select(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    Collection out;
    for (std::size_t i = 0; i < input.size(); ++i) {
        Collection part = ev.eval_on_item(*call.args[0], input[i], static_cast<std::int64_t>(i), frame);
        out.insert(out.end(), part.begin(), part.end());
        ev.check_size(out.size(), call);
    }
    return out;
}

// Identity for repeat(): nodes by position in the document, values by their text.
std::string repeat_key(const Value& item) {
    if (const Node* node = item.node())
        return "n" + std::to_string(reinterpret_cast<std::uintptr_t>(node->value)) + ":" +
               std::to_string(reinterpret_cast<std::uintptr_t>(node->extras));
    return "v" + describe(item);
}

Collection fn_repeat(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    Collection out;
    std::unordered_set<std::string> seen;
    Collection current = input;
    while (!current.empty()) {
        Collection next;
        for (std::size_t i = 0; i < current.size(); ++i) {
            Collection part = ev.eval_on_item(*call.args[0], current[i], static_cast<std::int64_t>(i), frame);
            for (Value& item : part) {
                if (!seen.insert(repeat_key(item)).second) continue;
                out.push_back(item);
                next.push_back(std::move(item));
            }
            ev.check_size(out.size(), call);
        }
        current = std::move(next);
    }
    return out;
}

Collection fn_of_type(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    const std::string type = ev.type_argument(*call.args[0]);
    Collection out;
    for (const Value& item : input)
        if (ev.is_type(item, type, true, call)) out.push_back(item);
    if (input.empty()) ev.is_type(Value(true), type, true, call); // still reject unknown type names
    return out;
}

Collection fn_single(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    if (const Value* item = ev.singleton(input, call, "single() input")) return {*item};
    return {};
}

Collection fn_first(Evaluator&, const Collection& input, const Expr&, const Frame&) {
    return input.empty() ? Collection{} : Collection{input.front()};
}

Collection fn_last(Evaluator&, const Collection& input, const Expr&, const Frame&) {
    return input.empty() ? Collection{} : Collection{input.back()};
}

Collection fn_tail(Evaluator&, const Collection& input, const Expr&, const Frame&) {
    return input.size() <= 1 ? Collection{} : Collection(input.begin() + 1, input.end());
}

Collection fn_skip(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto n = integer_argument(ev, call, 0, frame);
    if (!n) return {};
    if (*n <= 0) return input;
    if (static_cast<std::size_t>(*n) >= input.size()) return {};
    return Collection(input.begin() + *n, input.end());
}

Collection fn_take(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto n = integer_argument(ev, call, 0, frame);
    if (!n || *n <= 0) return {};
    if (static_cast<std::size_t>(*n) >= input.size()) return input;
    return Collection(input.begin(), input.begin() + *n);
}

Collection fn_intersect(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    const Collection other = argument(ev, call, 0, frame);
    Collection out;
    for (const Value& item : distinct_items(input))
        if (contains_equal(other, item)) out.push_back(item);
    return out;
}

Collection fn_exclude(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    const Collection other = argument(ev, call, 0, frame);
    Collection out;
    for (const Value& item : input)
        if (!contains_equal(other, item)) out.push_back(item);
    return out;
}

Collection fn_union(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    Collection all = input;
    const Collection other = argument(ev, call, 0, frame);
    all.insert(all.end(), other.begin(), other.end());
    ev.check_size(all.size(), call);
    return distinct_items(all);
}

Collection fn_combine(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    Collection all = input;
    const Collection other = argument(ev, call, 0, frame);
    all.insert(all.end(), other.begin(), other.end());
    ev.check_size(all.size(), call);
    return all;
}

Collection fn_iif(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    if (input.size() > 1) ev.fail(ErrorKind::execution, "iif() applies to at most one item", call);
    Frame inner = frame;
    inner.focus = &input;
    Collection criterion = ev.eval(*call.args[0], inner);
    if (criterion.size() > 1) ev.fail(ErrorKind::semantic, "iif() criterion must be a single Boolean", call);
    if (!criterion.empty() && ev.environment().options.strict) {
        auto value = to_system(criterion[0]);
        if (!value || !std::holds_alternative<bool>(value->data))
            ev.fail(ErrorKind::semantic, "iif() criterion must be a Boolean", call);
    }
    if (ev.to_boolean(criterion, call) == true) return ev.eval(*call.args[1], inner);
    if (call.args.size() > 2) return ev.eval(*call.args[2], inner);
    return {};
}

Collection fn_aggregate(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    Collection total = call.args.size() > 1 ? argument(ev, call, 1, frame) : Collection{};
    for (std::size_t i = 0; i < input.size(); ++i)
        total = ev.eval_on_item(*call.args[0], input[i], static_cast<std::int64_t>(i), frame, &total);
    return total;
}

} // namespace

void register_filtering_functions(FunctionTable& t) {
    t["where"] = {fn_where, 1, 1};
    t["select"] = {fn_select, 1, 1};
    t["repeat"] = {fn_repeat, 1, 1};
    t["ofType"] = {fn_of_type, 1, 1};
    t["single"] = {fn_single, 0, 0};
    t["first"] = {fn_first, 0, 0};
    t["last"] = {fn_last, 0, 0};
    t["tail"] = {fn_tail, 0, 0};
    t["skip"] = {fn_skip, 1, 1};
    t["take"] = {fn_take, 1, 1};
    t["intersect"] = {fn_intersect, 1, 1};
    t["exclude"] = {fn_exclude, 1, 1};
    t["union"] = {fn_union, 1, 1};
    t["combine"] = {fn_combine, 1, 1};
    t["iif"] = {fn_iif, 2, 3};
    t["aggregate"] = {fn_aggregate, 1, 2};
}

} // namespace healthdoc::fhir::fhirpath
