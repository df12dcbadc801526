// XML parsing with positions and hostile-input defences, on top of pugixml.
// Knows nothing of CDA or FHIR: only XML, namespaces, and where each node came from.
#pragma once

#include "formats/diagnostic.hpp"
#include "formats/line_index.hpp"
#include "formats/source_text.hpp"

#include <pugixml.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace healthdoc::formats {

// Limits against hostile or accidental huge input; defaults are generous for real documents.
struct XmlLimits {
    std::size_t max_bytes = std::size_t{256} * 1024 * 1024;
    std::size_t max_depth = 256;
};

// A parsed XML document that remembers its UTF-8 text, so every node maps back to line:col.
class XmlDocument {
public:
    const pugi::xml_document& dom() const noexcept { return m_dom; }
    pugi::xml_node root() const noexcept { return m_dom.document_element(); }
    // The UTF-8 text that was parsed (after BOM removal or UTF-16 transcoding).
    std::string_view text() const noexcept { return m_text; }
    const std::string& file() const noexcept { return m_file; }

    // Location (file, line, column, XPath) of an element or attribute of this document.
    Location location_of(const pugi::xml_node& node) const;
    Location location_of(const pugi::xml_node& owner, const pugi::xml_attribute& attribute) const;
    // Position of a byte offset of text().
    TextPosition position(std::size_t offset) const { return m_lines.position(offset); }

    // Namespace URI of an element (resolved through the xmlns declarations in scope), "" if none.
    static std::string namespace_uri(const pugi::xml_node& element);
    // Local name of an element or attribute (the part after a prefix).
    static std::string_view local_name(const char* qualified_name);

    // Unique XPath of an element with namespace-neutral steps and positions, e.g.
    // /ClinicalDocument/recordTarget[1]/patientRole/id[2]. Positions are given where an element
    // has same-named siblings (always 1-based).
    static std::string xpath_of(const pugi::xml_node& element);

private:
    friend std::unique_ptr<XmlDocument> parse_xml(const SourceText&, Diagnostics&, const XmlLimits&);
    XmlDocument(std::string file, std::string text);

    std::string m_file;
    std::string m_text;
    LineIndex m_lines;
    pugi::xml_document m_dom;
};

// Parses `source` as XML. Returns nullptr after reporting a `fatal` diagnostic with line:col
// when the input is not well-formed, not UTF-8/UTF-16, over the limits, or declares a DOCTYPE
// (entity declarations and external references are refused, never expanded or fetched).
// Rule ids: xml.syntax.*, xml.encoding.*, xml.security.*, xml.limits.*.
std::unique_ptr<XmlDocument> parse_xml(const SourceText& source, Diagnostics& diagnostics,
                                       const XmlLimits& limits = {});

} // namespace healthdoc::formats
