// The narrative checks of R4 (Narrative.div, invariants txt-1 and txt-2, and the "Narrative"
// page): well-formed XHTML whose root is a div in the XHTML namespace, only the basic HTML 4
// elements and attributes txt-1 lists, no script in links, and some content. pugixml parses
// the text without a DTD; DOCTYPE and entity declarations are refused before it sees them.
#include "fhir/xhtml.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace healthdoc::fhir {

namespace {

constexpr std::string_view k_xhtml_namespace = "http://www.w3.org/1999/xhtml";
// Real narratives nest a few levels; a cap keeps namespace lookups (walking ancestors) linear.
constexpr std::size_t k_max_depth = 256;

// txt-1: the elements of chapters 7-11 and 15 of HTML 4.0 (its xpath lists them), with those
// the reference validator also accepts (address, bdo, kbd, map, area); not ins and del
// (chapter 9 section 4).
constexpr std::array<std::string_view, 53> k_allowed_elements{
    "a",        "abbr", "acronym", "b",   "big",     "blockquote", "br",    "caption", "cite",  "code", "col",
    "colgroup", "dd",   "dfn",     "div", "dl",      "dt",         "em",    "h1",      "h2",    "h3",   "h4",
    "h5",       "h6",   "hr",      "i",   "img",     "li",         "ol",    "p",       "pre",   "q",    "samp",
    "small",    "span", "strong",  "sub", "sup",     "table",      "tbody", "td",      "tfoot", "th",   "thead",
    "tr",       "tt",   "ul",      "var", "address", "bdo",        "kbd",   "map",     "area"};

// txt-1's attribute list, plus those the reference validator also accepts (xml:lang, xml:space
// (XHTML's <pre xml:space="preserve">), and usemap, ismap, nohref of images and maps) and br's
// clear.
constexpr std::array<std::string_view, 55> k_allowed_attributes{
    "abbr",        "accesskey",   "align",      "alt",    "axis",     "bgcolor", "border",   "cellhalign",
    "cellpadding", "cellspacing", "cellvalign", "char",   "charoff",  "charset", "cite",     "class",
    "colspan",     "compact",     "coords",     "dir",    "frame",    "headers", "height",   "href",
    "hreflang",    "hspace",      "id",         "lang",   "longdesc", "name",    "nowrap",   "rel",
    "rev",         "rowspan",     "rules",      "scope",  "shape",    "span",    "src",      "start",
    "style",       "summary",     "tabindex",   "title",  "type",     "valign",  "value",    "vspace",
    "width",       "xml:lang",    "clear",      "usemap", "ismap",    "nohref",  "xml:space"};

// Elements a paragraph cannot hold (HTML 4: p holds inline content only); the reference
// validator checks these.
constexpr std::array<std::string_view, 6> k_block_elements{"div", "blockquote", "table", "ol", "ul", "p"};

// Schemes a reader can follow from a narrative link; urn:, for one, names without locating.
constexpr std::array<std::string_view, 10> k_link_schemes{"http",   "https", "ftp", "ftps", "sftp",
                                                          "mailto", "tel",   "fax", "sms",  "data"};

template <std::size_t N> bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string_view local_part(std::string_view qualified) {
    auto colon = qualified.find(':');
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

std::string_view prefix_part(std::string_view qualified) {
    auto colon = qualified.find(':');
    return colon == std::string_view::npos ? std::string_view{} : qualified.substr(0, colon);
}

// The namespace of an element through the declarations of its ancestors; nullopt when its
// prefix is not declared.
std::optional<std::string_view> namespace_of(const pugi::xml_node& element) {
    std::string_view prefix = prefix_part(element.name());
    std::string declaration = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
    for (auto node = element; node && node.type() == pugi::node_element; node = node.parent()) {
        if (auto attribute = node.attribute(declaration.c_str())) return std::string_view(attribute.value());
    }
    if (prefix.empty()) return std::string_view{};
    if (prefix == "xml") return std::string_view{"http://www.w3.org/XML/1998/namespace"};
    return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool has_content_text(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return !is_space(c); });
}

// The scheme of a URL ("http" of "http://x"), lower-cased; empty for relative references.
std::string scheme_of(std::string_view url) {
    std::string scheme;
    for (char c : url) {
        auto u = static_cast<unsigned char>(c);
        if (c == ':') return scheme;
        if (!std::isalnum(u) && c != '+' && c != '-' && c != '.') return {};
        scheme.push_back(static_cast<char>(std::tolower(u)));
    }
    return {};
}

// True when the value of an href or src runs script ("javascript:", also with leading blanks
// or control characters and in any case, as browsers read it).
bool is_script_url(std::string_view url) {
    std::string scheme;
    for (char c : url) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20) continue; // browsers drop blanks and control characters in schemes
        if (c == ':') break;
        scheme.push_back(static_cast<char>(std::tolower(u)));
        if (scheme.size() > 16) return false;
    }
    return scheme == "javascript" || scheme == "vbscript";
}

// The characters of a URL in a narrative link or image as the reference validator accepts
// them: letters and digits of any script and the RFC 3986 punctuation (not blanks, quotes,
// braces or backslashes).
bool has_only_url_characters(std::string_view url) {
    constexpr std::string_view punctuation = ";?:@&=+$.,/%-_~#[]!'()*|";
    return std::all_of(url.begin(), url.end(), [&](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x80 || std::isalnum(u) || punctuation.find(c) != std::string_view::npos;
    });
}

bool is_base64_text(std::string_view text) {
    std::size_t count = 0, padding = 0;
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (std::isspace(u)) continue;
        if (c == '=') {
            if (++padding > 2) return false;
        } else if (padding > 0 || !(std::isalnum(u) || c == '+' || c == '/')) {
            return false;
        }
        ++count;
    }
    return count % 4 == 0;
}

// Why a link (a/@href) or image (img/@src) URL is unusable, or an empty string when it is fine.
std::string url_problem(std::string_view url, bool is_link) {
    if (url.empty()) return "must not be empty";
    if (is_script_url(url)) return "must not run a script";
    if (url.substr(0, 5) == "data:") {
        auto comma = url.find(',');
        if (comma == std::string_view::npos || url.find(',', comma + 1) != std::string_view::npos)
            return "must be a data: URL with one comma before its data";
        std::string_view header = url.substr(5, comma - 5);
        if (header.size() >= 7 && header.substr(header.size() - 7) == ";base64" &&
            !is_base64_text(url.substr(comma + 1)))
            return "must be a data: URL with valid base64 data";
        return {};
    }
    if (!has_only_url_characters(url)) return "must contain only URL characters (no blanks, quotes or braces)";
    if (is_link) {
        auto scheme = scheme_of(url);
        if (!scheme.empty() && !contains(k_link_schemes, scheme))
            return "must use a scheme a reader can follow (http, https, ftp, mailto, tel...), or be relative";
    }
    return {};
}

class Checker {
public:
    explicit Checker(std::string_view text) : m_text(text) {}

    std::vector<XhtmlProblem> run() {
        if (!prescan()) return std::move(m_problems);
        pugi::xml_document document;
        // As a fragment, so that text around the div stays visible and is reported.
        auto result = document.load_buffer(m_text.data(), m_text.size(), pugi::parse_default | pugi::parse_fragment,
                                           pugi::encoding_utf8);
        if (!result) {
            add("fhir.xhtml.not-well-formed",
                std::string("the narrative is not well-formed XML: ") + result.description(),
                static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0)));
            return std::move(m_problems);
        }
        pugi::xml_node root;
        for (auto child : document.children()) {
            if (child.type() == pugi::node_element) {
                if (root) {
                    add("fhir.xhtml.not-well-formed", "the narrative must be a single div element", offset_of(child));
                    return std::move(m_problems);
                }
                root = child;
            } else if ((child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) &&
                       has_content_text(child.value())) {
                add("fhir.xhtml.not-well-formed", "the narrative must not have text outside its div element",
                    offset_of(child));
                return std::move(m_problems);
            }
        }
        if (!root) {
            add("fhir.xhtml.empty", "the narrative must be a div element", 0);
            return std::move(m_problems);
        }
        if (local_part(root.name()) != "div") {
            add("fhir.xhtml.not-div", "the root element of the narrative must be a div", offset_of(root));
        }
        if (!walk(root)) return std::move(m_problems);
        // txt-2. The R4 reference validator does not evaluate it (htmlChecks() checks names
        // only before R6) and three core examples have an empty div: callers may want a warning.
        if (!m_has_content)
            add("fhir.xhtml.empty", "the narrative must have some non-whitespace content or an image", offset_of(root));
        return std::move(m_problems);
    }

private:
    void add(std::string rule, std::string message, std::size_t offset) {
        m_problems.push_back({std::move(rule), std::move(message), std::min(offset, m_text.size())});
    }

    // offset_debug() points at an element's name; its problem starts at the "<" before it.
    std::size_t offset_of(const pugi::xml_node& node) const {
        auto offset = node.offset_debug();
        if (offset < 0) return 0;
        auto o = static_cast<std::size_t>(offset);
        if (node.type() == pugi::node_element && o > 0 && o <= m_text.size() && m_text[o - 1] == '<') --o;
        return o;
    }

    // The attribute's name inside the start tag of `owner`, else the tag itself.
    std::size_t offset_of(const pugi::xml_node& owner, const pugi::xml_attribute& attribute) const {
        std::size_t start = offset_of(owner);
        std::size_t end = m_text.find('>', start);
        if (end == std::string_view::npos) end = m_text.size();
        std::string_view name = attribute.name();
        for (std::size_t at = m_text.find(name, start); at != std::string_view::npos && at < end;
             at = m_text.find(name, at + 1)) {
            bool starts_word = at > 0 && is_space(m_text[at - 1]);
            std::size_t after = at + name.size();
            while (after < m_text.size() && is_space(m_text[after])) ++after;
            if (starts_word && after < m_text.size() && m_text[after] == '=') return at;
        }
        return start;
    }

    // What pugixml would let through without a word: DOCTYPE (and the entities it declares)
    // and named references XML does not define (&nbsp; is HTML, not XML).
    bool prescan() {
        std::size_t pos = 0;
        while (pos < m_text.size()) {
            if (m_text.compare(pos, 4, "<!--") == 0) {
                auto end = m_text.find("-->", pos + 4);
                if (end == std::string_view::npos) return true; // pugixml reports the open comment
                pos = end + 3;
                continue;
            }
            if (m_text.compare(pos, 9, "<![CDATA[") == 0) {
                auto end = m_text.find("]]>", pos + 9);
                if (end == std::string_view::npos) return true;
                pos = end + 3;
                continue;
            }
            if (m_text.compare(pos, 2, "<!") == 0) {
                add("fhir.xhtml.not-well-formed", "the narrative must not contain a DOCTYPE or entity declarations",
                    pos);
                return false;
            }
            if (m_text[pos] == '&' && !valid_reference(pos)) {
                add("fhir.xhtml.not-well-formed",
                    "the narrative uses a character reference XML does not define (only amp, lt, gt, quot, apos "
                    "and numeric references are allowed)",
                    pos);
                return false;
            }
            ++pos;
        }
        return true;
    }

    bool valid_reference(std::size_t pos) const {
        auto end = m_text.find(';', pos);
        if (end == std::string_view::npos || end - pos > 12) return false;
        std::string_view name = m_text.substr(pos + 1, end - pos - 1);
        if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
        if (name.size() < 2 || name[0] != '#') return false;
        bool hex = name[1] == 'x';
        std::string_view digits = name.substr(hex ? 2 : 1);
        if (digits.empty()) return false;
        return std::all_of(digits.begin(), digits.end(), [hex](char c) {
            return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0 : (c >= '0' && c <= '9');
        });
    }

    // Depth-first without recursion: hostile nesting must not exhaust the stack.
    // False when the walk stopped early (too deep).
    bool walk(const pugi::xml_node& root) {
        struct Pending {
            pugi::xml_node node;
            std::size_t depth;
            bool in_paragraph;
        };
        std::vector<Pending> pending{{root, 1, false}};
        while (!pending.empty()) {
            auto [node, depth, in_paragraph] = pending.back();
            pending.pop_back();
            if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
                if (has_content_text(node.value())) m_has_content = true;
                continue;
            }
            if (node.type() != pugi::node_element) continue;
            if (depth > k_max_depth) {
                add("fhir.xhtml.not-well-formed", "the narrative is nested too deeply", offset_of(node));
                return false;
            }
            check_element(node, in_paragraph);
            bool child_in_paragraph = in_paragraph || local_part(node.name()) == "p";
            // Children in reverse so that problems come out in document order.
            std::vector<pugi::xml_node> children;
            for (auto child : node.children()) children.push_back(child);
            for (auto it = children.rbegin(); it != children.rend(); ++it)
                pending.push_back({*it, depth + 1, child_in_paragraph});
        }
        return true;
    }

    void check_url(const pugi::xml_node& element, const std::string& name) {
        const char* attribute_name = name == "a" ? "href" : name == "img" ? "src" : nullptr;
        if (!attribute_name) return;
        auto attribute = element.attribute(attribute_name);
        if (!attribute) return;
        auto problem = url_problem(attribute.value(), name == "a");
        if (!problem.empty())
            add("fhir.xhtml.invalid-url",
                "the @" + std::string(attribute_name) + " of a <" + name + "> in the narrative " + problem,
                offset_of(element, attribute));
    }

    void check_element(const pugi::xml_node& element, bool in_paragraph) {
        std::string name(local_part(element.name()));
        auto ns = namespace_of(element);
        if (!ns) {
            add("fhir.xhtml.not-well-formed", "the narrative uses an undeclared namespace prefix on a <" + name + ">",
                offset_of(element));
        } else if (*ns != k_xhtml_namespace) {
            add("fhir.xhtml.wrong-namespace",
                "the <" + name + "> of the narrative must be in the XHTML namespace (http://www.w3.org/1999/xhtml)",
                offset_of(element));
        }
        if (!contains(k_allowed_elements, name)) {
            add("fhir.xhtml.element-not-allowed", "the narrative must not contain a <" + name + "> element",
                offset_of(element));
        }
        if (in_paragraph && contains(k_block_elements, name)) {
            add("fhir.xhtml.block-in-paragraph", "a <" + name + "> must not be inside a <p> of the narrative",
                offset_of(element));
        }
        if (name == "img" && element.attribute("src")) m_has_content = true;
        for (auto attribute : element.attributes()) check_attribute(element, name, attribute);
        check_url(element, name);
    }

    void check_attribute(const pugi::xml_node& element, const std::string& element_name,
                         const pugi::xml_attribute& attribute) {
        std::string_view name = attribute.name();
        if (name == "xmlns" || name.substr(0, 6) == "xmlns:") return;
        if (name.size() > 2 && (name[0] == 'o' || name[0] == 'O') && (name[1] == 'n' || name[1] == 'N')) {
            add("fhir.xhtml.attribute-not-allowed",
                "the narrative must not contain event handler attributes such as @" + std::string(name) + " on a <" +
                    element_name + ">",
                offset_of(element, attribute));
            return;
        }
        if (!contains(k_allowed_attributes, name)) {
            add("fhir.xhtml.attribute-not-allowed",
                "the narrative must not contain the attribute @" + std::string(name) + " on a <" + element_name + ">",
                offset_of(element, attribute));
            return;
        }
        // a/@href and img/@src get the full URL checks of check_url().
        bool checked_as_url = (element_name == "a" && name == "href") || (element_name == "img" && name == "src");
        bool holds_url = name == "href" || name == "src" || name == "longdesc" || name == "cite" || name == "usemap";
        if (holds_url && !checked_as_url && is_script_url(attribute.value())) {
            add("fhir.xhtml.invalid-url",
                "the @" + std::string(name) + " of a <" + element_name + "> in the narrative must not run a script",
                offset_of(element, attribute));
        }
    }

    std::string_view m_text;
    std::vector<XhtmlProblem> m_problems;
    bool m_has_content = false;
};

} // namespace

std::vector<XhtmlProblem> check_narrative_xhtml(std::string_view xhtml) { return Checker(xhtml).run(); }

} // namespace healthdoc::fhir
