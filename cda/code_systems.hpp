// Code systems named both ways: the OID a CDA document or XDS metadata uses and the canonical
// URL a FHIR resource uses, for the systems the PDSm and PDSM4DMP examples spell out.
#pragma once

#include <string>
#include <string_view>

namespace healthdoc::cda {

// The FHIR system URI of a code system OID: its canonical URL when known, otherwise
// "urn:oid:<oid>" (FHIR accepts that for any OID-identified system: a URL copied from a naming
// pattern would be a guess); a value that is not an OID is returned as it is, "" for "".
std::string fhir_system_of(std::string_view scheme);

// The OID of a FHIR system URI: from "urn:oid:<oid>" or a known canonical URL; the URI as it
// is when no OID is known for it.
std::string oid_of_system(std::string_view system);

// Whether `text` is an OID (digits and dots, starting with a digit).
bool is_oid_text(std::string_view text);

} // namespace healthdoc::cda
