// Tokenizer for XPath 2.0: names (QNames, wildcards), literals, symbols, nested (: comments :).
#include "xpath/lexer.hpp"

#include "xpath/xpath.hpp"

namespace healthdoc::xpath {
namespace {

bool name_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
bool name_char(unsigned char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void syntax(const std::string& message, std::size_t offset) {
    throw Error("XPST0003", message + " at offset " + std::to_string(offset), offset);
}

std::size_t read_ncname(std::string_view s, std::size_t i) {
    while (i < s.size() && name_char(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

} // namespace

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (true) {
        // Whitespace and (possibly nested) comments.
        while (i < s.size()) {
            if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
                ++i;
            } else if (s.compare(i, 2, "(:") == 0) {
                std::size_t start = i;
                int depth = 0;
                do {
                    if (s.compare(i, 2, "(:") == 0)
                        ++depth, i += 2;
                    else if (s.compare(i, 2, ":)") == 0)
                        --depth, i += 2;
                    else if (i >= s.size())
                        syntax("unterminated comment", start);
                    else
                        ++i;
                } while (depth > 0);
            } else {
                break;
            }
        }
        Token t;
        t.offset = i;
        if (i >= s.size()) {
            tokens.push_back(t);
            return tokens;
        }
        char c = s[i];
        if (c == '"' || c == '\'') {
            std::size_t j = i + 1;
            while (true) {
                if (j >= s.size()) syntax("unterminated string literal", i);
                if (s[j] == c) {
                    if (j + 1 < s.size() && s[j + 1] == c) {
                        t.text += c;
                        j += 2;
                        continue;
                    }
                    break;
                }
                t.text += s[j++];
            }
            t.kind = TokenKind::string;
            i = j + 1;
        } else if (digit(c) || (c == '.' && i + 1 < s.size() && digit(s[i + 1]))) {
            std::size_t j = i;
            while (j < s.size() && digit(s[j])) ++j;
            t.kind = TokenKind::integer;
            if (j < s.size() && s[j] == '.' && !(j + 1 < s.size() && s[j + 1] == '.')) {
                ++j;
                while (j < s.size() && digit(s[j])) ++j;
                t.kind = TokenKind::decimal;
            }
            if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
                std::size_t k = j + 1;
                if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
                if (k < s.size() && digit(s[k])) {
                    while (k < s.size() && digit(s[k])) ++k;
                    j = k;
                    t.kind = TokenKind::double_;
                }
            }
            if (j < s.size() && name_start(static_cast<unsigned char>(s[j])))
                syntax("a number must not be followed by a name", j);
            t.text = std::string(s.substr(i, j - i));
            i = j;
        } else if (name_start(static_cast<unsigned char>(c)) || c == '*') {
            std::size_t j = c == '*' ? i + 1 : read_ncname(s, i);
            std::string first(s.substr(i, j - i));
            t.kind = TokenKind::name;
            bool qualified = j + 1 < s.size() && s[j] == ':' && s[j + 1] != ':' &&
                             (s[j + 1] == '*' || name_start(static_cast<unsigned char>(s[j + 1])));
            if (qualified && !(first == "*" && s[j + 1] == '*')) {
                std::size_t k = s[j + 1] == '*' ? j + 2 : read_ncname(s, j + 1);
                t.prefix = first;
                t.local = std::string(s.substr(j + 1, k - j - 1));
                j = k;
            } else if (first == "*") {
                t.kind = TokenKind::symbol;
            } else {
                t.local = first;
            }
            t.text = std::string(s.substr(i, j - i));
            i = j;
        } else {
            static const char* const symbols[] = {
                "//", "..", "::", "!=", "<=", ">=", "<<", ">>", ":=", "(", ")", "[", "]",
                ",",  "/",  "@",  ".",  "|",  "+",  "-",  "=",  "<",  ">", "$", "?", ":"};
            t.kind = TokenKind::symbol;
            for (const char* symbol : symbols) {
                std::string_view sv(symbol);
                if (s.compare(i, sv.size(), sv) == 0) {
                    t.text = std::string(sv);
                    break;
                }
            }
            if (t.text.empty()) syntax(std::string("unexpected character '") + c + "'", i);
            i += t.text.size();
        }
        tokens.push_back(std::move(t));
    }
}

} // namespace healthdoc::xpath
