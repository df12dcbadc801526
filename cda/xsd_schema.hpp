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
    // Compiles the schema at `path` (its includes and imports must be local files). Throws
    // UsageError naming the file and libxml2's first complaint when it cannot be compiled.
    static std::unique_ptr<XsdSchema> load(const std::filesystem::path& path);
    ~XsdSchema();
    XsdSchema(const XsdSchema&) = delete;
    XsdSchema& operator=(const XsdSchema&) = delete;

    // Validates the element `root` of `document` (the document element, or the
    // ClinicalDocument inside an auto-presentable stylesheet) and reports each schema violation
    // as a `cda.schema.*` error located at the offending element. Thread-safe.
    void validate(const formats::XmlDocument& document, const pugi::xml_node& root, formats::Diagnostics& out) const;

    const std::filesystem::path& path() const noexcept { return m_path; }

private:
    XsdSchema() = default;
    std::filesystem::path m_path;
    void* m_schema = nullptr; // xmlSchemaPtr; libxml2 types stay out of this header
};

} // namespace healthdoc::cda
