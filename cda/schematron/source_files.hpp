// Internal to the loader: the .sch files one load reads, parsed once each, and how an
// sch:include's href names one of them. Local files only: a URL is refused, never fetched.
#pragma once

#include "formats/diagnostic.hpp"
#include "formats/xml_document.hpp"

#include <pugixml.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::cda::schematron::detail {

// One parsed .sch file.
struct SourceFile {
    std::filesystem::path path; // as reached: the top-level name, then joined include hrefs
    std::unique_ptr<formats::XmlDocument> document;

    // Where the hrefs written in this file are resolved from.
    std::filesystem::path directory() const { return path.parent_path(); }
    // file:line:col of `node` (its "<" for an element); no XPath, which costs more than it tells
    // for a schema file.
    formats::Location where(const pugi::xml_node& node) const;
};

// Files read during one load, each parsed at most once however often it is included.
class SourceFiles {
public:
    // The file at `path`, parsed; nullptr after reporting why when it cannot be read or is not
    // well-formed XML (parse_xml's own xml.* diagnostics, plus cda.schematron.unreadable).
    const SourceFile* open(const std::filesystem::path& path, formats::Diagnostics& out);
    // Every file opened successfully, in the order first opened.
    const std::vector<std::filesystem::path>& opened() const noexcept { return m_order; }

private:
    std::map<std::string, std::unique_ptr<SourceFile>> m_files; // by lexically normal path
    std::map<std::string, bool> m_failed;
    std::vector<std::filesystem::path> m_order;
};

// Where an include's href points: a local path and an optional fragment id (#id).
struct IncludeTarget {
    std::filesystem::path path;
    std::string fragment;
};

// Resolves `href` against `directory` (the including file's). A file: URI is accepted and
// percent-escapes decoded; std::nullopt for any other URI scheme (http:, ftp:...), which a
// loader must never fetch.
std::optional<IncludeTarget> resolve_href(std::string_view href, const std::filesystem::path& directory);

// An existing file whose path differs from `path` only in letter case (what a case-insensitive
// file system, such as the one the ANS kit is developed on, would open), std::nullopt when
// there is none. Never throws.
std::optional<std::filesystem::path> case_variant(const std::filesystem::path& path);

} // namespace healthdoc::cda::schematron::detail
