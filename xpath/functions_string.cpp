// fn: string functions (F&O 7), counting characters as code points; regex functions on ICU.
#include "formats/text_utils.hpp"
#include "xpath/atomic_ops.hpp"
#include "xpath/functions.hpp"
#include "xpath/regex.hpp"
#include "xpath/utf8.hpp"

#include <unicode/uchar.h>

#include <cmath>

namespace healthdoc::xpath {
namespace {

using Args = std::vector<Sequence>;

std::string str(Evaluator& ev, Args& a, std::size_t i, const Expr& call) { return string_arg(ev, a[i], call); }

double double_arg(Evaluator& ev, Sequence& arg, const Expr& call) {
    std::vector<Atomic> storage;
    const Atomic* a = optional_atomic(ev, arg, storage, call);
    if (!a) throw Error("XPTY0004", call.name + "(): empty sequence where a number is required", call.offset);
    if (a->type() == Type::untypedAtomic) return cast(*a, Type::double_).double_value();
    if (!is_numeric(a->type())) throw Error("XPTY0004", call.name + "(): a number is required", call.offset);
    return to_double(*a);
}

void check_collation(Evaluator& ev, Args& a, std::size_t i, const Expr& call) {
    if (a.size() <= i) return;
    std::string c = str(ev, a, i, call);
    if (c != "http://www.w3.org/2005/xpath-functions/collation/codepoint")
        throw Error("FOCH0002", "unsupported collation " + c, call.offset);
}

Sequence fn_string(Evaluator&, const Focus& f, Args& a, const Expr& call) {
    if (a.empty()) {
        if (!f.item) throw Error("XPDY0002", "string(): the context item is absent", call.offset);
        return single(Atomic::string(string_value(*f.item)));
    }
    if (a[0].empty()) return single(Atomic::string(""));
    if (a[0].size() > 1) throw Error("XPTY0004", "string() of more than one item", call.offset);
    return single(Atomic::string(string_value(a[0][0])));
}

Sequence fn_concat(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::string out;
    for (auto& arg : a) {
        std::vector<Atomic> storage;
        if (const Atomic* v = optional_atomic(ev, arg, storage, call)) out += v->to_string();
    }
    return single(Atomic::string(std::move(out)));
}

Sequence fn_contains(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    check_collation(ev, a, 2, call);
    return single(Atomic::boolean(str(ev, a, 0, call).find(str(ev, a, 1, call)) != std::string::npos));
}

Sequence fn_starts_with(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    check_collation(ev, a, 2, call);
    return single(Atomic::boolean(str(ev, a, 0, call).rfind(str(ev, a, 1, call), 0) == 0));
}

Sequence fn_ends_with(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    check_collation(ev, a, 2, call);
    std::string s = str(ev, a, 0, call), t = str(ev, a, 1, call);
    return single(Atomic::boolean(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0));
}

Sequence fn_substring(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::u32string s = decode_utf8(str(ev, a, 0, call));
    double start = std::floor(double_arg(ev, a[1], call) + 0.5);
    double end =
        a.size() > 2 ? start + std::floor(double_arg(ev, a[2], call) + 0.5) : std::numeric_limits<double>::infinity();
    std::u32string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        double p = static_cast<double>(i + 1);
        if (p >= start && p < end) out += s[i];
    }
    return single(Atomic::string(encode_utf8(out)));
}

Sequence fn_substring_before(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    check_collation(ev, a, 2, call);
    std::string s = str(ev, a, 0, call), t = str(ev, a, 1, call);
    auto p = s.find(t);
    return single(Atomic::string(p == std::string::npos ? "" : s.substr(0, p)));
}

Sequence fn_substring_after(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    check_collation(ev, a, 2, call);
    std::string s = str(ev, a, 0, call), t = str(ev, a, 1, call);
    auto p = s.find(t);
    return single(Atomic::string(p == std::string::npos ? "" : s.substr(p + t.size())));
}

std::string context_string(const Focus& f, const Expr& call) {
    if (!f.item) throw Error("XPDY0002", call.name + "(): the context item is absent", call.offset);
    return string_value(*f.item);
}

Sequence fn_string_length(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    std::string s = a.empty() ? context_string(f, call) : str(ev, a, 0, call);
    return single(Atomic::integer(static_cast<std::int64_t>(codepoint_count(s))));
}

Sequence fn_normalize_space(Evaluator& ev, const Focus& f, Args& a, const Expr& call) {
    std::string s = a.empty() ? context_string(f, call) : str(ev, a, 0, call);
    return single(Atomic::string(formats::normalize_space(s)));
}

Sequence fn_translate(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::u32string s = decode_utf8(str(ev, a, 0, call)), from = decode_utf8(str(ev, a, 1, call)),
                   to = decode_utf8(str(ev, a, 2, call));
    std::u32string out;
    for (char32_t c : s) {
        auto p = from.find(c);
        if (p == std::u32string::npos)
            out += c;
        else if (p < to.size())
            out += to[p];
    }
    return single(Atomic::string(encode_utf8(out)));
}

Sequence change_case(Evaluator& ev, Args& a, const Expr& call, bool upper) {
    std::u32string s = decode_utf8(str(ev, a, 0, call));
    for (auto& c : s)
        c = static_cast<char32_t>(upper ? u_toupper(static_cast<UChar32>(c)) : u_tolower(static_cast<UChar32>(c)));
    return single(Atomic::string(encode_utf8(s)));
}

Sequence fn_upper_case(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    return change_case(ev, a, call, true);
}
Sequence fn_lower_case(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    return change_case(ev, a, call, false);
}

std::string flags_arg(Evaluator& ev, Args& a, std::size_t i, const Expr& call) {
    return a.size() > i ? str(ev, a, i, call) : std::string();
}

Sequence fn_matches(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::string input = str(ev, a, 0, call), pattern = str(ev, a, 1, call);
    auto regex = Regex::cached(pattern, flags_arg(ev, a, 2, call));
    return single(Atomic::boolean(regex->search(input)));
}

Sequence fn_replace(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::string input = str(ev, a, 0, call), pattern = str(ev, a, 1, call), replacement = str(ev, a, 2, call);
    auto regex = Regex::cached(pattern, flags_arg(ev, a, 3, call));
    return single(Atomic::string(regex->replace(input, replacement)));
}

Sequence fn_tokenize(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::string input = str(ev, a, 0, call), pattern = str(ev, a, 1, call);
    auto regex = Regex::cached(pattern, flags_arg(ev, a, 2, call));
    Sequence out;
    for (auto& token : regex->tokenize(input)) out.emplace_back(Atomic::string(std::move(token)));
    return out;
}

Sequence fn_string_join(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::string separator = str(ev, a, 1, call), out;
    std::vector<Atomic> items;
    ev.atomize(a[0], items);
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!is_string_like(items[i].type()))
            throw Error("XPTY0004", "string-join(): the items must be strings", call.offset);
        if (i) out += separator;
        out += items[i].str();
    }
    return single(Atomic::string(std::move(out)));
}

Sequence fn_codepoints_to_string(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    std::vector<Atomic> items;
    ev.atomize(a[0], items);
    std::string out;
    for (auto& item : items) {
        auto v = cast(item, Type::integer).integer_value();
        if (v < 1 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || v == 0xFFFE || v == 0xFFFF ||
            (v < 0x20 && v != 0x9 && v != 0xA && v != 0xD))
            throw Error("FOCH0001", "invalid XML character " + std::to_string(v), call.offset);
        append_utf8(out, static_cast<char32_t>(v));
    }
    return single(Atomic::string(std::move(out)));
}

Sequence fn_string_to_codepoints(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    Sequence out;
    for (char32_t c : decode_utf8(str(ev, a, 0, call))) out.emplace_back(Atomic::integer(static_cast<std::int64_t>(c)));
    return out;
}

Sequence fn_compare(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    check_collation(ev, a, 2, call);
    if (a[0].empty() || a[1].empty()) return {};
    int c = str(ev, a, 0, call).compare(str(ev, a, 1, call));
    return single(Atomic::integer(c < 0 ? -1 : c > 0 ? 1 : 0));
}

Sequence fn_codepoint_equal(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    if (a[0].empty() || a[1].empty()) return {};
    return single(Atomic::boolean(str(ev, a, 0, call) == str(ev, a, 1, call)));
}

// Percent-encodes the bytes for which `keep` is false (UTF-8 bytes of non-ASCII characters).
template <typename Keep> std::string percent_encode(const std::string& s, Keep keep) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (keep(c)) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

bool unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'; }

Sequence fn_encode_for_uri(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    return single(Atomic::string(percent_encode(str(ev, a, 0, call), unreserved)));
}

Sequence fn_iri_to_uri(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    return single(Atomic::string(percent_encode(str(ev, a, 0, call), [](unsigned char c) {
        return c > 0x20 && c < 0x7F && c != '<' && c != '>' && c != '"' && c != '{' && c != '}' && c != '|' &&
               c != '\\' && c != '^' && c != '`';
    })));
}

Sequence fn_escape_html_uri(Evaluator& ev, const Focus&, Args& a, const Expr& call) {
    return single(
        Atomic::string(percent_encode(str(ev, a, 0, call), [](unsigned char c) { return c >= 0x20 && c < 0x7F; })));
}

} // namespace

void add_string_functions(std::vector<FunctionDef>& t) {
    t.insert(t.end(), {
                          {k_fn_uri, "string", 0, 1, fn_string},
                          {k_fn_uri, "concat", 2, -1, fn_concat},
                          {k_fn_uri, "contains", 2, 3, fn_contains},
                          {k_fn_uri, "starts-with", 2, 3, fn_starts_with},
                          {k_fn_uri, "ends-with", 2, 3, fn_ends_with},
                          {k_fn_uri, "substring", 2, 3, fn_substring},
                          {k_fn_uri, "substring-before", 2, 3, fn_substring_before},
                          {k_fn_uri, "substring-after", 2, 3, fn_substring_after},
                          {k_fn_uri, "string-length", 0, 1, fn_string_length},
                          {k_fn_uri, "normalize-space", 0, 1, fn_normalize_space},
                          {k_fn_uri, "translate", 3, 3, fn_translate},
                          {k_fn_uri, "upper-case", 1, 1, fn_upper_case},
                          {k_fn_uri, "lower-case", 1, 1, fn_lower_case},
                          {k_fn_uri, "matches", 2, 3, fn_matches},
                          {k_fn_uri, "replace", 3, 4, fn_replace},
                          {k_fn_uri, "tokenize", 2, 3, fn_tokenize},
                          {k_fn_uri, "string-join", 2, 2, fn_string_join},
                          {k_fn_uri, "codepoints-to-string", 1, 1, fn_codepoints_to_string},
                          {k_fn_uri, "string-to-codepoints", 1, 1, fn_string_to_codepoints},
                          {k_fn_uri, "compare", 2, 3, fn_compare},
                          {k_fn_uri, "codepoint-equal", 2, 2, fn_codepoint_equal},
                          {k_fn_uri, "encode-for-uri", 1, 1, fn_encode_for_uri},
                          {k_fn_uri, "iri-to-uri", 1, 1, fn_iri_to_uri},
                          {k_fn_uri, "escape-html-uri", 1, 1, fn_escape_html_uri},
                      });
}

} // namespace healthdoc::xpath
