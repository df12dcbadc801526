// xs:decimal as an exact fixed-point number: a 128-bit integer mantissa and a decimal scale
// (value = mantissa / 10^scale). Chosen over long double so that 0.1 + 0.2 eq 0.3 holds and
// decimal literals round-trip exactly; 38 significant digits cover every value a health
// document carries. Results that do not fit raise FOAR0002; division keeps up to 18 fraction
// digits (the minimum the XSD spec asks implementations to support).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::xpath {

__extension__ typedef __int128 int128;

class Decimal {
public:
    Decimal() = default;
    static Decimal from_int(std::int64_t value) { return Decimal(value, 0); }
    // Parses the xs:decimal lexical form ("-1.50", "+.5", "3"); nullopt when invalid or too long.
    static std::optional<Decimal> parse(std::string_view text);
    // The shortest decimal that reads back as `value` (as a float when `as_float`); nullopt for
    // NaN, INF and magnitudes past 1e36.
    static std::optional<Decimal> from_double(double value, bool as_float = false);

    std::string to_string() const; // canonical: no trailing zeros, "1", "-0.5"
    double to_double() const;
    // Truncates toward zero; nullopt when the integer part exceeds int64.
    std::optional<std::int64_t> to_int64() const;

    // Arithmetic; these throw xpath::Error FOAR0002 on overflow and FOAR0001 on division by zero.
    Decimal operator+(const Decimal& other) const;
    Decimal operator-(const Decimal& other) const;
    Decimal operator*(const Decimal& other) const;
    Decimal operator/(const Decimal& other) const;
    Decimal negate() const { return Decimal(-m_mantissa, m_scale); }
    Decimal floor() const;
    Decimal ceiling() const;
    Decimal round() const; // half toward positive infinity (fn:round)
    Decimal round_half_even(int precision) const;
    int compare(const Decimal& other) const; // -1, 0, 1
    bool is_zero() const { return m_mantissa == 0; }
    bool is_negative() const { return m_mantissa < 0; }
    bool is_integer() const;

private:
    Decimal(int128 mantissa, int scale) : m_mantissa(mantissa), m_scale(scale) {}
    Decimal normalized() const;
    int128 m_mantissa = 0;
    int m_scale = 0;
};

} // namespace healthdoc::xpath
