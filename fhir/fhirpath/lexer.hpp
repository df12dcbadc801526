// Splits FHIRPath expression text into tokens (FHIRPath N1 grammar, lexical rules): literals,
// identifiers (plain and `delimited`), %variables, $this/$index/$total, operators and
// punctuation. Comments (// and /* */) and white space are skipped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::fhir::fhirpath {

enum class TokenKind {
    identifier,            // name, or a keyword used as operator (and, or, div, is...)
    delimited_identifier,  // `name` (text without backticks)
    string,                // 'text' (escapes resolved)
    number,                // 12, 1.5
    date_time,             // @2015-02-04T14:34 (text without '@'), @2015T
    date,                  // @2015-02-04
    time,                  // @T14:34 (text without "@T")
    variable,              // %name, %`name`, %'name' (text without '%' and quotes)
    special,               // $this, $index, $total (text with '$')
    symbol,                // . , ( ) [ ] { } + - * / & | = != ~ !~ < <= > >=
    end,
};

struct Token {
    TokenKind kind = TokenKind::end;
    std::string text;
    std::size_t position = 0; // offset in the expression text
};

// Tokenises `text`; the last token is always TokenKind::end. Throws FhirPathError(syntax) on
// an unterminated string or comment, a bad escape or an unexpected character.
std::vector<Token> tokenize(std::string_view text);

} // namespace healthdoc::fhir::fhirpath
