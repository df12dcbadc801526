// FHIRPath Decimal: an exact decimal number (128-bit unscaled value and a count of fraction
// digits) that keeps the precision it was written with ("1.50" has scale 2), as the FHIR
// decimal type and the FHIRPath equivalence (~) and boundary functions require.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::fhir::fhirpath {

__extension__ typedef __int128 Int128;

class Decimal {
public:
    // The largest scale kept; results of division and transcendental functions are rounded to it.
    static constexpr int k_max_scale = 28;
    // Fraction digits of a division result before trailing zeros are dropped.
    static constexpr int k_division_scale = 8;

    Decimal() = default;
    Decimal(Int128 unscaled, int scale) : m_unscaled(unscaled), m_scale(scale) {}

    // Parses "-12.340", "1e3" (exponent folded into the scale); std::nullopt when not a decimal
    // or out of range. Leading '+' is accepted.
    static std::optional<Decimal> parse(std::string_view text);
    static Decimal from_integer(std::int64_t value) { return Decimal(value, 0); }
    // Rounds `value` to `significant` digits; std::nullopt for NaN, infinity or overflow.
    static std::optional<Decimal> from_double(long double value, int significant = 15);

    Int128 unscaled() const noexcept { return m_unscaled; }
    int scale() const noexcept { return m_scale; }
    bool is_negative() const noexcept { return m_unscaled < 0; }
    bool is_zero() const noexcept { return m_unscaled == 0; }
    // True when the value has no non-zero fraction digit.
    bool is_integral() const noexcept;
    // The value as an integer when integral and within int64; std::nullopt otherwise.
    std::optional<std::int64_t> to_int64() const noexcept;
    long double to_long_double() const noexcept;

    // Text with exactly scale() fraction digits ("1.50", "-0.5", "12").
    std::string to_string() const;

    // Exact arithmetic; throws FhirPathError(execution) on overflow.
    Decimal operator+(const Decimal& other) const;
    Decimal operator-(const Decimal& other) const;
    Decimal operator*(const Decimal& other) const;
    Decimal operator-() const { return Decimal(-m_unscaled, m_scale); }
    // Division rounded to k_division_scale digits (trailing zeros dropped); nullopt on /0.
    std::optional<Decimal> divide(const Decimal& other) const;
    // Truncated integer division and its remainder (FHIRPath div and mod); nullopt on /0.
    std::optional<Decimal> integer_divide(const Decimal& other) const;
    std::optional<Decimal> modulo(const Decimal& other) const;

    // Same value with `scale` fraction digits: rounded half away from zero when reducing.
    Decimal round_to(int scale) const;
    // Same value with `scale` fraction digits, rounded toward -infinity / +infinity / zero.
    Decimal floor_to(int scale) const;
    Decimal ceil_to(int scale) const;
    Decimal truncate_to(int scale) const;
    // Same value without trailing fraction zeros.
    Decimal normalized() const;
    Decimal abs() const { return m_unscaled < 0 ? -*this : *this; }

    // -1, 0, 1 by value (1.10 equals 1.1).
    static int compare(const Decimal& a, const Decimal& b);

private:
    Int128 m_unscaled = 0;
    int m_scale = 0;
};

// 10^n for 0 <= n <= 38.
Int128 power_of_ten(int n);

} // namespace healthdoc::fhir::fhirpath
