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
    // The UTF-8 text that was parsed (after BOM removal, UTF-16 or declared ISO-8859-1/-15 or
    // windows-1252 transcoding); line:col of every node refer to it.
    std::string_view text() const noexcept { return m_text; }
    const std::string& file() const noexcept { return m_file; }

    // Location (file, line, column, XPath) of a node of this document: for an element its "<";
    // for a text node its first character and its element's path; for an attribute the owner
    // element's position and path + "/@name". Line and column are 0 for nodes not parsed from text().
    Location location_of(const pugi::xml_node& node) const;
    Location location_of(const pugi::xml_node& owner, const pugi::xml_attribute& attribute) const;
    // Position of a byte offset of text().
    TextPosition position(std::size_t offset) const { return m_lines.position(offset); }

    // Namespace URI of an element (resolved through the xmlns declarations in scope), "" if none.
    static std::string namespace_uri(const pugi::xml_node& element);
    // Local name of an element or attribute (the part after a prefix).
    static std::string_view local_name(const char* qualified_name);

    // Unique XPath of an element, each step the qualified name as written (prefixes such as
    // sdtc: kept), e.g. /ClinicalDocument/recordTarget[1]/patientRole/id[2]. A position is given
    // only where an element has same-named siblings, and then always (1-based, [1] included).
    // "" for a null or non-element node.
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
// Rule ids: xml.syntax.*, xml.encoding.*, xml.security.*, xml.limits.*. Undeclared namespace
// prefixes are reported as errors (xml.namespace.undeclared-prefix) and the document is returned.
// Never recursive: hostile nesting is refused at limits.max_depth, and deeper limits are safe.
std::unique_ptr<XmlDocument> parse_xml(const SourceText& source, Diagnostics& diagnostics,
                                       const XmlLimits& limits = {});

} // namespace healthdoc::formats
