// Recursive-descent parser for the XPath 2.0 grammar (W3C XPath 2.0 appendix A), resolving
// names as it goes: namespace prefixes, functions (by name and arity), variables (local slots
// for for/some/every, or external names that must be declared in the static context).
#include "xpath/ast.hpp"
#include "xpath/evaluator.hpp"
#include "xpath/functions.hpp"
#include "xpath/lexer.hpp"
#include "xpath/parser_types.hpp"

#include <algorithm>

namespace healthdoc::xpath {
namespace {

constexpr int k_max_depth = 300;  // nesting of the grammar: about 100 levels of parentheses
constexpr int k_max_height = 400; // height of the tree (long operator chains)

bool is_kind_test_name(const std::string& n) {
    return n == "node" || n == "text" || n == "comment" || n == "processing-instruction" || n == "element" ||
           n == "attribute" || n == "document-node" || n == "schema-element" || n == "schema-attribute";
}

struct Axes {
    const char* name;
    Axis axis;
};
constexpr Axes k_axes[] = {{"child", Axis::child},
                           {"descendant", Axis::descendant},
                           {"attribute", Axis::attribute},
                           {"self", Axis::self},
                           {"descendant-or-self", Axis::descendant_or_self},
                           {"following-sibling", Axis::following_sibling},
                           {"following", Axis::following},
                           {"parent", Axis::parent},
                           {"ancestor", Axis::ancestor},
                           {"preceding-sibling", Axis::preceding_sibling},
                           {"preceding", Axis::preceding},
                           {"ancestor-or-self", Axis::ancestor_or_self},
                           {"namespace", Axis::namespace_}};

class Parser : public TypeParser {
public:
    Parser(std::string_view text, const StaticContext& context, detail::Compiled& out)
        : TypeParser(tokenize(text), context), m_out(out) {}

    ExprPtr parse_all() {
        auto e = parse_expr();
        if (peek().kind != TokenKind::end) fail("unexpected \"" + peek().text + "\"");
        return e;
    }

private:
    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser) : p(parser) {
            if (++p.m_depth > k_max_depth) throw Error("HDXP0001", "expression nested too deeply", p.peek().offset);
        }
        ~DepthGuard() { --p.m_depth; }
    };

    ExprPtr node(Op op, std::size_t offset) {
        auto e = std::make_unique<Expr>();
        e->op = op;
        e->offset = offset;
        return e;
    }

    ExprPtr finish(ExprPtr e) {
        int h = 0;
        for (auto& k : e->kids) h = std::max(h, k->height);
        e->height = h + 1;
        if (e->height > k_max_height) throw Error("HDXP0001", "expression too deeply nested", e->offset);
        return e;
    }

    ExprPtr binary(Op op, ExprPtr a, ExprPtr b, std::size_t offset) {
        auto e = node(op, offset);
        e->kids.push_back(std::move(a));
        e->kids.push_back(std::move(b));
        return finish(std::move(e));
    }

    ExprPtr parse_expr() {
        std::size_t offset = peek().offset;
        auto first = parse_expr_single();
        if (!is_symbol(",")) return first;
        auto seq = node(Op::comma, offset);
        seq->kids.push_back(std::move(first));
        while (accept_symbol(",")) seq->kids.push_back(parse_expr_single());
        return finish(std::move(seq));
    }

    ExprPtr parse_expr_single() {
        DepthGuard guard(*this);
        const Token& t = peek();
        if (t.kind == TokenKind::name && t.prefix.empty()) {
            if ((t.local == "for" || t.local == "some" || t.local == "every") && peek(1).kind == TokenKind::symbol &&
                peek(1).text == "$")
                return parse_binding(t.local == "for" ? Op::for_ : t.local == "some" ? Op::some : Op::every);
            if (t.local == "if" && is_symbol_at(1, "(")) return parse_if();
        }
        return parse_or();
    }

    // for/some/every with one or more clauses: nested as one node per clause.
    ExprPtr parse_binding(Op op) {
        std::size_t offset = next().offset;
        std::size_t scope_size = m_scope.size();
        std::vector<ExprPtr> clauses;
        do {
            expect_symbol("$");
            const Token& name = next();
            if (name.kind != TokenKind::name) fail("variable name expected", name.offset);
            expect_keyword("in");
            auto e = node(op, offset);
            e->kids.push_back(parse_expr_single());
            e->name = name.text;
            e->slot = m_out.slots++;
            m_scope.emplace_back(name.text, e->slot);
            clauses.push_back(std::move(e));
        } while (accept_symbol(","));
        expect_keyword(op == Op::for_ ? "return" : "satisfies");
        ExprPtr body = parse_expr_single();
        m_scope.resize(scope_size);
        for (auto it = clauses.rbegin(); it != clauses.rend(); ++it) {
            (*it)->kids.push_back(std::move(body));
            body = finish(std::move(*it));
        }
        return body;
    }

    ExprPtr parse_if() {
        auto e = node(Op::if_, next().offset);
        expect_symbol("(");
        e->kids.push_back(parse_expr());
        expect_symbol(")");
        expect_keyword("then");
        e->kids.push_back(parse_expr_single());
        expect_keyword("else");
        e->kids.push_back(parse_expr_single());
        return finish(std::move(e));
    }

    ExprPtr parse_or() {
        auto left = parse_and();
        while (is_keyword("or")) {
            std::size_t offset = next().offset;
            left = binary(Op::or_, std::move(left), parse_and(), offset);
        }
        return left;
    }

    ExprPtr parse_and() {
        auto left = parse_comparison();
        while (is_keyword("and")) {
            std::size_t offset = next().offset;
            left = binary(Op::and_, std::move(left), parse_comparison(), offset);
        }
        return left;
    }

    ExprPtr parse_comparison() {
        auto left = parse_range();
        const Token& t = peek();
        static const std::pair<const char*, Compare> general[] = {{"=", Compare::eq}, {"!=", Compare::ne},
                                                                  {"<", Compare::lt}, {"<=", Compare::le},
                                                                  {">", Compare::gt}, {">=", Compare::ge}};
        static const std::pair<const char*, Compare> value[] = {{"eq", Compare::eq}, {"ne", Compare::ne},
                                                                {"lt", Compare::lt}, {"le", Compare::le},
                                                                {"gt", Compare::gt}, {"ge", Compare::ge}};
        if (t.kind == TokenKind::symbol) {
            for (auto& [symbol, cmp] : general) {
                if (t.text == symbol) {
                    std::size_t offset = next().offset;
                    auto e = binary(Op::general_compare, std::move(left), parse_range(), offset);
                    e->compare = cmp;
                    return e;
                }
            }
            if (t.text == "<<" || t.text == ">>") {
                Op op = t.text == "<<" ? Op::node_before : Op::node_after;
                std::size_t offset = next().offset;
                return binary(op, std::move(left), parse_range(), offset);
            }
        } else if (t.kind == TokenKind::name && t.prefix.empty()) {
            for (auto& [word, cmp] : value) {
                if (t.local == word) {
                    std::size_t offset = next().offset;
                    auto e = binary(Op::value_compare, std::move(left), parse_range(), offset);
                    e->compare = cmp;
                    return e;
                }
            }
            if (t.local == "is") {
                std::size_t offset = next().offset;
                return binary(Op::node_is, std::move(left), parse_range(), offset);
            }
        }
        return left;
    }

    ExprPtr parse_range() {
        auto left = parse_additive();
        if (is_keyword("to")) {
            std::size_t offset = next().offset;
            return binary(Op::range, std::move(left), parse_additive(), offset);
        }
        return left;
    }

    ExprPtr parse_additive() {
        auto left = parse_multiplicative();
        while (is_symbol("+") || is_symbol("-")) {
            const Token& t = next();
            Op op = t.text == "+" ? Op::add : Op::subtract;
            left = binary(op, std::move(left), parse_multiplicative(), t.offset);
        }
        return left;
    }

    ExprPtr parse_multiplicative() {
        auto left = parse_union();
        while (true) {
            Op op;
            if (is_symbol("*"))
                op = Op::multiply;
            else if (is_keyword("div"))
                op = Op::divide;
            else if (is_keyword("idiv"))
                op = Op::integer_divide;
            else if (is_keyword("mod"))
                op = Op::modulo;
            else
                return left;
            std::size_t offset = next().offset;
            left = binary(op, std::move(left), parse_union(), offset);
        }
    }

    ExprPtr parse_union() {
        auto left = parse_intersect();
        while (is_symbol("|") || is_keyword("union")) {
            std::size_t offset = next().offset;
            left = binary(Op::union_, std::move(left), parse_intersect(), offset);
        }
        return left;
    }

    ExprPtr parse_intersect() {
        auto left = parse_instance_of();
        while (is_keyword("intersect") || is_keyword("except")) {
            const Token& t = next();
            Op op = t.local == "intersect" ? Op::intersect : Op::except;
            left = binary(op, std::move(left), parse_instance_of(), t.offset);
        }
        return left;
    }

    ExprPtr parse_instance_of() {
        auto left = parse_treat();
        if (is_keyword("instance") && is_keyword_at(1, "of")) {
            auto e = node(Op::instance_of, next().offset);
            next();
            e->type = parse_sequence_type();
            e->kids.push_back(std::move(left));
            return finish(std::move(e));
        }
        return left;
    }

    ExprPtr parse_treat() {
        auto left = parse_castable();
        if (is_keyword("treat") && is_keyword_at(1, "as")) {
            auto e = node(Op::treat_as, next().offset);
            next();
            e->type = parse_sequence_type();
            e->kids.push_back(std::move(left));
            return finish(std::move(e));
        }
        return left;
    }

    ExprPtr parse_castable() {
        auto left = parse_cast();
        if (is_keyword("castable") && is_keyword_at(1, "as")) {
            auto e = node(Op::castable_as, next().offset);
            next();
            e->type = parse_single_type();
            e->kids.push_back(std::move(left));
            return finish(std::move(e));
        }
        return left;
    }

    ExprPtr parse_cast() {
        auto left = parse_unary();
        if (is_keyword("cast") && is_keyword_at(1, "as")) {
            auto e = node(Op::cast_as, next().offset);
            next();
            e->type = parse_single_type();
            e->kids.push_back(std::move(left));
            return finish(std::move(e));
        }
        return left;
    }

    ExprPtr parse_unary() {
        DepthGuard guard(*this);
        if (is_symbol("-") || is_symbol("+")) {
            const Token& t = next();
            auto e = node(t.text == "-" ? Op::negate : Op::unary_plus, t.offset);
            e->kids.push_back(parse_unary());
            return finish(std::move(e));
        }
        return parse_path();
    }

    bool starts_step() const {
        const Token& t = peek();
        if (t.kind == TokenKind::end) return false;
        if (t.kind != TokenKind::symbol) return true;
        return t.text == "*" || t.text == "@" || t.text == "." || t.text == ".." || t.text == "$" || t.text == "(";
    }

    ExprPtr descendant_or_self(std::size_t offset) {
        auto e = node(Op::step, offset);
        e->axis = Axis::descendant_or_self;
        return e;
    }

    ExprPtr parse_path() {
        std::size_t offset = peek().offset;
        std::vector<ExprPtr> steps;
        if (accept_symbol("/")) {
            steps.push_back(node(Op::root, offset));
            if (!starts_step()) return finish(std::move(steps.back()));
        } else if (accept_symbol("//")) {
            steps.push_back(node(Op::root, offset));
            steps.push_back(descendant_or_self(offset));
        }
        steps.push_back(parse_step());
        while (is_symbol("/") || is_symbol("//")) {
            const Token& t = next();
            if (t.text == "//") steps.push_back(descendant_or_self(t.offset));
            steps.push_back(parse_step());
        }
        if (steps.size() == 1) return std::move(steps.front());
        // descendant-or-self::node()/child::x is descendant::x when no predicate can tell the
        // difference (positions are counted among siblings in the first, in the subtree in the second).
        std::vector<ExprPtr> merged;
        for (std::size_t i = 0; i < steps.size(); ++i) {
            if (steps[i]->op == Op::step && steps[i]->axis == Axis::descendant_or_self &&
                steps[i]->test.kind == NodeTest::Kind::any_node && steps[i]->kids.empty() && i + 1 < steps.size() &&
                steps[i + 1]->op == Op::step && steps[i + 1]->axis == Axis::child &&
                !has_positional_predicate(*steps[i + 1])) {
                steps[i + 1]->axis = Axis::descendant;
                continue;
            }
            merged.push_back(std::move(steps[i]));
        }
        if (merged.size() == 1) return std::move(merged.front());
        auto e = node(Op::path, offset);
        e->kids = std::move(merged);
        return finish(std::move(e));
    }

    ExprPtr parse_step() {
        DepthGuard guard(*this);
        const Token& t = peek();
        ExprPtr e;
        if (is_symbol("..")) {
            e = node(Op::step, next().offset);
            e->axis = Axis::parent;
            return finish(std::move(e));
        }
        if (is_symbol("@")) {
            e = node(Op::step, next().offset);
            e->axis = Axis::attribute;
            e->test = parse_node_test(Axis::attribute);
        } else if (t.kind == TokenKind::name && t.prefix.empty() && is_symbol_at(1, "::")) {
            e = node(Op::step, t.offset);
            auto axis = std::find_if(std::begin(k_axes), std::end(k_axes), [&](auto& a) { return t.local == a.name; });
            if (axis == std::end(k_axes)) fail("unknown axis \"" + t.local + "\"", t.offset);
            if (axis->axis == Axis::namespace_)
                throw Error("HDXP0002", "the namespace axis is not supported", t.offset);
            e->axis = axis->axis;
            next();
            next();
            e->test = parse_node_test(e->axis);
        } else if ((t.kind == TokenKind::name && !(is_symbol_at(1, "(") && !is_kind_test_name(t.text))) ||
                   is_symbol("*")) {
            e = node(Op::step, t.offset);
            e->test = parse_node_test(Axis::child);
            // attribute() used as an abbreviated step selects attributes.
            if (e->test.kind == NodeTest::Kind::attribute) e->axis = Axis::attribute;
        } else {
            e = node(Op::filter, t.offset);
            e->kids.push_back(parse_primary());
        }
        while (is_symbol("[")) {
            next();
            e->kids.push_back(parse_expr());
            expect_symbol("]");
        }
        if (e->op == Op::filter && e->kids.size() == 1) return std::move(e->kids.front());
        return finish(std::move(e));
    }

    ExprPtr parse_primary() {
        const Token& t = peek();
        switch (t.kind) {
        case TokenKind::string: {
            auto e = node(Op::literal, t.offset);
            e->constant = std::make_shared<const Atomic>(Atomic::string(next().text));
            return e;
        }
        case TokenKind::integer:
        case TokenKind::decimal:
        case TokenKind::double_: return parse_number();
        case TokenKind::name: return parse_function_call();
        default: break;
        }
        if (accept_symbol("$")) return parse_variable(t.offset);
        if (is_symbol("(")) {
            std::size_t offset = next().offset;
            if (accept_symbol(")")) return node(Op::empty, offset);
            auto e = parse_expr();
            expect_symbol(")");
            return e;
        }
        if (is_symbol(".")) return node(Op::context_item, next().offset);
        fail(t.kind == TokenKind::end ? "unexpected end of expression" : "unexpected \"" + t.text + "\"", t.offset);
    }

    ExprPtr parse_number() {
        const Token& t = next();
        auto e = node(Op::literal, t.offset);
        Atomic value;
        if (t.kind == TokenKind::integer) {
            std::int64_t v = 0;
            for (char c : t.text)
                if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v))
                    throw Error("FOAR0002", "integer literal too large", t.offset);
            value = Atomic::integer(v);
        } else if (t.kind == TokenKind::decimal) {
            auto d = Decimal::parse(t.text);
            if (!d) throw Error("FOAR0002", "decimal literal too large", t.offset);
            value = Atomic::decimal(*d);
        } else {
            value = Atomic::double_(std::strtod(t.text.c_str(), nullptr));
        }
        e->constant = std::make_shared<const Atomic>(std::move(value));
        return e;
    }

    ExprPtr parse_variable(std::size_t offset) {
        const Token& name = next();
        if (name.kind != TokenKind::name || name.local == "*" || name.prefix == "*")
            fail("variable name expected", name.offset);
        auto e = node(Op::variable, offset);
        e->name = name.text;
        for (auto it = m_scope.rbegin(); it != m_scope.rend(); ++it) {
            if (it->first == name.text) {
                e->slot = it->second;
                return e;
            }
        }
        const auto& declared = context().variables;
        if (std::find(declared.begin(), declared.end(), name.text) == declared.end())
            throw Error("XPST0008", "variable $" + name.text + " is not declared", offset);
        auto& used = m_out.variables_used;
        if (std::find(used.begin(), used.end(), name.text) == used.end()) used.push_back(name.text);
        return e;
    }

    ExprPtr parse_function_call() {
        const Token& t = next();
        if (!is_symbol("(")) fail("\"(\" expected after function name " + t.text, peek().offset);
        if (t.prefix.empty() && (is_kind_test_name(t.local) || t.local == "item" || t.local == "if" ||
                                 t.local == "typeswitch" || t.local == "empty-sequence"))
            fail("\"" + t.local + "\" is not a function", t.offset);
        next();
        std::vector<ExprPtr> args;
        if (!accept_symbol(")")) {
            do args.push_back(parse_expr_single());
            while (accept_symbol(","));
            expect_symbol(")");
        }
        std::string uri = t.prefix.empty() ? std::string(k_fn_uri) : resolve_prefix(t.prefix, t.offset);
        auto e = node(Op::function, t.offset);
        e->name = t.text;
        if (uri == k_xs_uri) {
            // Constructor function: xs:T($arg) is ($arg cast as xs:T?).
            if (args.size() != 1) throw Error("XPST0017", t.text + " takes one argument", t.offset);
            e->op = Op::cast_as;
            e->type = atomic_type_named(t.local, t.offset);
            e->type.occurrence = SequenceType::Occurrence::optional;
        } else {
            bool known = false;
            e->function = find_function(uri, t.local, args.size(), known);
            if (!e->function)
                throw Error("XPST0017",
                            known ? "wrong number of arguments for " + t.text + "()"
                                  : "unknown function " + t.text + "()",
                            t.offset);
        }
        e->kids = std::move(args);
        return finish(std::move(e));
    }

    detail::Compiled& m_out;
    std::vector<std::pair<std::string, int>> m_scope;
    int m_depth = 0;
};

} // namespace

std::unique_ptr<detail::Compiled> compile_expression(std::string_view text, const StaticContext& context) {
    auto out = std::make_unique<detail::Compiled>();
    out->text = std::string(text);
    out->context = context;
    Parser parser(text, context, *out);
    out->root = parser.parse_all();
    return out;
}

} // namespace healthdoc::xpath
