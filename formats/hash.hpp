// Cryptographic digests of document bytes (OpenSSL), as IHE metadata needs them.
#pragma once

#include <string>
#include <string_view>

namespace healthdoc::formats {

// Lower-case hexadecimal SHA-1 of `bytes` (XDS hash slot).
std::string sha1_hex(std::string_view bytes);
// Raw 20-byte SHA-1 of `bytes` (FHIR Attachment.hash is its base64).
std::string sha1_raw(std::string_view bytes);
// Lower-case hexadecimal SHA-256 of `bytes` (ledger keys).
std::string sha256_hex(std::string_view bytes);

} // namespace healthdoc::formats
