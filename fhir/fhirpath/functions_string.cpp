// String functions (FHIRPath 5.6, plus encode/decode/escape/unescape/trim/split/join of the
// 2.0 additions that the R4 suite exercises). Regular expressions use std::regex
// (ECMAScript) with '.' also matching new lines (FHIRPath: single-line mode); inputs longer
// than Options::max_regex_input and patterns with nested quantifiers ("(a+)+", which make a
// backtracking engine run for ever) are rejected with an execution error. libstdc++'s
// std::regex recurses once per input character, so inputs longer than k_std_regex_limit are
// matched with the POSIX (glibc) matcher instead, after translating \d \s \w and (?:).
#include "fhir/fhirpath/function_support.hpp"

#include "formats/base64.hpp"

#include <cctype>
#include <regex>
#include <unordered_map>

#include <regex.h>

namespace healthdoc::fhir::fhirpath {

namespace {

Collection text(std::string s) { return single(Value(std::move(s))); }

// Both the input and argument 0 as strings; false when either is empty.
bool input_and_argument(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame,
                        std::string& subject, std::string& arg) {
    auto s = string_input(ev, input, call);
    if (!s) return false;
    auto a = string_argument(ev, call, 0, frame);
    if (!a) return false;
    subject = std::move(*s);
    arg = std::move(*a);
    return true;
}

Collection fn_index_of(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, sub;
    if (!input_and_argument(ev, input, call, frame, s, sub)) return {};
    const auto haystack = to_code_points(s);
    const auto needle = to_code_points(sub);
    const auto found = haystack.find(needle);
    return single(Value(found == std::u32string::npos ? std::int64_t{-1} : static_cast<std::int64_t>(found)));
}

Collection fn_substring(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto s = string_input(ev, input, call);
    auto start = integer_argument(ev, call, 0, frame);
    if (!s || !start) return {};
    const auto points = to_code_points(*s);
    if (*start < 0 || static_cast<std::size_t>(*start) >= points.size()) return {};
    std::size_t length = std::u32string::npos;
    if (call.args.size() > 1) {
        auto l = integer_argument(ev, call, 1, frame);
        if (!l) return text(to_utf8(points.substr(static_cast<std::size_t>(*start))));
        if (*l <= 0) return text("");
        length = static_cast<std::size_t>(*l);
    }
    return text(to_utf8(points.substr(static_cast<std::size_t>(*start), length)));
}

Collection fn_starts_with(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, prefix;
    if (!input_and_argument(ev, input, call, frame, s, prefix)) return {};
    return boolean(s.compare(0, prefix.size(), prefix) == 0 && s.size() >= prefix.size());
}

Collection fn_ends_with(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, suffix;
    if (!input_and_argument(ev, input, call, frame, s, suffix)) return {};
    return boolean(s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0);
}

Collection fn_contains(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, sub;
    if (!input_and_argument(ev, input, call, frame, s, sub)) return {};
    return boolean(s.find(sub) != std::string::npos);
}

template <int (*convert)(int)>
Collection case_fn(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto s = string_input(ev, input, call);
    if (!s) return {};
    for (char& c : *s)
        if (static_cast<unsigned char>(c) < 0x80) c = static_cast<char>(convert(static_cast<unsigned char>(c)));
    return text(*s);
}

Collection fn_replace(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto s = string_input(ev, input, call);
    auto pattern = string_argument(ev, call, 0, frame);
    auto substitution = string_argument(ev, call, 1, frame);
    if (!s || !pattern || !substitution) return {};
    if (pattern->empty()) {
        // An empty pattern matches between every character (and at both ends).
        const auto points = to_code_points(*s);
        std::string out = *substitution;
        for (char32_t c : points) out += to_utf8(std::u32string(1, c)) + *substitution;
        ev.check_size(out.size(), call);
        return text(out);
    }
    std::string out;
    std::size_t from = 0;
    for (std::size_t at; (at = s->find(*pattern, from)) != std::string::npos; from = at + pattern->size()) {
        out.append(*s, from, at - from);
        out += *substitution;
        ev.check_size(out.size(), call);
    }
    out.append(*s, from);
    return text(out);
}

// Rejects patterns whose backtracking time can explode: a quantified group that itself
// holds a quantifier, e.g. "(a+)+" or "(x|y*)*".
bool nested_quantifier(const std::string& pattern) {
    std::vector<bool> stack;
    bool escaped = false, in_class = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (escaped) {
            escaped = false;
            continue;
        }
        if (c == '\\') {
            escaped = true;
            continue;
        }
        if (in_class) {
            in_class = c != ']';
            continue;
        }
        if (c == '[') {
            in_class = true;
            continue;
        }
        if (c == '(')
            stack.push_back(false);
        else if ((c == '+' || c == '*' || c == '{') && !stack.empty())
            stack.back() = true;
        else if (c == ')' && !stack.empty()) {
            const bool inner = stack.back();
            stack.pop_back();
            const char after = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
            if (inner && (after == '+' || after == '*' || after == '{')) return true;
            if (inner && !stack.empty()) stack.back() = true;
        }
    }
    return false;
}

std::regex compile_uncached(Evaluator& ev, const std::string& pattern, const Expr& call) {
    if (pattern.size() > 10'000 || nested_quantifier(pattern))
        ev.fail(ErrorKind::execution, "regular expression too complex to run safely", call);
    // FHIRPath regexes run in single-line mode: '.' matches new lines too.
    std::string translated;
    bool escaped = false, in_class = false;
    for (char c : pattern) {
        if (!escaped && !in_class && c == '.') {
            translated += "[\\s\\S]";
            continue;
        }
        if (!escaped && c == '[')
            in_class = true;
        else if (!escaped && c == ']')
            in_class = false;
        escaped = !escaped && c == '\\';
        translated += c;
    }
    try {
        return std::regex(translated, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
        ev.fail(ErrorKind::execution, "invalid regular expression", call);
    }
}

// Invariants run the same few patterns on every element of every resource: compiling a
// std::regex costs far more than matching, so each thread keeps the patterns it compiled.
const std::regex& compile(Evaluator& ev, const std::string& pattern, const Expr& call) {
    thread_local std::unordered_map<std::string, std::regex> compiled;
    if (auto found = compiled.find(pattern); found != compiled.end()) return found->second;
    if (compiled.size() >= 256) compiled.clear();
    return compiled.emplace(pattern, compile_uncached(ev, pattern, call)).first->second;
}

constexpr std::size_t k_std_regex_limit = 4000;

void check_regex_input(Evaluator& ev, const std::string& s, const Expr& call) {
    if (s.size() > ev.environment().options.max_regex_input)
        ev.fail(ErrorKind::execution, "string too long for a regular expression match", call);
}

// ECMAScript pattern -> POSIX extended; std::nullopt for constructs POSIX lacks.
std::optional<std::string> to_posix(const std::string& pattern) {
    std::string out;
    bool in_class = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char e = pattern[++i];
            const char* mapped = nullptr;
            switch (e) {
            case 'd': mapped = in_class ? "0-9" : "[0-9]"; break;
            case 'D': mapped = in_class ? nullptr : "[^0-9]"; break;
            case 's': mapped = in_class ? "[:space:]" : "[[:space:]]"; break;
            case 'S': mapped = in_class ? nullptr : "[^[:space:]]"; break;
            case 'w': mapped = in_class ? "[:alnum:]_" : "[[:alnum:]_]"; break;
            case 'W': mapped = in_class ? nullptr : "[^[:alnum:]_]"; break;
            case 'n': out += '\n'; continue;
            case 't': out += '\t'; continue;
            case 'r': out += '\r'; continue;
            default:
                if (std::isalnum(static_cast<unsigned char>(e))) return std::nullopt; // \b, \1...
                if (in_class)
                    out += e;
                else
                    out += std::string("\\") + e;
                continue;
            }
            if (!mapped) return std::nullopt;
            out += mapped;
            continue;
        }
        if (!in_class && c == '(' && i + 1 < pattern.size() && pattern[i + 1] == '?') {
            if (i + 2 < pattern.size() && pattern[i + 2] == ':') {
                out += '(';
                i += 2;
                continue;
            }
            return std::nullopt; // lookaround
        }
        if (!in_class && c == '?' && i > 0 &&
            (pattern[i - 1] == '*' || pattern[i - 1] == '+' || pattern[i - 1] == '?' || pattern[i - 1] == '}'))
            continue; // lazy quantifiers match the same strings
        if (c == '[')
            in_class = true;
        else if (c == ']')
            in_class = false;
        out += c;
    }
    return out;
}

bool posix_match(Evaluator& ev, const std::string& s, const std::string& pattern, bool full, const Expr& call) {
    auto translated = to_posix(pattern);
    if (!translated) ev.fail(ErrorKind::execution, "regular expression not supported on strings this long", call);
    const std::string anchored = full ? "^(" + *translated + ")$" : *translated;
    regex_t re;
    if (regcomp(&re, anchored.c_str(), REG_EXTENDED | REG_NOSUB) != 0)
        ev.fail(ErrorKind::execution, "invalid regular expression", call);
    const int result = regexec(&re, s.c_str(), 0, nullptr, 0);
    regfree(&re);
    return result == 0;
}

template <bool full>
Collection matches_fn(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, pattern;
    if (!input_and_argument(ev, input, call, frame, s, pattern)) return {};
    check_regex_input(ev, s, call);
    const std::regex& re = compile(ev, pattern, call);
    if (s.size() > k_std_regex_limit) return boolean(posix_match(ev, s, pattern, full, call));
    try {
        return boolean(full ? std::regex_match(s, re) : std::regex_search(s, re));
    } catch (const std::regex_error&) {
        ev.fail(ErrorKind::execution, "regular expression too complex for this input", call);
    }
}

Collection fn_replace_matches(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    auto s = string_input(ev, input, call);
    auto pattern = string_argument(ev, call, 0, frame);
    auto substitution = string_argument(ev, call, 1, frame);
    if (!s || !pattern || !substitution) return {};
    if (pattern->empty()) return text(*s);
    check_regex_input(ev, *s, call);
    if (s->size() > k_std_regex_limit) ev.fail(ErrorKind::execution, "string too long for replaceMatches()", call);
    const std::regex& re = compile(ev, *pattern, call);
    try {
        return text(std::regex_replace(*s, re, *substitution));
    } catch (const std::regex_error&) {
        ev.fail(ErrorKind::execution, "regular expression too complex for this input", call);
    }
}

Collection fn_length(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto s = string_input(ev, input, call);
    if (!s) return {};
    return single(Value(static_cast<std::int64_t>(to_code_points(*s).size())));
}

Collection fn_to_chars(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto s = string_input(ev, input, call);
    if (!s) return {};
    Collection out;
    for (char32_t c : to_code_points(*s)) out.push_back(Value(to_utf8(std::u32string(1, c))));
    return out;
}

std::string hex_encode(const std::string& bytes) {
    static const char* const k_digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += k_digits[c >> 4];
        out += k_digits[c & 15];
    }
    return out;
}

std::optional<std::string> hex_decode(const std::string& text) {
    if (text.size() % 2) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int value = 0;
        for (int k = 0; k < 2; ++k) {
            const char c =
                static_cast<char>(std::tolower(static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)])));
            value <<= 4;
            if (c >= '0' && c <= '9')
                value |= c - '0';
            else if (c >= 'a' && c <= 'f')
                value |= c - 'a' + 10;
            else
                return std::nullopt;
        }
        out += static_cast<char>(value);
    }
    return out;
}

Collection fn_encode(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, format;
    if (!input_and_argument(ev, input, call, frame, s, format)) return {};
    if (format == "hex") return text(hex_encode(s));
    std::string out = formats::base64_encode(s);
    if (format == "urlbase64") {
        for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    } else if (format != "base64") {
        return {};
    }
    return text(out);
}

Collection fn_decode(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, format;
    if (!input_and_argument(ev, input, call, frame, s, format)) return {};
    std::optional<std::string> out;
    if (format == "hex") {
        out = hex_decode(s);
    } else if (format == "base64" || format == "urlbase64") {
        if (format == "urlbase64")
            for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
        out = formats::base64_decode(s);
    }
    return out ? text(*out) : Collection{};
}

Collection fn_escape(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, format;
    if (!input_and_argument(ev, input, call, frame, s, format)) return {};
    std::string out;
    if (format == "html") {
        for (char c : s) {
            switch (c) {
            case '"': out += "&quot;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
            }
        }
    } else if (format == "json") {
        out = nlohmann::json(s).dump();
        out = out.substr(1, out.size() - 2);
    } else {
        return {};
    }
    return text(out);
}

Collection fn_unescape(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, format;
    if (!input_and_argument(ev, input, call, frame, s, format)) return {};
    if (format == "json") {
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] != '\\' || i + 1 >= s.size()) {
                out += s[i];
                continue;
            }
            const char c = s[++i];
            switch (c) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'u':
                if (i + 4 < s.size()) {
                    const auto code = std::strtoul(s.substr(i + 1, 4).c_str(), nullptr, 16);
                    out += to_utf8(std::u32string(1, static_cast<char32_t>(code)));
                    i += 4;
                }
                break;
            default: out += c;
            }
        }
        return text(out);
    }
    if (format != "html") return {};
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const auto end = s.find(';', i);
        if (end == std::string::npos || end - i > 10) {
            out += s[i];
            continue;
        }
        const std::string entity = s.substr(i + 1, end - i - 1);
        std::string replacement;
        if (entity == "quot")
            replacement = "\"";
        else if (entity == "lt")
            replacement = "<";
        else if (entity == "gt")
            replacement = ">";
        else if (entity == "amp")
            replacement = "&";
        else if (entity == "apos")
            replacement = "'";
        else if (entity.size() > 1 && entity[0] == '#') {
            const bool hex = entity[1] == 'x' || entity[1] == 'X';
            const auto code = std::strtoul(entity.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10);
            if (code > 0 && code < 0x110000) replacement = to_utf8(std::u32string(1, static_cast<char32_t>(code)));
        }
        if (replacement.empty()) {
            out += s[i];
            continue;
        }
        out += replacement;
        i = end;
    }
    return text(out);
}

Collection fn_trim(Evaluator& ev, const Collection& input, const Expr& call, const Frame&) {
    auto s = string_input(ev, input, call);
    if (!s) return {};
    const auto first = s->find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return text("");
    const auto last = s->find_last_not_of(" \t\r\n");
    return text(s->substr(first, last - first + 1));
}

Collection fn_split(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string s, separator;
    if (!input_and_argument(ev, input, call, frame, s, separator)) return {};
    Collection out;
    if (separator.empty()) {
        for (char32_t c : to_code_points(s)) out.push_back(Value(to_utf8(std::u32string(1, c))));
        return out;
    }
    std::size_t from = 0;
    for (std::size_t at; (at = s.find(separator, from)) != std::string::npos; from = at + separator.size())
        out.push_back(Value(s.substr(from, at - from)));
    out.push_back(Value(s.substr(from)));
    return out;
}

Collection fn_join(Evaluator& ev, const Collection& input, const Expr& call, const Frame& frame) {
    std::string separator;
    if (!call.args.empty()) separator = string_argument(ev, call, 0, frame).value_or("");
    std::string out;
    bool first = true;
    for (const Value& item : input) {
        auto value = to_system(item);
        const auto* s = value ? std::get_if<std::string>(&value->data) : nullptr;
        if (!s) ev.fail(ErrorKind::execution, "join() needs String items", call);
        if (!first) out += separator;
        out += *s;
        first = false;
        ev.check_size(out.size(), call);
    }
    return text(out);
}

} // namespace

void register_string_functions(FunctionTable& t) {
    t["indexOf"] = {fn_index_of, 1, 1};
    t["substring"] = {fn_substring, 1, 2};
    t["startsWith"] = {fn_starts_with, 1, 1};
    t["endsWith"] = {fn_ends_with, 1, 1};
    t["contains"] = {fn_contains, 1, 1};
    t["upper"] = {case_fn<std::toupper>, 0, 0};
    t["lower"] = {case_fn<std::tolower>, 0, 0};
    t["replace"] = {fn_replace, 2, 2};
    t["matches"] = {matches_fn<false>, 1, 1};
    t["matchesFull"] = {matches_fn<true>, 1, 1};
    t["replaceMatches"] = {fn_replace_matches, 2, 2};
    t["length"] = {fn_length, 0, 0};
    t["toChars"] = {fn_to_chars, 0, 0};
    t["encode"] = {fn_encode, 1, 1};
    t["decode"] = {fn_decode, 1, 1};
    t["escape"] = {fn_escape, 1, 1};
    t["unescape"] = {fn_unescape, 1, 1};
    t["trim"] = {fn_trim, 0, 0};
    t["split"] = {fn_split, 1, 1};
    t["join"] = {fn_join, 0, 1};
}

} // namespace healthdoc::fhir::fhirpath
