// MIME multipart/related reading (RFC 2387) for SOAP MTOM/XOP messages (XOP 1.0): the
// envelope is the root part and documents travel as binary parts named by Content-ID.
// Shared by the XDS.b client (reading MTOM answers) and the sandbox (reading ITI-41 requests).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace healthdoc::push {

// One MIME part: its headers (names lower-cased), Content-ID without angle brackets, and bytes.
struct MimePart {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string content_id;
    std::string content_type;
    std::string body;
};

// A parsed multipart/related body; `root` indexes the start part (the `start` parameter's
// Content-ID, else the first part).
struct MultipartRelated {
    std::vector<MimePart> parts;
    std::size_t root = 0;

    // The part whose Content-ID equals `cid` (a "cid:" URL, percent-encoded per RFC 2392, or a
    // bare id), or nullptr.
    const MimePart* find(const std::string& cid) const;
};

// The value of parameter `name` in a header value such as
// `multipart/related; boundary="b"; type="application/xop+xml"` (quotes removed, name compared
// without case); "" when absent.
std::string header_parameter(const std::string& header_value, const std::string& name);

// Splits `body` per the boundary of `content_type`. std::nullopt with `error` set (one sentence)
// when there is no boundary, no delimiter, no part, or the closing delimiter is missing.
// Accepts CRLF (as RFC 2046 requires) and bare LF line ends. Never throws on bad input.
std::optional<MultipartRelated> parse_multipart_related(const std::string& content_type, const std::string& body,
                                                        std::string& error);

} // namespace healthdoc::push
