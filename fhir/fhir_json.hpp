// A FHIR resource read from JSON or XML, in the form every FHIR part of healthdoc works on:
// the FHIR JSON tree (nlohmann::json) plus what nlohmann::json cannot hold: where each value was
// written (line:col in the JSON or XML text) and the text of each decimal as written ("1.50",
// "1e3"), so that validation messages cite the source and conversions keep precision.
#pragma once

#include "fhir/fhirpath/type_provider.hpp"
#include "formats/diagnostic.hpp"
#include "formats/json_document.hpp"
#include "formats/source_text.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace healthdoc::fhir {

struct TextPosition {
    std::uint32_t line = 0;   // 1-based; 0 = unknown
    std::uint32_t column = 0; // 1-based, in characters
};

// Side tables keyed by the address of a value inside a finished tree. Addresses of values in
// a nlohmann::json tree stay valid while the tree is neither modified nor destroyed (moving
// the root moves only the root itself), so FhirJson keeps its root in place. Lookups are
// thread-safe on a map no longer written to.
class JsonSourceMap {
public:
    void set_position(const nlohmann::json& value, TextPosition position);
    void set_decimal_text(const nlohmann::json& number, std::string text) { m_decimals[&number] = std::move(text); }
    // Where `value` starts (for an object member: its value); std::nullopt when unknown.
    std::optional<TextPosition> position(const nlohmann::json& value) const;
    // The number as written, for numbers written with a fraction or an exponent or beyond the
    // 64-bit integer range ("1.50", "1e400"); nullptr otherwise (the integer value is exact).
    const std::string* decimal_text(const nlohmann::json& number) const {
        auto found = m_decimals.find(&number);
        return found == m_decimals.end() ? nullptr : &found->second;
    }
    bool empty() const noexcept { return m_position_count == 0 && m_decimals.empty(); }

private:
    // Positions live in one open-addressing table (linear probing, at most half full): one
    // allocation per growth rather than one per value, as every value of a document is recorded.
    struct Slot {
        const nlohmann::json* value = nullptr;
        TextPosition position;
    };
    std::size_t slot_of(const nlohmann::json* value) const noexcept;
    std::vector<Slot> m_slots; // empty, or a power-of-two number of slots
    unsigned m_shift = 64;     // 64 - log2(m_slots.size())
    std::size_t m_position_count = 0;
    std::unordered_map<const nlohmann::json*, std::string> m_decimals;
};

// A parsed FHIR resource. Not movable (the side tables point into `root`): hold it by pointer.
struct FhirJson {
    nlohmann::json root;
    JsonSourceMap map;
    FhirJson() = default;
    FhirJson(const FhirJson&) = delete;
    FhirJson& operator=(const FhirJson&) = delete;
};

// Comments (// to the end of the line, /* ... */) are not JSON, but some FHIR tools write
// them (JSON5 style); the reference validator reads past them, and reports each one unless told
// to allow them.
enum class JsonComments {
    refused, // each comment is an error (fhir.json.comment); reading goes on past it
    allowed, // comments are read as whitespace
};

// Reads FHIR JSON (UTF-8, or UTF-16 with or without a BOM) with positions for every value and decimals as
// written. Problems of the JSON itself are reported with line:col and stable rule ids:
//   fatal  json.syntax.invalid, json.limits.too-large, json.limits.too-deep,
//          json.encoding.invalid-utf8 (the document cannot be read on: returns nullptr);
//   error  fhir.json.duplicate-key (the first occurrence is kept),
//          fhir.json.number-out-of-range (a number no double can hold: kept as text),
//          fhir.json.comment (a comment, unless `comments` allows them; an unclosed /* is fatal).
// Integers within 64 bits become number_integer (number_unsigned above INT64_MAX), other numbers
// number_float with their text in the map (a number too large for a double is +/-infinity, one
// too close to zero is 0). Every value has a position; array items' are recorded once the array
// is complete, so addresses in the map are final. Never throws for bad input (std::bad_alloc
// aside); never recurses; reentrant (no shared state).
std::unique_ptr<FhirJson> read_fhir_json(const formats::SourceText& source, formats::Diagnostics& diagnostics,
                                         const formats::JsonLimits& limits = {},
                                         JsonComments comments = JsonComments::refused);

// FHIR JSON text of `resource` (no final line break): two-space indentation with one value per
// line as in the specification's examples, "resourceType" first, then members in the order of
// the type's definition when `types` is given (nested resources by their own type; "_name"
// right after "name"; members the definitions do not know last, alphabetically), else
// alphabetically; decimals as written when `map` has their text, other doubles in their
// shortest form. The order comes from the snapshots of the package named by
// set_xml_element_order_source() (else the core package of the default package cache); without
// one, defined members are alphabetical too. Strings keep non-ASCII characters as UTF-8; bytes
// that are not UTF-8 become U+FFFD. Thread-safe; never recurses (any depth can be written).
std::string write_fhir_json(const nlohmann::json& resource, const JsonSourceMap* map,
                            const fhirpath::TypeProvider* types);

} // namespace healthdoc::fhir
