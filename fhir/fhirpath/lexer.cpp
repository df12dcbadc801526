#include "fhir/fhirpath/lexer.hpp"
#include "formats/text_encoding.hpp"

#include "fhir/fhirpath/errors.hpp"

#include <cctype>

namespace healthdoc::fhir::fhirpath {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Reads a quoted string or delimited identifier starting at text[i] (the quote).
std::string read_quoted(std::string_view text, std::size_t& i) {
    const char quote = text[i];
    const std::size_t start = i;
    ++i;
    std::string out;
    while (i < text.size() && text[i] != quote) {
        char c = text[i++];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i >= text.size()) break;
        c = text[i++];
        switch (c) {
        case '\'':
        case '"':
        case '`':
        case '\\':
        case '/': out += c; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
            if (i + 4 > text.size()) throw FhirPathError(ErrorKind::syntax, "incomplete \\u escape", i);
            unsigned code = 0;
            for (int k = 0; k < 4; ++k) {
                const char h = text[i++];
                code <<= 4;
                if (is_digit(h))
                    code |= static_cast<unsigned>(h - '0');
                else if (h >= 'a' && h <= 'f')
                    code |= static_cast<unsigned>(h - 'a' + 10);
                else if (h >= 'A' && h <= 'F')
                    code |= static_cast<unsigned>(h - 'A' + 10);
                else
                    throw FhirPathError(ErrorKind::syntax, "invalid \\u escape", i - 1);
            }
            formats::append_utf8(out, code);
            break;
        }
        default:
            // Not a FHIRPath escape: kept as written, as the R4 invariants rely on ("\s" in
            // regular expressions) and the reference implementation does.
            out += '\\';
            out += c;
        }
    }
    if (i >= text.size()) throw FhirPathError(ErrorKind::syntax, "unterminated quoted text", start);
    ++i;
    return out;
}

// After '@': a date, date-time or time literal (grammar DATETIME / TIME).
Token read_temporal(std::string_view text, std::size_t& i, std::size_t start) {
    Token token;
    token.position = start;
    auto take_digits = [&](std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) {
            if (i >= text.size() || !is_digit(text[i]))
                throw FhirPathError(ErrorKind::syntax, "malformed date/time literal", start);
            ++i;
        }
    };
    auto read_time = [&] {
        take_digits(2);
        if (i < text.size() && text[i] == ':' && i + 1 < text.size() && is_digit(text[i + 1])) {
            ++i;
            take_digits(2);
            if (i < text.size() && text[i] == ':' && i + 1 < text.size() && is_digit(text[i + 1])) {
                ++i;
                take_digits(2);
                if (i < text.size() && text[i] == '.' && i + 1 < text.size() && is_digit(text[i + 1])) {
                    ++i;
                    while (i < text.size() && is_digit(text[i])) ++i;
                }
            }
        }
    };
    if (i < text.size() && text[i] == 'T') {
        ++i;
        const std::size_t body = i;
        read_time();
        token.kind = TokenKind::time;
        token.text = std::string(text.substr(body, i - body));
        // A zone on a time literal is not allowed; keep it so evaluation can reject it.
        if (i < text.size() &&
            (text[i] == 'Z' || ((text[i] == '+' || text[i] == '-') && i + 1 < text.size() && is_digit(text[i + 1]) &&
                                i + 3 < text.size() && text[i + 3] == ':'))) {
            token.text += text[i] == 'Z' ? "Z" : std::string(text.substr(i, 6));
            i += text[i] == 'Z' ? 1 : 6;
        }
        return token;
    }
    const std::size_t body = i;
    take_digits(4);
    token.kind = TokenKind::date;
    if (i < text.size() && text[i] == '-' && i + 1 < text.size() && is_digit(text[i + 1])) {
        ++i;
        take_digits(2);
        if (i < text.size() && text[i] == '-' && i + 1 < text.size() && is_digit(text[i + 1])) {
            ++i;
            take_digits(2);
        }
    }
    if (i < text.size() && text[i] == 'T') {
        ++i;
        token.kind = TokenKind::date_time;
        if (i < text.size() && is_digit(text[i])) {
            read_time();
            if (i < text.size() && text[i] == 'Z') {
                ++i;
            } else if (i < text.size() && (text[i] == '+' || text[i] == '-') && i + 1 < text.size() &&
                       is_digit(text[i + 1])) {
                ++i;
                take_digits(2);
                if (i >= text.size() || text[i] != ':')
                    throw FhirPathError(ErrorKind::syntax, "malformed time zone", start);
                ++i;
                take_digits(2);
            }
        }
    }
    token.text = std::string(text.substr(body, i - body));
    return token;
}

} // namespace

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
            while (i < text.size() && text[i] != '\n') ++i;
            continue;
        }
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            const auto close = text.find("*/", i + 2);
            if (close == std::string_view::npos) throw FhirPathError(ErrorKind::syntax, "unterminated comment", i);
            i = close + 2;
            continue;
        }
        Token token;
        token.position = i;
        if (is_ident_start(c)) {
            const std::size_t start = i;
            while (i < text.size() && is_ident_char(text[i])) ++i;
            token.kind = TokenKind::identifier;
            token.text = std::string(text.substr(start, i - start));
        } else if (c == '`') {
            token.kind = TokenKind::delimited_identifier;
            token.text = read_quoted(text, i);
        } else if (c == '\'') {
            token.kind = TokenKind::string;
            token.text = read_quoted(text, i);
        } else if (is_digit(c)) {
            const std::size_t start = i;
            while (i < text.size() && is_digit(text[i])) ++i;
            if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) {
                ++i;
                while (i < text.size() && is_digit(text[i])) ++i;
            }
            token.kind = TokenKind::number;
            token.text = std::string(text.substr(start, i - start));
        } else if (c == '@') {
            ++i;
            token = read_temporal(text, i, token.position);
        } else if (c == '%') {
            ++i;
            token.kind = TokenKind::variable;
            if (i < text.size() && (text[i] == '`' || text[i] == '\'')) {
                token.text = read_quoted(text, i);
            } else {
                const std::size_t start = i;
                while (i < text.size() && (is_ident_char(text[i]) || text[i] == '-')) ++i;
                token.text = std::string(text.substr(start, i - start));
                if (token.text.empty())
                    throw FhirPathError(ErrorKind::syntax, "'%' without a variable name", token.position);
            }
        } else if (c == '$') {
            const std::size_t start = i++;
            while (i < text.size() && is_ident_char(text[i])) ++i;
            token.kind = TokenKind::special;
            token.text = std::string(text.substr(start, i - start));
            if (token.text != "$this" && token.text != "$index" && token.text != "$total")
                throw FhirPathError(ErrorKind::syntax, "unknown special variable " + token.text, start);
        } else {
            static const char* const k_two[] = {"!=", "!~", "<=", ">="};
            token.kind = TokenKind::symbol;
            bool matched = false;
            for (const char* two : k_two) {
                if (text.substr(i, 2) == two) {
                    token.text = two;
                    i += 2;
                    matched = true;
                    break;
                }
            }
            if (!matched) {
                if (std::string_view(".,()[]{}+-*/&|=~<>").find(c) == std::string_view::npos)
                    throw FhirPathError(ErrorKind::syntax, std::string("unexpected character '") + c + "'", i);
                token.text = std::string(1, c);
                ++i;
            }
        }
        tokens.push_back(std::move(token));
    }
    Token end;
    end.kind = TokenKind::end;
    end.position = text.size();
    tokens.push_back(end);
    return tokens;
}

} // namespace healthdoc::fhir::fhirpath
