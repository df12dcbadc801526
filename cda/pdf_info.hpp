// What a PDF says about itself that a CDA N1 document cares about: whether its XMP metadata
// declares PDF/A conformance (the DMP expects PDF/A-1). Reads bytes only; never renders.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::cda {

// The PDF/A claim of an XMP packet: pdfaid:part ("1", "2"...) and pdfaid:conformance ("A",
// "B", "U"; empty when not given).
struct PdfaClaim {
    std::string part, conformance;
};

// Looks for an XMP packet in `pdf` that declares PDF/A conformance: pdfaid:part (namespace
// http://www.aiim.org/pdfa/ns/id/, any prefix) written as an attribute of rdf:Description or as
// an element. PDF/A forbids compressing the metadata stream, so only plain packets are read.
// std::nullopt when no packet declares it. Never throws; malformed packets are skipped.
std::optional<PdfaClaim> find_pdfa_claim(std::string_view pdf);

} // namespace healthdoc::cda
