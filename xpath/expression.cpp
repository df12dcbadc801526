// The public entry points: compile, evaluate, effective boolean value, string values.
#include "xpath/atomic_ops.hpp"
#include "xpath/evaluator.hpp"

#include <cmath>

namespace healthdoc::xpath {

Error::Error(std::string code_, const std::string& message, std::size_t offset_)
    : ::healthdoc::Error(code_ + ": " + message), code(std::move(code_)), offset(offset_) {}

Expression Expression::compile(std::string_view text, const StaticContext& context) {
    Expression e;
    e.m_impl = compile_expression(text, context);
    return e;
}

namespace {

// Runs `body` with the focus the dynamic context describes.
template <typename Body> auto with_focus(const detail::Compiled& compiled, const DynamicContext& context, Body body) {
    Evaluator ev(compiled, context);
    std::optional<Item> item;
    if (context.item)
        item.emplace(context.item);
    else if (context.atomic_item)
        item.emplace(*context.atomic_item);
    Focus focus{item ? &*item : nullptr, 1, 1};
    return body(ev, focus);
}

} // namespace

Sequence Expression::evaluate(const DynamicContext& context) const {
    return with_focus(*m_impl, context, [&](Evaluator& ev, const Focus& f) { return ev.eval(*m_impl->root, f); });
}

bool Expression::test(const DynamicContext& context) const {
    return with_focus(*m_impl, context, [&](Evaluator& ev, const Focus& f) { return ev.ebv(*m_impl->root, f); });
}

std::string Expression::evaluate_string(const DynamicContext& context) const { return string_value(evaluate(context)); }

const std::string& Expression::text() const noexcept { return m_impl->text; }

const std::vector<std::string>& Expression::variables_used() const noexcept { return m_impl->variables_used; }

Sequence evaluate(const Expression& expression, const DynamicContext& context) { return expression.evaluate(context); }

bool effective_boolean_value(const Sequence& sequence) {
    if (sequence.empty()) return false;
    if (sequence[0].is_node()) return true;
    if (sequence.size() > 1) throw Error("FORG0006", "effective boolean value of a sequence of several atomic values");
    const Atomic& a = sequence[0].atomic();
    if (a.type() == Type::boolean) return a.boolean_value();
    if (is_string_like(a.type())) return !a.str().empty();
    if (is_numeric(a.type())) {
        double d = to_double(a);
        return d != 0 && !std::isnan(d);
    }
    throw Error("FORG0006", "no effective boolean value for " + std::string(type_name(a.type())));
}

std::string string_value(const Item& item) {
    return item.is_node() ? node_string_value(item.node()) : item.atomic().to_string();
}

std::string string_value(const Sequence& sequence) {
    std::string out;
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        if (i) out += ' ';
        out += string_value(sequence[i]);
    }
    return out;
}

} // namespace healthdoc::xpath
