#include "formats/json_document.hpp"

#include "formats/line_index.hpp"
#include "formats/text_encoding.hpp"

namespace healthdoc::formats {
namespace {
struct TooDeep {
    std::size_t depth;
};
} // namespace

std::string json_text(const SourceText& source) {
    auto bytes = source.bytes();
    auto sniff = sniff_encoding(bytes);
    if (sniff.encoding == ByteEncoding::utf16le || sniff.encoding == ByteEncoding::utf16be)
        return utf16_to_utf8(bytes.substr(sniff.bom_size), sniff.encoding == ByteEncoding::utf16be).text;
    return std::string(bytes.substr(sniff.bom_size));
}

std::optional<nlohmann::json> parse_json(const SourceText& source, Diagnostics& diagnostics, const JsonLimits& limits) {
    if (source.size() > limits.max_bytes) {
        diagnostics.report(Severity::fatal, "json.limits.too-large",
                           "the document is larger than the " + std::to_string(limits.max_bytes / (1024 * 1024)) +
                               " MiB limit (--max-size)",
                           Location{source.name(), 0, 0, ""});
        return std::nullopt;
    }
    auto text = json_text(source);
    try {
        // The callback sees every value with its depth: deep nesting is refused before the
        // tree gets deep, so no later recursive walk can overflow the stack.
        nlohmann::json::parser_callback_t guard = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
            if (static_cast<std::size_t>(depth) > limits.max_depth) throw TooDeep{static_cast<std::size_t>(depth)};
            return true;
        };
        return nlohmann::json::parse(text, guard);
    } catch (const TooDeep&) {
        diagnostics.report(Severity::fatal, "json.limits.too-deep",
                           "the document nests objects and arrays deeper than " + std::to_string(limits.max_depth) +
                               " levels (--max-depth)",
                           Location{source.name(), 0, 0, ""});
    } catch (const nlohmann::json::parse_error& e) {
        auto offset = e.byte > 0 ? e.byte - 1 : 0;
        auto p = LineIndex(text).position(offset);
        diagnostics.report(Severity::fatal, "json.syntax.invalid",
                           "the document is not valid JSON from this point (RFC 8259)",
                           Location{source.name(), p.line, p.column, ""});
    } catch (const nlohmann::json::exception&) {
        diagnostics.report(Severity::fatal, "json.syntax.invalid", "the document is not valid JSON",
                           Location{source.name(), 0, 0, ""});
    }
    return std::nullopt;
}

} // namespace healthdoc::formats
