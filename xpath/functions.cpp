// The function table and the argument conversions every group uses (XPath 2.0 function
// conversion rules: atomize, untypedAtomic cast to the expected type, cardinality checks).
#include "xpath/functions.hpp"

#include <algorithm>
#include <mutex>

namespace healthdoc::xpath {
namespace {

const std::vector<FunctionDef>& table() {
    static const std::vector<FunctionDef> functions = [] {
        std::vector<FunctionDef> t;
        add_string_functions(t);
        add_sequence_functions(t);
        add_numeric_functions(t);
        add_node_functions(t);
        add_document_functions(t);
        add_datetime_functions(t);
        add_misc_functions(t);
        return t;
    }();
    return functions;
}

} // namespace

const FunctionDef* find_function(std::string_view uri, std::string_view local, std::size_t arity, bool& known_name) {
    known_name = false;
    for (const auto& f : table()) {
        if (f.uri != uri || f.name != local) continue;
        known_name = true;
        if (arity >= static_cast<std::size_t>(f.min_args) &&
            (f.max_args < 0 || arity <= static_cast<std::size_t>(f.max_args)))
            return &f;
    }
    return nullptr;
}

const Atomic* optional_atomic(Evaluator& ev, Sequence& arg, std::vector<Atomic>& storage, const Expr& call) {
    if (arg.empty()) return nullptr;
    if (arg.size() > 1)
        throw Error("XPTY0004", call.name + "(): a sequence of more than one item is not allowed here", call.offset);
    storage.push_back(ev.atomize(arg[0]));
    return &storage.back();
}

std::string string_arg(Evaluator& ev, Sequence& arg, const Expr& call) {
    std::vector<Atomic> storage;
    const Atomic* a = optional_atomic(ev, arg, storage, call);
    if (!a) return {};
    if (!is_string_like(a->type()))
        throw Error("XPTY0004", call.name + "(): expected xs:string, got " + std::string(type_name(a->type())),
                    call.offset);
    return a->str();
}

bool is_empty_arg(const Sequence& arg) { return arg.empty(); }

Sequence single(Atomic value) { return {Item(std::move(value))}; }

} // namespace healthdoc::xpath
