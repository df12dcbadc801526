// A FHIR document Bundle (type document) prepared for sending like a CDA document (IHE MHD
// "FHIR Document Publish" option): its header read from the Composition, its XDS metadata mapped
// from that header, the document itself kept as written.
#pragma once

#include "formats/diagnostic.hpp"
#include "formats/source_text.hpp"
#include "push/transport.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace healthdoc::push {

// Prepares the FHIR document `bundle`, parsed from `source` (FHIR JSON, or FHIR XML converted
// to `bundle`). `bytes` are the source's bytes (what XDS.b sends and the hash covers);
// `fhir_document` the JSON text MHD embeds (the source text itself for JSON, so decimals and
// everything else travel as written). std::nullopt after a fatal finding.
// The settings' facility type and practice setting stand in for those the document lacks.
std::optional<PreparedDocument> prepare_fhir_document(const formats::SourceText& source, const nlohmann::json& bundle,
                                                      formats::Diagnostics& out,
                                                      const TransportSettings& settings = {});

} // namespace healthdoc::push
