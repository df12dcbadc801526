// FHIRPath Quantity: a Decimal and a unit, either a UCUM code ('mg', 'wk', '[lb_av]') or a
// calendar duration keyword (year, month, week, day, hour, minute, second, millisecond).
// A small UCUM model (prefixes, the common atoms, products, quotients and exponents)
// converts between comparable units; calendar years and months do not convert to UCUM 'a'
// and 'mo' (FHIRPath 5.6.? "Calendar durations").
#pragma once

#include "fhir/fhirpath/decimal.hpp"
#include "fhir/fhirpath/temporal.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::fhir::fhirpath {

struct Quantity {
    Decimal value;
    std::string unit = "1"; // UCUM code or calendar keyword as written ("days" stays "days")

    // "1 'wk'", "4 days", "1 '1'".
    std::string to_string() const;
};

// The singular calendar keyword ("day" for "days"); std::nullopt when `unit` is not one.
std::optional<std::string> calendar_keyword(std::string_view unit);

// The unit of date arithmetic for `unit`: calendar keywords and the UCUM codes d, wk, h, min,
// s, ms; std::nullopt for anything else (UCUM 'a' and 'mo' are not calendar durations).
std::optional<CalendarUnit> arithmetic_unit(std::string_view unit);

// True when the two units measure the same dimension and can be converted.
bool units_comparable(std::string_view a, std::string_view b);

// `q` expressed in `unit`; std::nullopt when not comparable or unknown.
std::optional<Quantity> convert(const Quantity& q, std::string_view unit);

// -1/0/1 after conversion; std::nullopt when the units are not comparable.
std::optional<int> compare(const Quantity& a, const Quantity& b);
// Equality after conversion; std::nullopt when the units are not comparable.
std::optional<bool> equal(const Quantity& a, const Quantity& b);
// Equivalence: values compared at the precision of the least precise operand; false when
// not comparable.
bool equivalent(const Quantity& a, const Quantity& b);

// Products and quotients (units combined); std::nullopt when a unit is unknown or on /0.
std::optional<Quantity> multiply(const Quantity& a, const Quantity& b);
std::optional<Quantity> divide(const Quantity& a, const Quantity& b);

// Parses the toQuantity() string form: "1.5 'mg'", "4 days", "10" (unit '1'); std::nullopt
// when malformed (an unquoted UCUM code such as "1 wk" is malformed).
std::optional<Quantity> parse_quantity(std::string_view text);

} // namespace healthdoc::fhir::fhirpath
