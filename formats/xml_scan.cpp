#include "formats/xml_scan.hpp"

#include <cstring>

#include <cstdint>

namespace healthdoc::formats {
namespace {

constexpr std::size_t k_max_scan_problems = 10;
constexpr auto npos = std::string_view::npos;

std::string quoted_tag(std::string_view name) { return "<" + std::string(name) + ">"; }

// XML 1.0 §2.2 Char production.
bool is_xml_char(std::uint64_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
           (cp >= 0x10000 && cp <= 0x10FFFF);
}

void add_problem(MarkupScan& scan, std::size_t offset, const char* rule, std::string message) {
    if (scan.problems.size() < k_max_scan_problems) scan.problems.push_back({offset, rule, std::move(message)});
}

// XML 1.0 §4.1: a reference is &#N; &#xH; or &Name; and only the five predefined entities exist
// once DOCTYPE is refused (§4.6). pugixml would keep an unknown one as literal text.
void check_reference(std::string_view text, std::size_t at, MarkupScan& scan) {
    const auto n = text.size();
    std::size_t i = at + 1;
    if (i < n && text[i] == '#') {
        ++i;
        bool hex = i < n && text[i] == 'x';
        if (hex) ++i;
        std::uint64_t cp = 0;
        std::size_t digits = 0;
        for (; i < n && digits < 12; ++i, ++digits) {
            char c = text[i];
            int v = (c >= '0' && c <= '9')        ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
            if (v < 0) break;
            cp = cp * (hex ? 16 : 10) + static_cast<std::uint64_t>(v);
        }
        if (digits == 0 || i >= n || text[i] != ';')
            add_problem(scan, at, "xml.syntax.bad-reference",
                        "malformed character reference: expected &#NNN; or &#xHHH;");
        else if (!is_xml_char(cp))
            add_problem(scan, at, "xml.syntax.bad-reference",
                        "character reference " + std::string(text.substr(at, i + 1 - at)) +
                            " names a character XML does not allow");
        return;
    }
    std::size_t start = i;
    while (i < n && i - start < 64 && xml_is_name_char(text[i])) ++i;
    if (i == start || i >= n || text[i] != ';' || !xml_is_name_start(text[start])) {
        add_problem(scan, at, "xml.syntax.bad-reference",
                    "'&' does not start an entity reference; write &amp; for a literal ampersand");
        return;
    }
    auto name = text.substr(start, i - start);
    if (name == "lt" || name == "gt" || name == "amp" || name == "apos" || name == "quot") return;
    add_problem(scan, at, "xml.syntax.undefined-entity",
                "entity &" + std::string(name) +
                    "; is not defined: XML predefines only &lt; &gt; &amp; &apos; &quot; (use a character reference "
                    "such as &#160; instead)");
}

} // namespace

bool xml_is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool xml_is_name_start(char c) {
    auto u = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || u >= 0x80;
}

bool xml_is_name_char(char c) { return xml_is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

// The element name right after "<" or "</" at `offset` (empty when there is none).
std::string_view xml_tag_name_at(std::string_view text, std::size_t offset) {
    std::size_t i = offset + 1;
    if (i < text.size() && text[i] == '/') ++i;
    std::size_t start = i;
    while (i < text.size() && xml_is_name_char(text[i]) && i - start < 256) ++i;
    return text.substr(start, i - start);
}

// One linear pass; never recursive, never reads past `text`. Stops at a DOCTYPE, at the first
// element deeper than `max_depth`, or when it reaches `stop_at`.
MarkupScan scan_markup(std::string_view text, std::size_t max_depth, std::size_t stop_at) {
    MarkupScan scan;
    const auto n = text.size();
    bool root_seen = false;
    bool outside_text_reported = false;
    bool second_root_reported = false;
    auto unterminated = [&](Unterminated kind, std::size_t at) {
        scan.unterminated = kind;
        scan.unterminated_at = at;
    };
    std::size_t i = 0;
    while (i < n && i < stop_at) {
        char c = text[i];
        if (c != '<') {
            if (c == '&') check_reference(text, i, scan);
            if (scan.open.empty()) {
                if (!xml_is_space(c) && !outside_text_reported) {
                    add_problem(scan, i, "xml.syntax.bad-text", "text is not allowed outside the root element");
                    outside_text_reported = true;
                }
                ++i;
            } else {
                ++i;
                // Text runs are most of a document: jump to the next '<' or '&' with memchr.
                const char* base = text.data();
                const auto* lt = static_cast<const char*>(std::memchr(base + i, '<', n - i));
                std::size_t stop = lt ? static_cast<std::size_t>(lt - base) : n;
                const auto* amp = static_cast<const char*>(std::memchr(base + i, '&', stop - i));
                i = amp ? static_cast<std::size_t>(amp - base) : stop;
            }
            continue;
        }
        auto rest = text.substr(i);
        if (rest.substr(0, 4) == "<!--") {
            std::size_t j = i + 4;
            for (;;) {
                auto k = text.find("--", j);
                if (k == npos || k + 2 >= n) {
                    unterminated(Unterminated::comment, i);
                    i = n;
                    break;
                }
                if (text[k + 2] == '>') {
                    i = k + 3;
                    break;
                }
                // XML 1.0 §2.5: "--" must not occur within comments.
                add_problem(scan, k, "xml.syntax.bad-comment", "'--' is not allowed inside a comment");
                j = k + 2;
            }
        } else if (rest.substr(0, 9) == "<![CDATA[") {
            auto k = text.find("]]>", i + 9);
            if (k == npos) {
                unterminated(Unterminated::cdata, i);
                i = n;
            } else {
                i = k + 3;
            }
        } else if (rest.substr(0, 9) == "<!DOCTYPE") {
            scan.doctype_at = i;
            return scan;
        } else if (rest.substr(0, 2) == "<!" || rest.substr(0, 2) == "<?") {
            bool pi = rest[1] == '?';
            auto k = pi ? text.find("?>", i + 2) : text.find('>', i + 2);
            if (k == npos) {
                unterminated(pi ? Unterminated::pi : Unterminated::declaration, i);
                i = n;
            } else {
                i = k + (pi ? 2 : 1);
            }
        } else if (rest.substr(0, 2) == "</") {
            auto k = text.find('>', i + 2);
            if (k == npos) {
                unterminated(Unterminated::tag, i);
                i = n;
            } else {
                if (!scan.open.empty()) scan.open.pop_back();
                i = k + 1;
            }
        } else if (rest.size() > 1 && xml_is_name_start(rest[1])) {
            std::size_t at = i;
            if (scan.open.empty() && root_seen && !second_root_reported) {
                add_problem(scan, at, "xml.syntax.multiple-roots",
                            "a second root element " + quoted_tag(xml_tag_name_at(text, at)) +
                                " follows the root element; a document has exactly one root");
                second_root_reported = true;
            }
            if (scan.open.size() + 1 > max_depth) {
                scan.too_deep_at = at;
                return scan;
            }
            root_seen = true;
            std::size_t j = i + 1;
            bool closed = false;
            while (j < n) {
                char ch = text[j];
                if (ch == '"' || ch == '\'') {
                    std::size_t k = j + 1;
                    while (k < n && text[k] != ch) {
                        if (text[k] == '&') check_reference(text, k, scan);
                        ++k;
                    }
                    j = k + 1;
                    continue;
                }
                if (ch == '>' || ch == '<') {
                    closed = true;
                    break;
                }
                ++j;
            }
            if (!closed) {
                unterminated(Unterminated::tag, at);
                i = n;
            } else if (text[j] == '<') {
                scan.open.push_back(at); // malformed tag: pugixml reports it
                i = j;
            } else {
                if (text[j - 1] != '/') scan.open.push_back(at);
                i = j + 1;
            }
        } else {
            ++i; // "<" that starts nothing: pugixml reports it
        }
    }
    return scan;
}

} // namespace healthdoc::formats
