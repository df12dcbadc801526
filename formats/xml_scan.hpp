// A light linear scan of XML text, run before pugixml: the defences pugixml does not offer
// (DOCTYPE refusal, the depth limit, undefined entity references it would keep as text, a second
// root, text outside the root, "--" in comments) and the open-element stack that error messages
// name. Internal to formats/ (used by xml_document.cpp); knows nothing of pugixml.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::formats {

// XML white space (XML 1.0 §2.3 S).
bool xml_is_space(char c);
// Bytes that may start / continue an XML name (ASCII rules; every non-ASCII byte accepted).
bool xml_is_name_start(char c);
bool xml_is_name_char(char c);

// The element name right after "<" or "</" at `offset` of `text`; "" when there is none.
std::string_view xml_tag_name_at(std::string_view text, std::size_t offset);

// A well-formedness problem the scan found, at a byte offset of the text.
struct ScanProblem {
    std::size_t offset;
    const char* rule; // xml.syntax.*
    std::string message;
};

// The construct the text ended inside, if it ended early.
enum class Unterminated { none, tag, comment, cdata, pi, declaration };

struct MarkupScan {
    std::optional<std::size_t> doctype_at;  // "<" of a DOCTYPE declaration (the scan stopped there)
    std::optional<std::size_t> too_deep_at; // "<" of the first element deeper than the limit (stopped there)
    std::vector<std::size_t> open;          // "<" of the elements still open where the scan stopped
    Unterminated unterminated = Unterminated::none;
    std::size_t unterminated_at = 0;   // "<" of the unterminated construct
    std::vector<ScanProblem> problems; // in text order, at most 10
};

// Scans `text` once, without recursion and never past its end. Stops at a DOCTYPE, at the first
// element nested deeper than `max_depth`, or on reaching offset `stop_at`.
MarkupScan scan_markup(std::string_view text, std::size_t max_depth, std::size_t stop_at = std::string_view::npos);

} // namespace healthdoc::formats
