// Internal: splits an XPath 2.0 expression into tokens. Keywords are not decided here (XPath has
// no reserved words): the parser reads names as keywords only where an operator may appear.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::xpath {

enum class TokenKind { end, name, string, integer, decimal, double_, symbol };

struct Token {
    TokenKind kind = TokenKind::end;
    std::string text;   // symbol, literal value (quotes removed, doubled quotes undone), name as written
    std::string prefix; // names: "" when unprefixed, "*" for *:local
    std::string local;  // names: local part, "*" for prefix:*
    std::size_t offset = 0;
};

// Throws Error XPST0003 (with the offset) for unterminated literals or comments and stray characters.
std::vector<Token> tokenize(std::string_view text);

} // namespace healthdoc::xpath
