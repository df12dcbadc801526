// Identifiers healthdoc generates: random UUIDs and their OID form.
#pragma once

#include <string>
#include <string_view>

namespace healthdoc::formats {

// A random (version 4) UUID in lower-case 8-4-4-4-12 form, from OpenSSL's CSPRNG.
std::string random_uuid();
// A name-based UUID (version 5 layout, RFC 4122 section 4.3) from the SHA-1 of `name`: the
// same name always gives the same UUID, for reproducible output.
std::string name_based_uuid(std::string_view name);
// The OID form of a UUID under 2.25 (ISO/IEC 9834-8): "2.25." + the UUID as a decimal integer.
std::string uuid_to_oid(const std::string& uuid);

} // namespace healthdoc::formats
