#include "fhir/fhirpath/errors.hpp"

#include <sstream>

namespace healthdoc::fhir::fhirpath {

const char* to_string(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::syntax: return "syntax";
    case ErrorKind::semantic: return "semantic";
    case ErrorKind::execution: return "execution";
    }
    return "execution";
}

// Built with a stream: GCC 12 reports a false -Wrestrict on the equivalent string appends.
static std::string with_position(const std::string& message, std::size_t position) {
    std::ostringstream text;
    text << message;
    if (position != std::string::npos) text << " (at character " << position + 1 << ')';
    return text.str();
}

FhirPathError::FhirPathError(ErrorKind kind, const std::string& message, std::size_t position)
    : Error(with_position(message, position)), m_kind(kind), m_position(position) {}

} // namespace healthdoc::fhir::fhirpath
