// Internal: XPath/XSD regular expressions (F&O 7.6) run on ICU's regex engine. The XSD syntax
// is translated (\i \c, XSD's \w \s \d, character class subtraction, \p{IsBlock}) and checked:
// constructs XSD does not have ((?...), \b, \A, possessive quantifiers...) are FORX0002.
// Matching is bounded in time (HDXP0001 past the limit), so a pathological pattern cannot hang.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::xpath {

class Regex {
public:
    // `flags` from fn:matches & co ("s", "m", "i", "x"); FORX0001 for others, FORX0002 for a bad pattern.
    Regex(std::string_view pattern, std::string_view flags);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    bool search(std::string_view text) const;
    bool matches_empty() const;
    // fn:replace: $N groups, \$ and \\ escapes (FORX0004 for others).
    std::string replace(std::string_view text, std::string_view replacement) const;
    std::vector<std::string> tokenize(std::string_view text) const;

    // A compiled regex from a per-thread cache (compiling is far costlier than matching).
    static std::shared_ptr<const Regex> cached(std::string_view pattern, std::string_view flags);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The ICU pattern for an XSD/XPath regex (exposed for tests).
std::string translate_regex(std::string_view pattern, bool extended, bool dot_all);

} // namespace healthdoc::xpath
