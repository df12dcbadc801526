// Base64 (RFC 4648, standard alphabet, padded), for CDA nonXMLBody and FHIR Binary content.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::formats {

std::string base64_encode(std::string_view bytes);
// Decodes, ignoring ASCII white space; std::nullopt on any other invalid character or length.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace healthdoc::formats
