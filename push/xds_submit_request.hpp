// The ITI-41 ProvideAndRegisterDocumentSetRequest for one CDA document: an ebRIM 3.0
// SubmitObjectsRequest (the submission set RegistryPackage, the DocumentEntry ExtrinsicObject
// with its slots, classifications and external identifiers, the HasMember association, and an
// RPLC association when the document replaces another) followed by the Document itself, as
// IHE ITI TF-3 4.2 and the CI-SIS/DMP mapping describe them.
#pragma once

#include "cda/xds_metadata.hpp"
#include "formats/diagnostic.hpp"

#include <string>

namespace healthdoc::push {

struct XdsSubmissionOptions {
    std::string source_id;                // XDSSubmissionSet.sourceId (OID), required
    cda::XdsCode content_type_code;       // XDSSubmissionSet.contentTypeCode (JDV_J59), required
    std::string submission_set_unique_id; // an OID; a fresh one under 2.25 when empty
    std::string replaced_entry_uuid;      // the replaced DocumentEntry's entryUUID, for the RPLC association
    std::string submission_time;          // XDS DTM (UTC); now when empty
};

// How the Document element carries the bytes: inline base64 (a standalone payload, `convert
// --to xds`) or an xop:Include of the MIME part `content_id` (MTOM, what `push` sends).
struct XdsDocumentContent {
    std::string bytes;      // the document, for inline base64
    std::string content_id; // when set, an xop:Include href="cid:<content_id>" instead
};

// The ProvideAndRegisterDocumentSetRequest element as XML text (no XML declaration). Missing
// required metadata is reported as `push.xds.missing-<attribute>` errors and never guessed;
// the text is returned anyway so that it can be inspected. Never throws for bad input.
std::string build_provide_and_register(const cda::XdsDocumentEntry& entry, const XdsSubmissionOptions& options,
                                       const XdsDocumentContent& content, formats::Diagnostics& out);

} // namespace healthdoc::push
