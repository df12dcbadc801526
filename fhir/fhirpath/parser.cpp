// Recursive-descent parser of the FHIRPath N1 grammar (http://hl7.org/fhirpath/N1/grammar.html).
// Operator precedence, from the loosest: implies; or xor; and; in contains; = ~ != !~;
// < > <= >=; |; is as; + - &; * / div mod; unary + -; . and [] (invocation, indexer).
#include "fhir/fhirpath/expression.hpp"

#include "fhir/fhirpath/errors.hpp"
#include "fhir/fhirpath/evaluator.hpp"
#include "fhir/fhirpath/lexer.hpp"

namespace healthdoc::fhir::fhirpath {

namespace {

// 100 keeps the recursive descent within the stack even under AddressSanitizer, whose frames
// are several times larger; real invariants nest less than 10 deep.
constexpr int k_max_depth = 100;
constexpr int k_max_height = 400;
constexpr std::size_t k_max_length = 1 << 20;

using ExprPtr = std::unique_ptr<Expr>;

bool is_calendar_word(const std::string& word) {
    static const char* const k_words[] = {"year", "years", "month", "months", "week", "weeks", "day", "days",
                                          "hour", "hours", "minute", "minutes", "second", "seconds",
                                          "millisecond", "milliseconds"};
    for (const char* w : k_words)
        if (word == w) return true;
    return false;
}

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    ExprPtr parse_all() {
        auto result = expression(0);
        if (peek().kind != TokenKind::end) fail("unexpected '" + peek().text + "'");
        return result;
    }

private:
    const Token& peek(std::size_t ahead = 0) const {
        const std::size_t index = std::min(m_pos + ahead, m_tokens.size() - 1);
        return m_tokens[index];
    }
    const Token& next() {
        const Token& token = peek();
        if (m_pos < m_tokens.size() - 1) ++m_pos;
        return token;
    }
    [[noreturn]] void fail(const std::string& message) const {
        throw FhirPathError(ErrorKind::syntax, message, peek().position);
    }
    bool at_symbol(const char* symbol) const { return peek().kind == TokenKind::symbol && peek().text == symbol; }
    bool at_word(const char* word) const { return peek().kind == TokenKind::identifier && peek().text == word; }
    void expect(const char* symbol) {
        if (!at_symbol(symbol)) fail(std::string("expected '") + symbol + "'");
        next();
    }

    static ExprPtr make(Expr::Kind kind, std::size_t position, std::string name = {}) {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->position = position;
        e->name = std::move(name);
        return e;
    }
    ExprPtr binary(std::string op, ExprPtr lhs, ExprPtr rhs, std::size_t position) const {
        auto e = make(Expr::Kind::binary, position, std::move(op));
        e->args.push_back(std::move(lhs));
        e->args.push_back(std::move(rhs));
        return seal(std::move(e));
    }

    // Records the subtree height; evaluation recursion and destruction follow it, so it is bounded.
    ExprPtr seal(ExprPtr e) const {
        int height = e->input ? e->input->height : 0;
        for (const auto& arg : e->args) height = std::max(height, arg->height);
        e->height = height + 1;
        if (e->height > k_max_height) throw FhirPathError(ErrorKind::syntax, "expression nested too deeply", e->position);
        return e;
    }

    // The binary operator at the current token for precedence `level`, or empty.
    std::string operator_at(int level) const {
        const Token& t = peek();
        auto sym = [&](std::initializer_list<const char*> list) -> std::string {
            if (t.kind != TokenKind::symbol) return {};
            for (const char* s : list)
                if (t.text == s) return t.text;
            return {};
        };
        auto word = [&](std::initializer_list<const char*> list) -> std::string {
            if (t.kind != TokenKind::identifier) return {};
            for (const char* s : list)
                if (t.text == s) return t.text;
            return {};
        };
        switch (level) {
        case 0: return word({"implies"});
        case 1: return word({"or", "xor"});
        case 2: return word({"and"});
        case 3: return word({"in", "contains"});
        case 4: return sym({"=", "~", "!=", "!~"});
        case 5: return sym({"<", ">", "<=", ">="});
        case 6: return sym({"|"});
        case 7: return word({"is", "as"});
        case 8: return sym({"+", "-", "&"});
        case 9: {
            std::string s = sym({"*", "/"});
            return s.empty() ? word({"div", "mod"}) : s;
        }
        default: return {};
        }
    }

    struct DepthGuard {
        explicit DepthGuard(Parser& p) : parser(p) {
            if (++parser.m_depth > k_max_depth) parser.fail("expression nested too deeply");
        }
        ~DepthGuard() { --parser.m_depth; }
        Parser& parser;
    };

    ExprPtr expression(int level) {
        if (level > 9) return polarity();
        auto lhs = expression(level + 1);
        for (;;) {
            std::string op = operator_at(level);
            if (op.empty()) return lhs;
            const std::size_t position = peek().position;
            next();
            if (level == 7) { // is / as take a type specifier
                auto e = make(Expr::Kind::type_op, position, op);
                e->input = std::move(lhs);
                e->type_name = type_specifier();
                lhs = seal(std::move(e));
                continue;
            }
            auto rhs = expression(level + 1);
            lhs = binary(op, std::move(lhs), std::move(rhs), position);
        }
    }

    std::string type_specifier() {
        std::string name = identifier_text();
        while (at_symbol(".") && (peek(1).kind == TokenKind::identifier || peek(1).kind == TokenKind::delimited_identifier)) {
            next();
            name += "." + identifier_text();
        }
        return name;
    }

    std::string identifier_text() {
        if (peek().kind != TokenKind::identifier && peek().kind != TokenKind::delimited_identifier) fail("expected an identifier");
        return next().text;
    }

    ExprPtr polarity() {
        DepthGuard guard(*this);
        if (at_symbol("+") || at_symbol("-")) {
            const Token& op = next();
            auto e = make(Expr::Kind::unary, op.position, op.text);
            e->args.push_back(polarity());
            return seal(std::move(e));
        }
        return postfix();
    }

    ExprPtr postfix() {
        auto e = term();
        for (;;) {
            if (at_symbol(".")) {
                next();
                const Token& name = peek();
                if (name.kind != TokenKind::identifier && name.kind != TokenKind::delimited_identifier) fail("expected a name after '.'");
                next();
                if (at_symbol("(") && name.kind == TokenKind::identifier) {
                    auto call = function_call(name);
                    call->input = std::move(e);
                    e = seal(std::move(call));
                } else {
                    auto member = make(Expr::Kind::member, name.position, name.text);
                    member->input = std::move(e);
                    e = seal(std::move(member));
                }
            } else if (at_symbol("[")) {
                const std::size_t position = next().position;
                auto index = make(Expr::Kind::indexer, position);
                index->input = std::move(e);
                index->args.push_back(expression(0));
                expect("]");
                e = seal(std::move(index));
            } else {
                return e;
            }
        }
    }

    ExprPtr function_call(const Token& name) {
        auto call = make(Expr::Kind::call, name.position, name.text);
        call->function = find_function(call->name);
        expect("(");
        if (!at_symbol(")")) {
            for (;;) {
                call->args.push_back(expression(0));
                if (at_symbol(",")) {
                    next();
                    continue;
                }
                break;
            }
        }
        expect(")");
        return seal(std::move(call));
    }

    ExprPtr term() {
        DepthGuard guard(*this);
        const Token& t = peek();
        switch (t.kind) {
        case TokenKind::number: return number();
        case TokenKind::string: {
            next();
            auto e = make(Expr::Kind::literal, t.position);
            e->value = Value(t.text);
            return e;
        }
        case TokenKind::date:
        case TokenKind::date_time:
        case TokenKind::time: return temporal();
        case TokenKind::variable: {
            next();
            return make(Expr::Kind::variable, t.position, t.text);
        }
        case TokenKind::special: {
            next();
            const auto kind = t.text == "$this" ? Expr::Kind::this_value : t.text == "$index" ? Expr::Kind::index_value : Expr::Kind::total_value;
            return make(kind, t.position);
        }
        case TokenKind::identifier:
        case TokenKind::delimited_identifier: {
            if (t.kind == TokenKind::identifier && (t.text == "true" || t.text == "false")) {
                next();
                auto e = make(Expr::Kind::literal, t.position);
                e->value = Value(t.text == "true");
                return e;
            }
            const Token& name = next();
            if (name.kind == TokenKind::identifier && at_symbol("(")) return function_call(name);
            return make(Expr::Kind::identifier, name.position, name.text);
        }
        case TokenKind::symbol:
            if (t.text == "(") {
                next();
                auto inner = expression(0);
                expect(")");
                return inner;
            }
            if (t.text == "{") {
                next();
                expect("}");
                auto e = make(Expr::Kind::literal, t.position);
                e->is_empty = true;
                return e;
            }
            break;
        case TokenKind::end: fail("unexpected end of expression");
        }
        fail("unexpected '" + t.text + "'");
    }

    ExprPtr number() {
        const Token& t = next();
        auto e = make(Expr::Kind::literal, t.position);
        auto decimal = Decimal::parse(t.text);
        if (!decimal) fail("number out of range");
        // A number followed by a unit string or a calendar keyword is a Quantity literal.
        if (peek().kind == TokenKind::string || (peek().kind == TokenKind::identifier && is_calendar_word(peek().text))) {
            e->value = Value(Quantity{*decimal, next().text});
            return e;
        }
        if (t.text.find('.') == std::string::npos) {
            auto integer = decimal->to_int64();
            if (!integer) fail("integer out of range");
            e->value = Value(*integer);
        } else {
            e->value = Value(*decimal);
        }
        return e;
    }

    ExprPtr temporal() {
        const Token& t = next();
        auto e = make(Expr::Kind::literal, t.position);
        std::optional<Temporal> value;
        if (t.kind == TokenKind::time) {
            value = Temporal::parse_time(t.text);
            // "@T14:34:28Z" is not a valid Time: keep it so evaluation reports it.
            if (!value) {
                e->kind = Expr::Kind::call;
                e->name = "$invalid-time";
                return e;
            }
        } else if (t.kind == TokenKind::date) {
            value = Temporal::parse_date(t.text);
        } else {
            value = Temporal::parse_date_time(t.text);
        }
        if (!value) throw FhirPathError(ErrorKind::syntax, "invalid date/time literal @" + t.text, t.position);
        e->value = Value(*value);
        return e;
    }

    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace

Expression parse(std::string_view text) {
    if (text.size() > k_max_length) throw FhirPathError(ErrorKind::syntax, "expression longer than 1 MB");
    Parser parser(tokenize(text));
    std::shared_ptr<const Expr> root = parser.parse_all();
    return Expression(std::move(root), std::string(text));
}

} // namespace healthdoc::fhir::fhirpath
