// What a sandbox handler answers, independent of the HTTP library, plus the FHIR answers
// every handler shares (OperationOutcome). Keeps the handlers testable without sockets.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace healthdoc::sandbox {

// One HTTP answer: status, Content-Type, body and extra headers.
struct HttpAnswer {
    int status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// Query parameters as the HTTP library hands them (name -> value, repeated names kept).
using QueryParams = std::multimap<std::string, std::string>;

// Content types the sandbox answers with.
inline constexpr const char* k_fhir_json = "application/fhir+json";
inline constexpr const char* k_soap_xml = "application/soap+xml";

// One problem found in a request: FHIR issue code ("structure", "required", "value",
// "duplicate", "not-found", "not-supported", "security", "exception", "throttled"...), the
// element path it concerns ("Bundle.entry[2].resource.content[0].attachment.hash"; may be
// empty), a one-sentence message, and optionally an IHE error code ("XDSNonIdenticalHash").
struct Problem {
    std::string code;
    std::string path;
    std::string message;
    std::string ihe_code;
};

// An `status` answer carrying a FHIR OperationOutcome with one error issue per problem
// (severity error, code, diagnostics = message, expression = path, details.text = IHE code).
HttpAnswer operation_outcome(int status, const std::vector<Problem>& problems);
// Shorthand for a single problem.
HttpAnswer operation_outcome(int status, const std::string& code, const std::string& path,
                             const std::string& message);

// The media type of a Content-Type header value: lower-cased, parameters and blanks removed.
std::string media_type(const std::string& content_type);

} // namespace healthdoc::sandbox
