// Where each XDS document-entry attribute is read from, for the messages that say it is
// missing: the same attribute comes from ClinicalDocument/title in a CDA document and from
// Composition.title in a FHIR document Bundle.
#pragma once

#include <string>
#include <string_view>

namespace healthdoc::cda {

// The kind of document a header model was read from.
enum class HeaderSource {
    cda,           // a CDA R2 ClinicalDocument
    fhir_document, // a FHIR document Bundle (Composition first)
};

// The element an XDS attribute (uniqueId, typeCode, title, patientId...) is taken from in a
// document of kind `source`, as a reader would look for it ("ClinicalDocument/title",
// "Composition.title"); a generic description for attributes no table row names.
std::string metadata_source(HeaderSource source, std::string_view attribute);

} // namespace healthdoc::cda
