// What `healthdoc inspect` says about one input: its kind, media type, size and hash, and for
// CDA and FHIR the identifying header fields. Reads only; checks only well-formedness.
#pragma once

#include "formats/report.hpp"
#include "formats/source_text.hpp"
#include "formats/xml_document.hpp"

namespace healthdoc::cda {

// Inspects `source`. The report's `details` hold "kind", "mediaType", "size", "sha1" and, when
// the content allows, "root" (XML), "document" (CDA, also inside an auto-presentable
// stylesheet: id, setId, versionNumber, code, title, effectiveTime, confidentialityCode,
// languageCode, templateIds) or "resource" (FHIR: resourceType, id, and for a Bundle its type
// and entry count). Syntax problems become diagnostics (xml.*, json.syntax.invalid); input that
// is no known format sets `unreadable` with a fatal io.detect.unknown-format. Never throws for
// bad content; patient data is never copied into the report.
formats::DocumentReport inspect_document(const formats::SourceText& source, const formats::XmlLimits& limits = {});

} // namespace healthdoc::cda
