#include "fhir/xml_narrative.hpp"

#include <cctype>
#include <sstream>

namespace healthdoc::fhir {

namespace {

using formats::XmlDocument;

constexpr std::size_t npos = std::string_view::npos;

bool starts_with_at(std::string_view text, std::size_t offset, std::string_view prefix) {
    return text.compare(offset, prefix.size(), prefix) == 0;
}

std::size_t after(std::string_view text, std::size_t from, std::string_view terminator) {
    const auto found = text.find(terminator, from);
    return found == npos ? npos : found + terminator.size();
}

// The offset just past the end of the element whose "<" is at `start`, in well-formed `text`;
// npos when the text ends first.
std::size_t element_end(std::string_view text, std::size_t start) {
    std::size_t depth = 0;
    std::size_t i = start;
    while (i < text.size()) {
        if (text[i] != '<') {
            i = text.find('<', i);
            if (i == npos) return npos;
            continue;
        }
        if (starts_with_at(text, i, "<!--")) {
            i = after(text, i + 4, "-->");
        } else if (starts_with_at(text, i, "<![CDATA[")) {
            i = after(text, i + 9, "]]>");
        } else if (starts_with_at(text, i, "<?")) {
            i = after(text, i + 2, "?>");
        } else if (starts_with_at(text, i, "</")) {
            i = after(text, i + 2, ">");
            if (depth <= 1) return i;
            --depth;
        } else {
            char quote = 0;
            std::size_t j = i + 1;
            for (; j < text.size(); ++j) {
                const char c = text[j];
                if (quote) {
                    if (c == quote) quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    break;
                }
            }
            if (j >= text.size()) return npos;
            const bool empty_element = text[j - 1] == '/';
            if (empty_element && depth == 0) return j + 1;
            if (!empty_element) ++depth;
            i = j + 1;
        }
        if (i == npos) return npos;
    }
    return npos;
}

// Copies the names of `original`'s xhtml elements without their prefix into `copy` (a copy of
// `original`), and drops the declarations of prefixes bound to xhtml.
void drop_xhtml_prefixes(const pugi::xml_node& original, pugi::xml_node copy, int depth) {
    if (depth > 512) return;
    if (XmlDocument::namespace_uri(original) == k_xhtml_namespace)
        copy.set_name(std::string(XmlDocument::local_name(original.name())).c_str());
    for (pugi::xml_attribute attribute = copy.first_attribute(); attribute;) {
        pugi::xml_attribute next = attribute.next_attribute();
        std::string_view name = attribute.name();
        if (name.substr(0, 6) == "xmlns:" && attribute.value() == k_xhtml_namespace) copy.remove_attribute(attribute);
        attribute = next;
    }
    pugi::xml_node copied_child = copy.first_child();
    for (pugi::xml_node child = original.first_child(); child && copied_child;
         child = child.next_sibling(), copied_child = copied_child.next_sibling())
        if (child.type() == pugi::node_element) drop_xhtml_prefixes(child, copied_child, depth + 1);
}

bool is_allowed_reference(std::string_view text, std::size_t ampersand) {
    const auto semicolon = text.find(';', ampersand);
    if (semicolon == npos) return false;
    const std::string_view name = text.substr(ampersand + 1, semicolon - ampersand - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
    if (name.size() < 2 || name[0] != '#') return false;
    const bool hex = name[1] == 'x';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return false;
    for (char c : digits)
        if (!(hex ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c))))
            return false;
    return true;
}

} // namespace

std::string narrative_json_text(const XmlDocument& xml, const pugi::xml_node& div) {
    const std::string_view text = xml.text();
    const auto name_offset = div.offset_debug();
    const bool declares_xhtml =
        std::string_view(div.name()) == "div" && std::string_view(div.attribute("xmlns").value()) == k_xhtml_namespace;
    if (declares_xhtml && name_offset > 0 && static_cast<std::size_t>(name_offset) <= text.size() &&
        text[static_cast<std::size_t>(name_offset) - 1] == '<') {
        const auto start = static_cast<std::size_t>(name_offset) - 1;
        const auto end = element_end(text, start);
        if (end != npos) return std::string(text.substr(start, end - start));
    }
    pugi::xml_document copy;
    pugi::xml_node root = copy.append_copy(div);
    drop_xhtml_prefixes(div, root, 0);
    if (XmlDocument::namespace_uri(div) == k_xhtml_namespace) {
        root.remove_attribute("xmlns");
        root.prepend_attribute("xmlns").set_value(std::string(k_xhtml_namespace).c_str());
    }
    std::ostringstream out;
    root.print(out, "", pugi::format_raw);
    return out.str();
}

bool is_embeddable_xhtml(std::string_view div) {
    if (div.find("<!DOCTYPE") != npos || div.find("<!ENTITY") != npos) return false;
    for (auto ampersand = div.find('&'); ampersand != npos; ampersand = div.find('&', ampersand + 1))
        if (!is_allowed_reference(div, ampersand)) return false;
    pugi::xml_document parsed;
    if (!parsed.load_buffer(div.data(), div.size(), pugi::parse_default, pugi::encoding_utf8)) return false;
    std::size_t elements = 0;
    for (pugi::xml_node node = parsed.first_child(); node; node = node.next_sibling()) {
        if (node.type() == pugi::node_element) ++elements;
        if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) return false;
    }
    return elements == 1;
}

} // namespace healthdoc::fhir
