// XSD regular expressions on ICU (which ships with Debian's libxml2-dev): ICU matches without
// recursion, knows Unicode categories and blocks, and can bound the matching time.
#include "xpath/regex.hpp"

#include "xpath/xpath.hpp"

#include <unicode/uregex.h>
#include <unicode/utext.h>

#include <cstring>
#include <unordered_map>

namespace healthdoc::xpath {
namespace {

// ICU time limit, in its match-engine steps (a few milliseconds each): a few seconds at most.
constexpr int32_t k_time_limit = 2000;

[[noreturn]] void bad_regex(std::string_view pattern, const std::string& why) {
    throw Error("FORX0002", "invalid regular expression \"" + std::string(pattern) + "\": " + why);
}

// Multi-character escapes of XSD as ICU sets.
const char* class_escape(char c) {
    switch (c) {
    case 's': return "[\\u0020\\t\\n\\r]";
    case 'S': return "[^\\u0020\\t\\n\\r]";
    case 'd': return "\\p{Nd}";
    case 'D': return "\\P{Nd}";
    case 'w': return "[^\\p{P}\\p{Z}\\p{C}]";
    case 'W': return "[\\p{P}\\p{Z}\\p{C}]";
    case 'i': return "[\\p{L}_:]";
    case 'I': return "[^\\p{L}_:]";
    case 'c': return "[\\p{L}\\p{Nd}\\p{Mn}\\p{Mc}._:\\-\\u00B7]";
    case 'C': return "[^\\p{L}\\p{Nd}\\p{Mn}\\p{Mc}._:\\-\\u00B7]";
    default: return nullptr;
    }
}

bool single_escape(char c) { return std::strchr("nrt\\|.?*+(){}-[]^$", c) != nullptr; }

class Translator {
public:
    Translator(std::string_view p, bool dot_all) : m_p(p), m_dot_all(dot_all) {}

    std::string run() {
        while (m_i < m_p.size()) atom();
        return m_out;
    }

private:
    char peek(std::size_t ahead = 0) const { return m_i + ahead < m_p.size() ? m_p[m_i + ahead] : '\0'; }

    // \p{..} / \P{..}: categories pass through, IsBlock becomes ICU's Block=.
    void property(char kind) {
        if (peek() != '{') bad_regex(m_p, "\\p needs {name}");
        auto close = m_p.find('}', m_i);
        if (close == std::string_view::npos) bad_regex(m_p, "unterminated \\p{");
        std::string name(m_p.substr(m_i + 1, close - m_i - 1));
        m_i = close + 1;
        if (name.empty()) bad_regex(m_p, "empty property name");
        m_out += '\\';
        m_out += kind;
        m_out += name.rfind("Is", 0) == 0 ? "{Block=" + name.substr(2) + "}" : "{" + name + "}";
    }

    void escape(bool in_class) {
        char c = peek();
        if (c == '\0') bad_regex(m_p, "trailing backslash");
        ++m_i;
        if (c == 'p' || c == 'P') return property(c);
        if (const char* set = class_escape(c)) {
            m_out += set;
            return;
        }
        if (single_escape(c)) {
            m_out += '\\';
            m_out += c;
            return;
        }
        if (!in_class && c >= '1' && c <= '9') {
            m_out += '\\';
            m_out += c;
            return;
        }
        bad_regex(m_p, std::string("unknown escape \\") + c);
    }

    void quantifier_tail() {
        // Reluctant quantifiers (XPath addition) are allowed; possessive ones are not XSD.
        if (peek() == '?') m_out += m_p[m_i++];
        if (peek() == '+') bad_regex(m_p, "possessive quantifiers are not allowed");
    }

    void atom() {
        char c = m_p[m_i];
        switch (c) {
        case '\\':
            ++m_i;
            escape(false);
            return;
        case '.':
            ++m_i;
            m_out += m_dot_all ? "." : "[^\\n\\r]";
            return;
        case '(':
            ++m_i;
            if (peek() == '?') {
                if (peek(1) != ':') bad_regex(m_p, "(? constructs are not allowed");
                m_i += 2;
                m_out += "(?:";
                return;
            }
            m_out += '(';
            return;
        case '[':
            ++m_i;
            char_class();
            return;
        case '*':
        case '+':
        case '?':
            m_out += c;
            ++m_i;
            quantifier_tail();
            return;
        case '{': {
            auto close = m_p.find('}', m_i);
            if (close == std::string_view::npos) bad_regex(m_p, "unterminated quantifier");
            std::string q(m_p.substr(m_i, close - m_i + 1));
            for (char d : q.substr(1, q.size() - 2))
                if (!(d >= '0' && d <= '9') && d != ',') bad_regex(m_p, "bad quantifier " + q);
            m_out += q;
            m_i = close + 1;
            quantifier_tail();
            return;
        }
        case ']':
        case '}': bad_regex(m_p, std::string("unescaped ") + c);
        default: m_out += c; ++m_i;
        }
    }

    void class_char() {
        char c = m_p[m_i];
        if (c == '\\') {
            ++m_i;
            escape(true);
            return;
        }
        if (c == '[') bad_regex(m_p, "unescaped [ in a character class");
        ++m_i;
        // ICU gives meaning to more punctuation inside sets ([:name:], &&, $, {}): escape it.
        if (static_cast<unsigned char>(c) < 0x80 && std::ispunct(static_cast<unsigned char>(c))) m_out += '\\';
        m_out += c;
    }

    void char_class() {
        m_out += '[';
        if (peek() == '^') {
            m_out += '^';
            ++m_i;
        }
        bool first = true;
        while (true) {
            char c = peek();
            if (c == '\0') bad_regex(m_p, "unterminated character class");
            if (c == ']' && !first) {
                ++m_i;
                m_out += ']';
                return;
            }
            if (c == '-' && peek(1) == '[') {
                // Subtraction: the rest is one nested class, then the closing bracket.
                m_i += 2;
                m_out += "--";
                char_class();
                if (peek() != ']') bad_regex(m_p, "a subtraction must end the character class");
                ++m_i;
                m_out += ']';
                return;
            }
            if (c == '-') {
                bool at_edge = first || peek(1) == ']';
                if (!at_edge) bad_regex(m_p, "unescaped - in a character class");
                ++m_i;
                m_out += "\\-";
                first = false;
                continue;
            }
            class_char();
            if (peek() == '-' && peek(1) != ']' && peek(1) != '[') {
                ++m_i;
                m_out += '-';
                class_char();
            }
            first = false;
        }
    }

    std::string_view m_p;
    bool m_dot_all;
    std::size_t m_i = 0;
    std::string m_out;
};

// Removes whitespace outside character classes (the x flag).
std::string strip_whitespace(std::string_view p) {
    std::string out;
    int depth = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            out += c;
            out += p[++i];
            continue;
        }
        if (c == '[') ++depth;
        if (c == ']' && depth > 0) --depth;
        if (depth == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) continue;
        out += c;
    }
    return out;
}

void check(UErrorCode status, const char* what) {
    if (status == U_REGEX_TIME_OUT) throw Error("HDXP0001", "regular expression took too long");
    if (U_FAILURE(status)) throw Error("FORX0002", std::string(what) + ": " + u_errorName(status));
}

struct TextBinding {
    UText* text = nullptr;
    TextBinding(URegularExpression* re, std::string_view s) {
        UErrorCode status = U_ZERO_ERROR;
        text = utext_openUTF8(nullptr, s.data(), static_cast<int64_t>(s.size()), &status);
        check(status, "regex text");
        uregex_setUText(re, text, &status);
        check(status, "regex text");
    }
    ~TextBinding() { utext_close(text); }
    TextBinding(const TextBinding&) = delete;
    TextBinding& operator=(const TextBinding&) = delete;
};

} // namespace

struct Regex::Impl {
    URegularExpression* re = nullptr;
    ~Impl() {
        if (re) uregex_close(re);
    }
};

std::string translate_regex(std::string_view pattern, bool extended, bool dot_all) {
    std::string p = extended ? strip_whitespace(pattern) : std::string(pattern);
    return Translator(p, dot_all).run();
}

Regex::Regex(std::string_view pattern, std::string_view flags) : m_impl(std::make_unique<Impl>()) {
    uint32_t icu_flags = 0;
    bool extended = false, dot_all = false;
    for (char f : flags) {
        switch (f) {
        case 'i': icu_flags |= UREGEX_CASE_INSENSITIVE; break;
        case 'm': icu_flags |= UREGEX_MULTILINE; break;
        case 's':
            icu_flags |= UREGEX_DOTALL;
            dot_all = true;
            break;
        case 'x': extended = true; break;
        default: throw Error("FORX0001", "invalid regular expression flags \"" + std::string(flags) + "\"");
        }
    }
    std::string translated = translate_regex(pattern, extended, dot_all);
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse_error{};
    UText* text = utext_openUTF8(nullptr, translated.data(), static_cast<int64_t>(translated.size()), &status);
    if (U_SUCCESS(status)) m_impl->re = uregex_openUText(text, icu_flags, &parse_error, &status);
    utext_close(text);
    if (U_FAILURE(status)) bad_regex(pattern, u_errorName(status));
    uregex_setTimeLimit(m_impl->re, k_time_limit, &status);
}

Regex::~Regex() = default;

bool Regex::search(std::string_view text) const {
    TextBinding binding(m_impl->re, text);
    UErrorCode status = U_ZERO_ERROR;
    bool found = uregex_find64(m_impl->re, 0, &status);
    check(status, "regex match");
    return found;
}

bool Regex::matches_empty() const { return search(""); }

std::string Regex::replace(std::string_view text, std::string_view replacement) const {
    if (matches_empty()) throw Error("FORX0003", "the pattern matches a zero-length string");
    // Check the replacement string once.
    for (std::size_t i = 0; i < replacement.size(); ++i) {
        if (replacement[i] == '\\') {
            if (i + 1 >= replacement.size() || (replacement[i + 1] != '\\' && replacement[i + 1] != '$'))
                throw Error("FORX0004", "invalid replacement string \"" + std::string(replacement) + "\"");
            ++i;
        } else if (replacement[i] == '$') {
            if (i + 1 >= replacement.size() || replacement[i + 1] < '0' || replacement[i + 1] > '9')
                throw Error("FORX0004", "invalid replacement string \"" + std::string(replacement) + "\"");
        }
    }
    TextBinding binding(m_impl->re, text);
    UErrorCode status = U_ZERO_ERROR;
    int32_t groups = uregex_groupCount(m_impl->re, &status);
    std::string out;
    int64_t last = 0;
    while (uregex_findNext(m_impl->re, &status)) {
        int64_t start = uregex_start64(m_impl->re, 0, &status), end = uregex_end64(m_impl->re, 0, &status);
        out.append(text.substr(static_cast<std::size_t>(last), static_cast<std::size_t>(start - last)));
        for (std::size_t i = 0; i < replacement.size(); ++i) {
            char c = replacement[i];
            if (c == '\\') {
                out += replacement[++i];
            } else if (c == '$') {
                // Longest group number that exists ($12 is group 1 then '2' when there are < 12 groups).
                int n = replacement[++i] - '0';
                while (i + 1 < replacement.size() && replacement[i + 1] >= '0' && replacement[i + 1] <= '9' &&
                       n * 10 + (replacement[i + 1] - '0') <= groups)
                    n = n * 10 + (replacement[++i] - '0');
                if (n <= groups) {
                    int64_t gs = uregex_start64(m_impl->re, n, &status), ge = uregex_end64(m_impl->re, n, &status);
                    if (gs >= 0)
                        out.append(text.substr(static_cast<std::size_t>(gs), static_cast<std::size_t>(ge - gs)));
                }
            } else {
                out += c;
            }
        }
        last = end;
    }
    check(status, "regex replace");
    out.append(text.substr(static_cast<std::size_t>(last)));
    return out;
}

std::vector<std::string> Regex::tokenize(std::string_view text) const {
    if (matches_empty()) throw Error("FORX0003", "the pattern matches a zero-length string");
    std::vector<std::string> out;
    if (text.empty()) return out;
    TextBinding binding(m_impl->re, text);
    UErrorCode status = U_ZERO_ERROR;
    int64_t last = 0;
    while (uregex_findNext(m_impl->re, &status)) {
        int64_t start = uregex_start64(m_impl->re, 0, &status), end = uregex_end64(m_impl->re, 0, &status);
        out.emplace_back(text.substr(static_cast<std::size_t>(last), static_cast<std::size_t>(start - last)));
        last = end;
    }
    check(status, "regex tokenize");
    out.emplace_back(text.substr(static_cast<std::size_t>(last)));
    return out;
}

std::shared_ptr<const Regex> Regex::cached(std::string_view pattern, std::string_view flags) {
    // Per thread: an ICU regex object keeps match state, so it must not be shared across threads.
    thread_local std::unordered_map<std::string, std::shared_ptr<const Regex>> cache;
    std::string key = std::string(flags) + '\0' + std::string(pattern);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    if (cache.size() > 1000) cache.clear();
    auto regex = std::make_shared<const Regex>(pattern, flags);
    cache.emplace(std::move(key), regex);
    return regex;
}

} // namespace healthdoc::xpath
