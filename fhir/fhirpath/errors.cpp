#include "fhir/fhirpath/errors.hpp"

namespace healthdoc::fhir::fhirpath {

const char* to_string(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::syntax: return "syntax";
    case ErrorKind::semantic: return "semantic";
    case ErrorKind::execution: return "execution";
    }
    return "execution";
}

static std::string with_position(const std::string& message, std::size_t position) {
    std::string text = message;
    if (position != std::string::npos) {
        text.append(" (at character ");
        text.append(std::to_string(position + 1));
        text.push_back(')');
    }
    return text;
}

FhirPathError::FhirPathError(ErrorKind kind, const std::string& message, std::size_t position)
    : Error(with_position(message, position)), m_kind(kind), m_position(position) {}

} // namespace healthdoc::fhir::fhirpath
