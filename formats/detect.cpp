#include "formats/detect.hpp"

#include "formats/text_encoding.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <utility>
#include <vector>

namespace healthdoc::formats {
namespace {

constexpr auto npos = std::string_view::npos;
constexpr std::string_view k_hl7_v3 = "urn:hl7-org:v3";
constexpr std::string_view k_fhir = "http://hl7.org/fhir";
constexpr std::string_view k_xslt = "http://www.w3.org/1999/XSL/Transform";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_name_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':' ||
           c == '-' || c == '.' || u >= 0x80;
}

std::size_t skip_space(std::string_view text, std::size_t i) {
    while (i < text.size() && is_space(text[i])) ++i;
    return i;
}

bool starts_with(std::string_view text, std::size_t at, std::string_view prefix) {
    return text.substr(at, prefix.size()) == prefix;
}

// A start tag read lightly: its qualified name and the namespace declarations it carries.
struct StartTag {
    std::string_view name;
    std::vector<std::pair<std::string_view, std::string_view>> namespaces; // prefix ("" = default) -> URI

    std::optional<std::string_view> lookup(std::string_view prefix) const {
        for (const auto& [p, uri] : namespaces)
            if (p == prefix) return uri;
        return std::nullopt;
    }
};

std::string_view prefix_of(std::string_view qname) {
    auto colon = qname.find(':');
    return colon == npos ? std::string_view{} : qname.substr(0, colon);
}

std::string_view local_of(std::string_view qname) {
    auto colon = qname.find(':');
    return colon == npos ? qname : qname.substr(colon + 1);
}

// Reads the start tag whose "<" is at `at`; stops quietly at anything malformed.
StartTag read_start_tag(std::string_view text, std::size_t at) {
    StartTag tag;
    std::size_t i = at + 1;
    auto start = i;
    while (i < text.size() && is_name_char(text[i])) ++i;
    tag.name = text.substr(start, i - start);
    for (;;) {
        i = skip_space(text, i);
        if (i >= text.size() || !is_name_char(text[i])) break;
        auto name_start = i;
        while (i < text.size() && is_name_char(text[i])) ++i;
        auto name = text.substr(name_start, i - name_start);
        i = skip_space(text, i);
        if (i >= text.size() || text[i] != '=') break;
        i = skip_space(text, i + 1);
        if (i >= text.size() || (text[i] != '"' && text[i] != '\'')) break;
        auto close = text.find(text[i], i + 1);
        if (close == npos) break;
        auto value = text.substr(i + 1, close - i - 1);
        if (name == "xmlns")
            tag.namespaces.emplace_back(std::string_view{}, value);
        else if (starts_with(name, 0, "xmlns:"))
            tag.namespaces.emplace_back(name.substr(6), value);
        i = close + 1;
    }
    return tag;
}

// Skips the prolog (XML 1.0 §2.8: declaration, comments, PIs, DOCTYPE) to the root's "<".
std::optional<std::size_t> find_root(std::string_view text, std::size_t i) {
    for (;;) {
        i = skip_space(text, i);
        if (i >= text.size() || text[i] != '<') return std::nullopt;
        if (starts_with(text, i, "<?")) {
            auto end = text.find("?>", i + 2);
            if (end == npos) return std::nullopt;
            i = end + 2;
        } else if (starts_with(text, i, "<!--")) {
            auto end = text.find("-->", i + 4);
            if (end == npos) return std::nullopt;
            i = end + 3;
        } else if (starts_with(text, i, "<!DOCTYPE")) {
            // Only skipped here: parse_xml refuses it.
            int brackets = 0;
            char quote = 0;
            for (i += 9; i < text.size(); ++i) {
                char c = text[i];
                if (quote) {
                    if (c == quote) quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '[') {
                    ++brackets;
                } else if (c == ']') {
                    --brackets;
                } else if (c == '>' && brackets <= 0) {
                    break;
                }
            }
            if (i >= text.size()) return std::nullopt;
            ++i;
        } else if (i + 1 < text.size() && is_name_char(text[i + 1]) && text[i + 1] != '-' && text[i + 1] != '.') {
            return i;
        } else {
            return std::nullopt;
        }
    }
}

// ANS auto-presentable CDA: the ClinicalDocument sits inside the stylesheet (under a data
// element), so look for a start tag named ClinicalDocument whose prefix maps to urn:hl7-org:v3.
bool contains_clinical_document(std::string_view text, std::size_t from, const StartTag& root) {
    constexpr std::string_view name = "ClinicalDocument";
    for (auto k = text.find(name, from); k != npos; k = text.find(name, k + name.size())) {
        auto after = k + name.size();
        if (after >= text.size() || !(is_space(text[after]) || text[after] == '>' || text[after] == '/')) continue;
        std::size_t lt = k;
        if (k > 0 && text[k - 1] == ':') {
            lt = k - 1;
            while (lt > from && is_name_char(text[lt - 1]) && text[lt - 1] != ':') --lt;
            --lt;
        } else {
            --lt;
        }
        if (lt >= text.size() || lt < from || text[lt] != '<') continue;
        auto tag = read_start_tag(text, lt);
        auto prefix = prefix_of(tag.name);
        auto uri = tag.lookup(prefix);
        if (!uri) uri = root.lookup(prefix);
        if (uri) {
            if (*uri == k_hl7_v3) return true;
            continue;
        }
        // Declared on an intermediate ancestor: accept a declaration of that prefix anywhere.
        std::string declaration = prefix.empty() ? "xmlns=" : "xmlns:" + std::string(prefix) + "=";
        for (char quote : {'"', '\''}) {
            auto wanted = declaration + quote + std::string(k_hl7_v3) + quote;
            if (text.find(wanted, from) != npos) return true;
        }
    }
    return false;
}

std::optional<Detection> detect_xml(std::string_view text, std::size_t start) {
    auto root_at = find_root(text, start);
    if (!root_at) return std::nullopt;
    auto root = read_start_tag(text, *root_at);
    if (root.name.empty()) return std::nullopt;
    Detection d;
    d.format = Format::xml;
    d.root_name = std::string(local_of(root.name));
    d.root_namespace = std::string(root.lookup(prefix_of(root.name)).value_or(std::string_view{}));
    if (prefix_of(root.name) == "xml") d.root_namespace = "http://www.w3.org/XML/1998/namespace";
    if (d.root_namespace == k_hl7_v3 && d.root_name == "ClinicalDocument")
        d.format = Format::cda;
    else if (d.root_namespace == k_fhir)
        d.format = Format::fhir_xml;
    else if (d.root_namespace == k_xslt && (d.root_name == "stylesheet" || d.root_name == "transform") &&
             contains_clinical_document(text, *root_at + 1, root))
        d.format = Format::cda_autopresentable;
    return d;
}

// Skips one JSON string starting at the quote at `i`; returns the offset after its closing quote.
std::size_t skip_json_string(std::string_view text, std::size_t i) {
    for (++i; i < text.size(); ++i) {
        if (text[i] == '\\')
            ++i;
        else if (text[i] == '"')
            return i + 1;
    }
    return npos;
}

// Skips one JSON value at `i` without recursion; npos when the text ends first.
std::size_t skip_json_value(std::string_view text, std::size_t i) {
    if (i >= text.size()) return npos;
    if (text[i] == '"') return skip_json_string(text, i);
    if (text[i] == '{' || text[i] == '[') {
        std::size_t depth = 0;
        while (i < text.size()) {
            char c = text[i];
            if (c == '"') {
                i = skip_json_string(text, i);
                if (i == npos) return npos;
                continue;
            }
            if (c == '{' || c == '[')
                ++depth;
            else if ((c == '}' || c == ']') && --depth == 0)
                return i + 1;
            ++i;
        }
        return npos;
    }
    while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' && !is_space(text[i])) ++i;
    return i;
}

// FHIR R4 JSON §2.6.2: a resource is an object whose "resourceType" property names its type.
// Only the top-level keys are looked at, so huge narratives cost one linear skip.
std::optional<std::string> top_level_resource_type(std::string_view text, std::size_t i) {
    if (i >= text.size() || text[i] != '{') return std::nullopt;
    ++i;
    for (;;) {
        i = skip_space(text, i);
        if (i >= text.size() || text[i] != '"') return std::nullopt;
        auto key_end = skip_json_string(text, i);
        if (key_end == npos) return std::nullopt;
        auto key = text.substr(i + 1, key_end - i - 2);
        i = skip_space(text, key_end);
        if (i >= text.size() || text[i] != ':') return std::nullopt;
        i = skip_space(text, i + 1);
        if (key == "resourceType") {
            if (i >= text.size() || text[i] != '"') return std::nullopt;
            auto value_end = skip_json_string(text, i);
            if (value_end == npos) return std::nullopt;
            auto value = text.substr(i + 1, value_end - i - 2);
            if (value.empty() || value.find('\\') != npos) return std::nullopt;
            return std::string(value);
        }
        i = skip_json_value(text, i);
        if (i == npos) return std::nullopt;
        i = skip_space(text, i);
        if (i >= text.size() || text[i] != ',') return std::nullopt;
        ++i;
    }
}

bool is_plain_text(std::string_view text) {
    if (text.find('\0') != npos) return false;
    return find_invalid_utf8(text) == npos;
}

} // namespace

std::string_view to_string(Format format) {
    switch (format) {
    case Format::cda: return "cda";
    case Format::cda_autopresentable: return "cda-autopresentable";
    case Format::fhir_json: return "fhir-json";
    case Format::fhir_xml: return "fhir-xml";
    case Format::pdf: return "pdf";
    case Format::text: return "text";
    case Format::jpeg: return "jpeg";
    case Format::tiff: return "tiff";
    case Format::rtf: return "rtf";
    case Format::xml: return "xml";
    case Format::json: return "json";
    case Format::unknown: return "unknown";
    }
    return "unknown";
}

std::string_view media_type(Format format) {
    switch (format) {
    case Format::cda: return "text/xml";
    // ANS "Volet transmission de document CDA R2", mapping of mimeType: application/xslt+xml
    // for an auto-presentable CDA document.
    case Format::cda_autopresentable: return "application/xslt+xml";
    case Format::fhir_json: return "application/fhir+json";
    case Format::fhir_xml: return "application/fhir+xml";
    case Format::pdf: return "application/pdf";
    case Format::text: return "text/plain";
    case Format::jpeg: return "image/jpeg";
    case Format::tiff: return "image/tiff";
    case Format::rtf: return "text/rtf";
    case Format::xml: return "application/xml";
    case Format::json: return "application/json";
    case Format::unknown: return "application/octet-stream";
    }
    return "application/octet-stream";
}

Detection detect_format(const SourceText& source) {
    auto bytes = source.bytes();
    auto found = [](Format format) { return Detection{format, {}, {}}; };
    if (starts_with(bytes, 0, "%PDF-")) return found(Format::pdf);
    if (starts_with(bytes, 0, "\xFF\xD8\xFF")) return found(Format::jpeg);
    if (starts_with(bytes, 0, std::string_view("II*\0", 4)) || starts_with(bytes, 0, std::string_view("MM\0*", 4)))
        return found(Format::tiff);
    if (starts_with(bytes, 0, "{\\rtf")) return found(Format::rtf);

    auto sniff = sniff_encoding(bytes);
    if (sniff.encoding == ByteEncoding::utf32) return found(Format::unknown);
    bool utf16 = sniff.encoding == ByteEncoding::utf16le || sniff.encoding == ByteEncoding::utf16be;
    Transcoded decoded;
    std::string_view text = bytes.substr(sniff.bom_size);
    if (utf16) {
        decoded = utf16_to_utf8(text, sniff.encoding == ByteEncoding::utf16be);
        text = decoded.text;
    }
    auto first = skip_space(text, 0);
    if (first >= text.size()) return found(Format::unknown);
    if (text[first] == '<') {
        if (auto xml = detect_xml(text, first)) return *xml;
    } else if (text[first] == '{' || text[first] == '[') {
        if (auto type = top_level_resource_type(text, first)) return Detection{Format::fhir_json, *type, {}};
        if (nlohmann::json::accept(text.substr(first))) return found(Format::json);
    }
    if (utf16 ? decoded.error_at == npos && text.find('\0') == npos : is_plain_text(text)) return found(Format::text);
    return found(Format::unknown);
}

} // namespace healthdoc::formats
