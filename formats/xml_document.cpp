#include "formats/xml_document.hpp"

#include "formats/text_encoding.hpp"
#include "formats/xml_scan.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

namespace healthdoc::formats {
namespace {

constexpr std::string_view k_xml_namespace = "http://www.w3.org/XML/1998/namespace";
constexpr auto npos = std::string_view::npos;

std::string quoted_tag(std::string_view name) { return "<" + std::string(name) + ">"; }

// Offset just after the last non-blank byte, so "end of file" never lands on an empty last line.
std::size_t end_of_content(std::string_view text) {
    std::size_t end = text.size();
    while (end > 0 && xml_is_space(text[end - 1])) --end;
    return end;
}

Location location_at(const XmlDocument& document, std::size_t offset) {
    auto p = document.position(offset);
    return Location{document.file(), p.line, p.column, ""};
}

std::string line_of(const XmlDocument& document, std::size_t offset) {
    return std::to_string(document.position(offset).line);
}

void report_unclosed(const XmlDocument& document, const MarkupScan& scan, Diagnostics& diagnostics) {
    auto text = document.text();
    std::string message;
    if (scan.unterminated == Unterminated::tag) {
        bool end_tag = text.substr(scan.unterminated_at, 2) == "</";
        auto name = std::string(xml_tag_name_at(text, scan.unterminated_at));
        message = std::string("the file ends inside ") + (end_tag ? "end tag </" : "start tag <") + name + " at line " +
                  line_of(document, scan.unterminated_at);
    }
    if (!scan.open.empty()) {
        auto name = xml_tag_name_at(text, scan.open.back());
        message += message.empty() ? "the file ends" : ",";
        message += " before element " + quoted_tag(name) + " opened at line " + line_of(document, scan.open.back()) +
                   " is closed: expected </" + std::string(name) + ">";
    }
    if (message.empty()) message = "the file ends before the root element is closed";
    diagnostics.report(Severity::fatal, "xml.syntax.unclosed-tag", message,
                       location_at(document, end_of_content(text)));
}

// Turns pugixml's status + offset into one actionable diagnostic with a stable rule id.
void report_parse_error(const XmlDocument& document, const pugi::xml_parse_result& result, const MarkupScan& scan,
                        std::size_t max_depth, Diagnostics& diagnostics) {
    auto text = document.text();
    auto error_at = static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
    auto fatal = [&](const char* rule, std::size_t at, std::string message) {
        diagnostics.report(Severity::fatal, rule, std::move(message), location_at(document, at));
    };
    auto tag_start_before = [&](std::size_t at) {
        auto k = text.rfind('<', std::min(at, text.size() - 1));
        return k == npos ? at : k;
    };

    if (result.status == pugi::status_no_document_element) {
        diagnostics.report(Severity::fatal, "xml.syntax.no-root", "the document has no root element",
                           Location{document.file(), 0, 0, ""});
        return;
    }
    if (result.status == pugi::status_out_of_memory) {
        diagnostics.report(Severity::fatal, "xml.limits.too-large", "not enough memory to parse the document",
                           Location{document.file(), 0, 0, ""});
        return;
    }
    // Input cut short inside a construct: say what was left open rather than what pugixml tripped on.
    if (scan.unterminated != Unterminated::none && error_at >= scan.unterminated_at) {
        auto at = scan.unterminated_at;
        switch (scan.unterminated) {
        case Unterminated::tag: report_unclosed(document, scan, diagnostics); return;
        case Unterminated::comment:
            fatal("xml.syntax.bad-comment", at,
                  "the comment that starts here is not closed by '-->' before the end of the file");
            return;
        case Unterminated::cdata:
            fatal("xml.syntax.bad-cdata", at,
                  "the CDATA section that starts here is not closed by ']]>' before the end of the file");
            return;
        case Unterminated::pi:
            fatal("xml.syntax.bad-pi", at,
                  "the processing instruction that starts here is not closed by '?>' before the end of the file");
            return;
        case Unterminated::declaration:
            fatal("xml.syntax.bad-start-tag", at, "the markup declaration that starts here is not closed by '>'");
            return;
        case Unterminated::none: break;
        }
    }
    switch (result.status) {
    case pugi::status_end_element_mismatch:
    case pugi::status_bad_end_element: {
        // pugixml points just after "</" for a wrong name, or at the end for a missing end tag.
        bool complete_end_tag = error_at >= 2 && error_at <= text.size() && text.substr(error_at - 2, 2) == "</" &&
                                text.find('>', error_at) != npos;
        if (!complete_end_tag) {
            report_unclosed(document, scan, diagnostics);
            return;
        }
        auto tag_at = error_at - 2;
        auto found = xml_tag_name_at(text, tag_at);
        auto before = scan_markup(text, max_depth, tag_at);
        if (before.open.empty()) {
            fatal("xml.syntax.mismatched-tag", tag_at,
                  "end tag </" + std::string(found) + "> has no matching start tag");
        } else {
            auto expected = xml_tag_name_at(text, before.open.back());
            fatal("xml.syntax.mismatched-tag", tag_at,
                  "end tag </" + std::string(found) + "> does not match element " + quoted_tag(expected) +
                      " opened at line " + line_of(document, before.open.back()) + ": expected </" +
                      std::string(expected) + ">");
        }
        return;
    }
    case pugi::status_unrecognized_tag: {
        auto at = (error_at > 0 && error_at <= text.size() && text[error_at - 1] == '<') ? error_at - 1 : error_at;
        fatal("xml.syntax.bad-start-tag", at, "'<' does not start a valid tag; write &lt; for a literal '<'");
        return;
    }
    case pugi::status_bad_start_element: {
        auto at = tag_start_before(error_at);
        fatal("xml.syntax.bad-start-tag", at,
              "start tag " + quoted_tag(xml_tag_name_at(text, at)) +
                  " is malformed: expected a name, then attributes name=\"value\", then '>' or '/>'");
        return;
    }
    case pugi::status_bad_attribute:
        fatal("xml.syntax.bad-attribute", error_at,
              "malformed attribute in start tag " + quoted_tag(xml_tag_name_at(text, tag_start_before(error_at))) +
                  ": expected name=\"value\" with the value in quotes");
        return;
    case pugi::status_bad_comment:
        fatal("xml.syntax.bad-comment", tag_start_before(error_at), "malformed comment: expected <!-- ... -->");
        return;
    case pugi::status_bad_cdata:
        fatal("xml.syntax.bad-cdata", tag_start_before(error_at),
              "malformed CDATA section: expected <![CDATA[ ... ]]>");
        return;
    case pugi::status_bad_pi:
        fatal("xml.syntax.bad-pi", tag_start_before(error_at),
              "malformed processing instruction or XML declaration: expected <?target ... ?>");
        return;
    case pugi::status_bad_doctype:
        fatal("xml.security.doctype", tag_start_before(error_at),
              "DOCTYPE declarations are refused: entity declarations and external references are never expanded or "
              "fetched");
        return;
    case pugi::status_bad_pcdata: fatal("xml.syntax.bad-text", error_at, "malformed character data"); return;
    default:
        fatal("xml.syntax.malformed", error_at,
              std::string("the document is not well-formed XML: ") + result.description());
        return;
    }
}

// Decodes the input to UTF-8 (XML 1.0 §4.3.3 and appendix F): BOM, UTF-16, the declared
// single-byte charsets. Reports and returns std::nullopt when it cannot.
std::optional<std::string> decode_to_utf8(const SourceText& source, Diagnostics& diagnostics) {
    const auto& file = source.name();
    auto bytes = source.bytes();
    auto sniff = sniff_encoding(bytes);
    auto at = [&](std::string_view text, std::size_t offset) {
        auto p = LineIndex(text).position(offset);
        return Location{file, p.line, p.column, ""};
    };
    std::string text;
    if (sniff.encoding == ByteEncoding::utf32) {
        diagnostics.report(Severity::fatal, "xml.encoding.unsupported",
                           "UTF-32 is not supported: save the document as UTF-8", Location{file, 0, 0, ""});
        return std::nullopt;
    }
    if (sniff.encoding == ByteEncoding::utf16le || sniff.encoding == ByteEncoding::utf16be) {
        auto decoded = utf16_to_utf8(bytes.substr(sniff.bom_size), sniff.encoding == ByteEncoding::utf16be);
        if (decoded.error_at != npos) {
            diagnostics.report(Severity::fatal, "xml.encoding.invalid-utf16",
                               "invalid UTF-16 here: an unpaired surrogate or a code unit cut by the end of the file",
                               at(decoded.text, decoded.error_at));
            return std::nullopt;
        }
        text = std::move(decoded.text);
        auto declared = xml_declared_encoding(text);
        if (declared && classify_encoding_name(declared->name).kind != DeclaredEncoding::utf16)
            diagnostics.report(Severity::warning, "xml.encoding.declaration-mismatch",
                               "the document is UTF-16 but its XML declaration says '" + std::string(declared->name) +
                                   "'; it was read as UTF-16",
                               at(text, declared->offset));
    } else {
        auto view = bytes.substr(sniff.bom_size);
        auto declared = sniff.bom_size == 0 ? xml_declared_encoding(view) : std::nullopt;
        auto name = declared ? classify_encoding_name(declared->name) : EncodingName{DeclaredEncoding::utf8, {}};
        switch (name.kind) {
        case DeclaredEncoding::utf8: {
            auto bad = find_invalid_utf8(view);
            if (bad != npos) {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(view[bad])));
                diagnostics.report(Severity::fatal, "xml.encoding.invalid-utf8",
                                   std::string("byte ") + hex +
                                       " is not valid UTF-8: if the document is ISO-8859-1 or windows-1252, say so in "
                                       "its XML declaration (encoding=\"ISO-8859-1\") or convert it to UTF-8",
                                   at(view, bad));
                return std::nullopt;
            }
            text.assign(view);
            break;
        }
        case DeclaredEncoding::single_byte: text = single_byte_to_utf8(view, name.charset); break;
        case DeclaredEncoding::utf16:
            diagnostics.report(Severity::fatal, "xml.encoding.mismatch",
                               "the XML declaration says '" + std::string(declared->name) +
                                   "' but the bytes are not UTF-16 (no byte order mark); fix the declaration",
                               at(view, declared->offset));
            return std::nullopt;
        case DeclaredEncoding::unsupported:
            diagnostics.report(
                Severity::fatal, "xml.encoding.unsupported",
                "encoding '" + std::string(declared->name) +
                    "' is not supported: use UTF-8 (ISO-8859-1, ISO-8859-15, windows-1252 and UTF-16 are "
                    "also read)",
                at(view, declared->offset));
            return std::nullopt;
        }
    }
    // XML 1.0 §2.2: C0 controls other than tab, LF and CR are not characters of a document.
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Skip eight bytes at a time while none of them is below 0x20 (the usual case).
        while (i + 8 <= text.size()) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + i, sizeof word);
            if (((word - 0x2020202020202020ULL) & ~word & 0x8080808080808080ULL) != 0) break;
            i += 8;
        }
        if (i >= text.size()) break;
        auto u = static_cast<unsigned char>(text[i]);
        if (u < 0x20 && u != 0x09 && u != 0x0A && u != 0x0D) {
            char code[8];
            std::snprintf(code, sizeof code, "%04X", static_cast<unsigned>(u));
            diagnostics.report(Severity::fatal, "xml.syntax.invalid-char",
                               std::string("control character U+") + code + " is not allowed in XML", at(text, i));
            return std::nullopt;
        }
    }
    return text;
}

struct PrefixBinding {
    std::string_view prefix;
    std::string_view uri;
};

std::string_view prefix_of(std::string_view qualified) {
    auto colon = qualified.find(':');
    return colon == npos ? std::string_view{} : qualified.substr(0, colon);
}

// Namespaces in XML 1.0 §5 (every prefix declared) and XML 1.0 §3.1 (unique attribute names),
// checked in one iterative walk: documents nested thousands deep must not overflow the stack.
void check_names(const XmlDocument& document, Diagnostics& diagnostics) {
    std::vector<PrefixBinding> bindings;
    std::vector<std::size_t> scopes;
    std::vector<std::string_view> reported_prefixes;
    auto declared = [&](std::string_view prefix) {
        if (prefix == "xml" || prefix == "xmlns") return true;
        for (auto it = bindings.rbegin(); it != bindings.rend(); ++it)
            if (it->prefix == prefix) return !it->uri.empty();
        return false;
    };
    auto report_prefix = [&](const pugi::xml_node& element, std::string_view prefix, std::string_view what) {
        if (std::find(reported_prefixes.begin(), reported_prefixes.end(), prefix) != reported_prefixes.end()) return;
        reported_prefixes.push_back(prefix);
        auto location = document.location_of(element);
        diagnostics.report(Severity::error, "xml.namespace.undeclared-prefix",
                           "prefix '" + std::string(prefix) + "' of " + std::string(what) +
                               " is not declared: add xmlns:" + std::string(prefix) +
                               "=\"...\" on this element or an ancestor",
                           std::move(location));
    };
    std::vector<std::string_view> names;
    auto visit = [&](const pugi::xml_node& element) {
        scopes.push_back(bindings.size());
        names.clear();
        for (auto a : element.attributes()) {
            std::string_view name = a.name();
            names.push_back(name);
            if (name == "xmlns")
                bindings.push_back({{}, a.value()});
            else if (name.substr(0, 6) == "xmlns:")
                bindings.push_back({name.substr(6), a.value()});
        }
        auto element_prefix = prefix_of(element.name());
        if (!element_prefix.empty() && !declared(element_prefix))
            report_prefix(element, element_prefix, "element " + quoted_tag(element.name()));
        for (auto name : names) {
            auto p = prefix_of(name);
            if (!p.empty() && !declared(p)) report_prefix(element, p, "attribute " + std::string(name));
        }
        std::sort(names.begin(), names.end());
        auto dup = std::adjacent_find(names.begin(), names.end());
        if (dup != names.end())
            diagnostics.report(Severity::fatal, "xml.syntax.duplicate-attribute",
                               "attribute " + std::string(*dup) + " appears twice in start tag " +
                                   quoted_tag(element.name()),
                               document.location_of(element, element.attribute(std::string(*dup).c_str())));
    };
    auto first_element_child = [](const pugi::xml_node& node) {
        for (auto c = node.first_child(); c; c = c.next_sibling())
            if (c.type() == pugi::node_element) return c;
        return pugi::xml_node{};
    };
    auto next_element_sibling = [](const pugi::xml_node& node) {
        for (auto c = node.next_sibling(); c; c = c.next_sibling())
            if (c.type() == pugi::node_element) return c;
        return pugi::xml_node{};
    };
    auto node = document.root();
    while (node) {
        visit(node);
        if (auto child = first_element_child(node)) {
            node = child;
            continue;
        }
        while (node) {
            bindings.resize(scopes.back());
            scopes.pop_back();
            if (auto sibling = next_element_sibling(node)) {
                node = sibling;
                break;
            }
            node = node.parent();
            if (node.type() != pugi::node_element) node = pugi::xml_node{};
        }
    }
}

} // namespace

XmlDocument::XmlDocument(std::string file, std::string text)
    : m_file(std::move(file)), m_text(std::move(text)), m_lines(m_text) {}

Location XmlDocument::location_of(const pugi::xml_node& node) const {
    Location location{m_file, 0, 0, ""};
    auto element = node;
    while (element && element.type() != pugi::node_element) element = element.parent();
    location.path = xpath_of(element);
    auto offset = node.offset_debug();
    if (offset < 0 || static_cast<std::size_t>(offset) > m_text.size()) return location;
    auto o = static_cast<std::size_t>(offset);
    // offset_debug() gives the name of an element; its start is the "<" just before.
    if (node.type() == pugi::node_element && o > 0 && m_text[o - 1] == '<') --o;
    auto p = m_lines.position(o);
    location.line = p.line;
    location.column = p.column;
    return location;
}

Location XmlDocument::location_of(const pugi::xml_node& owner, const pugi::xml_attribute& attribute) const {
    auto location = location_of(owner);
    if (attribute) location.path += std::string("/@") + attribute.name();
    return location;
}

std::string XmlDocument::namespace_uri(const pugi::xml_node& element) {
    if (!element || element.type() != pugi::node_element) return {};
    auto prefix = prefix_of(element.name());
    if (prefix == "xml") return std::string(k_xml_namespace);
    std::string declaration = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
    for (auto n = element; n && n.type() == pugi::node_element; n = n.parent())
        if (auto a = n.attribute(declaration.c_str())) return a.value();
    return {};
}

std::string_view XmlDocument::local_name(const char* qualified_name) {
    if (!qualified_name) return {};
    std::string_view q = qualified_name;
    auto colon = q.find(':');
    return colon == npos ? q : q.substr(colon + 1);
}

std::string XmlDocument::xpath_of(const pugi::xml_node& element) {
    std::vector<std::string> steps;
    for (auto n = element; n && n.type() == pugi::node_element; n = n.parent()) {
        const char* name = n.name();
        std::size_t index = 1;
        for (auto s = n.previous_sibling(name); s; s = s.previous_sibling(name)) ++index;
        std::string step = name;
        if (index > 1 || n.next_sibling(name)) step += "[" + std::to_string(index) + "]";
        steps.push_back(std::move(step));
    }
    std::string path;
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) path += "/" + *it;
    return path;
}

std::unique_ptr<XmlDocument> parse_xml(const SourceText& source, Diagnostics& diagnostics, const XmlLimits& limits) {
    if (source.size() > limits.max_bytes) {
        diagnostics.report(Severity::fatal, "xml.limits.too-large",
                           "the document is " + std::to_string(source.size()) + " bytes, over the limit of " +
                               std::to_string(limits.max_bytes) + " bytes",
                           Location{source.name(), 0, 0, ""});
        return nullptr;
    }
    auto text = decode_to_utf8(source, diagnostics);
    if (!text) return nullptr;
    std::unique_ptr<XmlDocument> document(new XmlDocument(source.name(), std::move(*text)));
    auto scan = scan_markup(document->text(), limits.max_depth);
    if (scan.doctype_at) {
        diagnostics.report(Severity::fatal, "xml.security.doctype",
                           "DOCTYPE declarations are refused: entity declarations and external references are never "
                           "expanded or fetched",
                           location_at(*document, *scan.doctype_at));
        return nullptr;
    }
    if (scan.too_deep_at) {
        diagnostics.report(Severity::fatal, "xml.limits.too-deep",
                           "element " + quoted_tag(xml_tag_name_at(document->text(), *scan.too_deep_at)) +
                               " is nested deeper than the limit of " + std::to_string(limits.max_depth) + " levels",
                           location_at(*document, *scan.too_deep_at));
        return nullptr;
    }
    // pugixml keeps its own working copy: in-situ parsing would rewrite text(), which callers
    // (hashing, XSD validation) need as it was read. Offsets stay those of text().
    auto result = document->m_dom.load_buffer(document->m_text.data(), document->m_text.size(), pugi::parse_default,
                                              pugi::encoding_utf8);
    auto error_at = result ? npos : static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
    for (const auto& problem : scan.problems)
        if (problem.offset < error_at)
            diagnostics.report(Severity::fatal, problem.rule, problem.message, location_at(*document, problem.offset));
    if (!result) {
        report_parse_error(*document, result, scan, limits.max_depth, diagnostics);
        return nullptr;
    }
    if (!scan.problems.empty()) return nullptr;
    Diagnostics name_findings;
    check_names(*document, name_findings);
    diagnostics.append(name_findings);
    if (name_findings.has_at_least(Severity::fatal)) return nullptr;
    return document;
}

} // namespace healthdoc::formats
