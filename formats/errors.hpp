// Failures of the tool itself (as opposed to findings about a document, which are reported
// as Diagnostics and never thrown). One small hierarchy, caught in one place in cli/.
#pragma once

#include <stdexcept>
#include <string>

namespace healthdoc {

// Base of every exception healthdoc throws on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An input that cannot be read or recognised (missing file, unreadable directory...).
class InputError : public Error {
public:
    using Error::Error;
};

// An output that cannot be written (permission, disk full...).
class OutputError : public Error {
public:
    using Error::Error;
};

// The command line or configuration asks for something impossible.
class UsageError : public Error {
public:
    using Error::Error;
};

// A network or transport failure; `http_status` is 0 when no HTTP answer was received.
class TransportError : public Error {
public:
    TransportError(const std::string& message, int http_status = 0)
        : Error(message), m_http_status(http_status) {}
    int http_status() const noexcept { return m_http_status; }

private:
    int m_http_status;
};

} // namespace healthdoc
