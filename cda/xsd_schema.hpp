// The CDA XML-schema layer: an XSD compiled once with libxml2, then used to validate many
// documents at once. No network access and no entity expansion, ever.
#pragma once

#include "formats/diagnostic.hpp"
#include "formats/xml_document.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace healthdoc::cda {

class XsdSchema {
public:
    // Compiles the schema at `path` (its includes and imports must be local files; a URL such
    // as http://... is refused, never fetched). A schema is compiled once per process: loading
    // the same unchanged file again shares the compiled form. Throws UsageError naming the file
    // and libxml2's first complaint (or the refused URL) when it cannot be compiled.
    static std::unique_ptr<XsdSchema> load(const std::filesystem::path& path);
    ~XsdSchema();
    XsdSchema(const XsdSchema&) = delete;
    XsdSchema& operator=(const XsdSchema&) = delete;

    // Validates the element `root` of `document` (the document element, or the
    // ClinicalDocument inside an auto-presentable stylesheet) and reports each schema violation
    // as a `cda.schema.*` error located at the offending element. Thread-safe.
    void validate(const formats::XmlDocument& document, const pugi::xml_node& root, formats::Diagnostics& out) const;

    // The schema file as it was named to load().
    const std::filesystem::path& path() const noexcept { return m_path; }

private:
    XsdSchema() = default;
    std::filesystem::path m_path;
    std::shared_ptr<void> m_schema; // xmlSchemaPtr, shared read-only; libxml2 types stay out of this header
};

} // namespace healthdoc::cda
