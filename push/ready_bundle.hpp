// A ready ITI-65 transaction Bundle given as input to push: checked (one SubmissionSet List,
// DocumentReferences whose attachment.url resolves to a Binary entry, size and hash matching
// the content) and then sent as it is, over MHD only.
#pragma once

#include "formats/diagnostic.hpp"
#include "formats/source_text.hpp"
#include "push/transport.hpp"

#include <optional>

namespace healthdoc::push {

// Reads `source` (FHIR JSON) as a ready ITI-65 Bundle. The prepared document's `payload` is the
// bundle text, `bytes` the first document's content and `entry.unique_id` its
// masterIdentifier, so that the ledger and the ITI-67 look-up work as for a CDA document.
// std::nullopt after fatal or error findings (rule push.bundle.*).
std::optional<PreparedDocument> prepare_ready_bundle(const formats::SourceText& source, formats::Diagnostics& out);

// Reads FHIR JSON or XML input: a document Bundle is prepared with prepare_fhir_document, any
// other Bundle as a ready ITI-65 Bundle. FHIR XML needs the core package in the package cache.
std::optional<PreparedDocument> prepare_fhir_input(const formats::SourceText& source, formats::Diagnostics& out,
                                                   const TransportSettings& settings = {});

} // namespace healthdoc::push
