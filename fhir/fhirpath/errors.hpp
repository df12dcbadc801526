// The one exception type of the FHIRPath engine: syntax errors (from the parser), semantic
// errors (an expression that cannot apply to the data model, e.g. an unknown element name)
// and execution errors (a singleton expected, incompatible operands, limits reached).
#pragma once

#include "formats/errors.hpp"

#include <cstddef>
#include <string>

namespace healthdoc::fhir::fhirpath {

// Which stage rejected the expression.
enum class ErrorKind { syntax, semantic, execution };

// "syntax", "semantic", "execution".
const char* to_string(ErrorKind kind);

// Thrown by parse() and evaluate(). `position` is the 0-based character offset in the
// expression text where the problem was found (std::string::npos when unknown).
class FhirPathError : public healthdoc::Error {
public:
    FhirPathError(ErrorKind kind, const std::string& message, std::size_t position = std::string::npos);
    ErrorKind kind() const noexcept { return m_kind; }
    std::size_t position() const noexcept { return m_position; }

private:
    ErrorKind m_kind;
    std::size_t m_position;
};

} // namespace healthdoc::fhir::fhirpath
