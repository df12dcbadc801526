#include "fhir/fhirpath/decimal.hpp"

#include "fhir/fhirpath/errors.hpp"

#include <cmath>
#include <cstdio>

namespace healthdoc::fhir::fhirpath {

namespace {

constexpr int k_max_digits = 38;

[[noreturn]] void overflow() { throw FhirPathError(ErrorKind::execution, "decimal value out of range"); }

Int128 checked_mul(Int128 a, Int128 b) {
    Int128 result = 0;
    if (__builtin_mul_overflow(a, b, &result)) overflow();
    return result;
}

Int128 checked_add(Int128 a, Int128 b) {
    Int128 result = 0;
    if (__builtin_add_overflow(a, b, &result)) overflow();
    return result;
}

// Brings both operands to the larger scale.
void align(Decimal a, Decimal b, Int128& ua, Int128& ub, int& scale) {
    scale = std::max(a.scale(), b.scale());
    ua = checked_mul(a.unscaled(), power_of_ten(scale - a.scale()));
    ub = checked_mul(b.unscaled(), power_of_ten(scale - b.scale()));
}

enum class Rounding { half_away, floor, ceil, truncate };

Decimal rescale(const Decimal& d, int scale, Rounding mode) {
    if (scale < 0) scale = 0;
    if (scale >= d.scale()) return Decimal(checked_mul(d.unscaled(), power_of_ten(scale - d.scale())), scale);
    const int drop = d.scale() - scale;
    if (drop > k_max_digits) return Decimal(0, scale);
    const Int128 divisor = power_of_ten(drop);
    Int128 quotient = d.unscaled() / divisor;
    const Int128 remainder = d.unscaled() % divisor;
    if (remainder != 0) {
        switch (mode) {
        case Rounding::half_away: {
            const Int128 twice = (remainder < 0 ? -remainder : remainder) * 2;
            if (twice >= divisor) quotient += (d.unscaled() < 0 ? -1 : 1);
            break;
        }
        case Rounding::floor:
            if (d.unscaled() < 0) quotient -= 1;
            break;
        case Rounding::ceil:
            if (d.unscaled() > 0) quotient += 1;
            break;
        case Rounding::truncate: break;
        }
    }
    return Decimal(quotient, scale);
}

} // namespace

Int128 power_of_ten(int n) {
    Int128 result = 1;
    for (int i = 0; i < n && i < k_max_digits; ++i) result *= 10;
    return result;
}

std::optional<Decimal> Decimal::parse(std::string_view text) {
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    Int128 value = 0;
    int digits = 0;
    int scale = 0;
    bool any = false;
    auto add_digit = [&](char c) {
        if (digits == 0 && c == '0') return true; // leading zeros carry no magnitude
        if (++digits > k_max_digits) return false;
        value = value * 10 + (c - '0');
        return true;
    };
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        if (!add_digit(text[i++])) return std::nullopt;
        any = true;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        bool fraction = false;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (!add_digit(text[i++])) return std::nullopt;
            ++scale;
            fraction = true;
        }
        if (!fraction) return std::nullopt;
    }
    if (!any && scale == 0) return std::nullopt;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
        int exponent = 0;
        bool exp_digits = false;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            exponent = exponent * 10 + (text[i++] - '0');
            exp_digits = true;
            if (exponent > 100) return std::nullopt;
        }
        if (!exp_digits) return std::nullopt;
        if (exp_negative) {
            scale += exponent;
        } else if (exponent <= scale) {
            scale -= exponent;
        } else {
            if (digits + exponent - scale > k_max_digits) return std::nullopt;
            value *= power_of_ten(exponent - scale);
            scale = 0;
        }
        if (scale > k_max_digits) return std::nullopt;
    }
    if (i != text.size()) return std::nullopt;
    return Decimal(negative ? -value : value, scale);
}

std::optional<Decimal> Decimal::from_double(long double value, int significant) {
    if (!std::isfinite(value)) return std::nullopt;
    if (std::fabs(value) >= 1e30L) return std::nullopt;
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%.*Le", significant - 1, value);
    auto parsed = parse(buffer);
    if (!parsed) return std::nullopt;
    Decimal result = parsed->normalized();
    if (result.m_scale > k_max_scale) result = result.round_to(k_max_scale).normalized();
    return result;
}

bool Decimal::is_integral() const noexcept {
    if (m_scale == 0) return true;
    return m_unscaled % power_of_ten(m_scale) == 0;
}

std::optional<std::int64_t> Decimal::to_int64() const noexcept {
    if (!is_integral()) return std::nullopt;
    const Int128 whole = m_unscaled / power_of_ten(m_scale);
    if (whole > INT64_MAX || whole < INT64_MIN) return std::nullopt;
    return static_cast<std::int64_t>(whole);
}

long double Decimal::to_long_double() const noexcept {
    return static_cast<long double>(m_unscaled) / std::pow(10.0L, static_cast<long double>(m_scale));
}

std::string Decimal::to_string() const {
    const bool negative = m_unscaled < 0;
    Int128 magnitude = negative ? -m_unscaled : m_unscaled;
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
        magnitude /= 10;
    } while (magnitude != 0);
    if (m_scale > 0) {
        if (static_cast<int>(digits.size()) <= m_scale)
            digits.insert(0, static_cast<std::size_t>(m_scale) - digits.size() + 1, '0');
        digits.insert(digits.size() - static_cast<std::size_t>(m_scale), ".");
    }
    return negative ? "-" + digits : digits;
}

Decimal Decimal::operator+(const Decimal& other) const {
    Int128 a = 0, b = 0;
    int scale = 0;
    align(*this, other, a, b, scale);
    return Decimal(checked_add(a, b), scale);
}

Decimal Decimal::operator-(const Decimal& other) const { return *this + (-other); }

Decimal Decimal::operator*(const Decimal& other) const {
    Decimal a = *this;
    Decimal b = other;
    Int128 product = 0;
    while (__builtin_mul_overflow(a.m_unscaled, b.m_unscaled, &product)) {
        // Drop fraction digits of the longer operand before giving up.
        if (a.m_scale >= b.m_scale && a.m_scale > 0) a = a.round_to(a.m_scale - 1);
        else if (b.m_scale > 0) b = b.round_to(b.m_scale - 1);
        else overflow();
    }
    Decimal result(product, a.m_scale + b.m_scale);
    if (result.m_scale > k_max_scale) result = result.round_to(k_max_scale);
    return result;
}

std::optional<Decimal> Decimal::divide(const Decimal& other) const {
    if (other.is_zero()) return std::nullopt;
    // Scale the dividend so that the quotient has k_division_scale + 1 fraction digits,
    // then round once.
    const int wanted = k_division_scale + 1;
    int shift = wanted + other.m_scale - m_scale;
    Int128 dividend = m_unscaled;
    Int128 divisor = other.m_unscaled;
    Int128 scaled = 0;
    while (shift > 0 && __builtin_mul_overflow(dividend, power_of_ten(shift), &scaled)) {
        divisor /= 10; // lose precision on huge operands rather than fail
        if (divisor == 0) overflow();
        --shift;
    }
    if (shift > 0) dividend = scaled;
    else if (shift < 0) divisor = checked_mul(divisor, power_of_ten(-shift));
    Decimal quotient(dividend / divisor, wanted);
    const Int128 remainder = dividend % divisor;
    if (remainder != 0 && quotient.m_unscaled == 0)
        quotient.m_unscaled = 0; // tiny result: rounding below handles it
    return quotient.round_to(k_division_scale).normalized();
}

std::optional<Decimal> Decimal::integer_divide(const Decimal& other) const {
    if (other.is_zero()) return std::nullopt;
    Int128 a = 0, b = 0;
    int scale = 0;
    align(*this, other, a, b, scale);
    return Decimal(a / b, 0);
}

std::optional<Decimal> Decimal::modulo(const Decimal& other) const {
    if (other.is_zero()) return std::nullopt;
    Int128 a = 0, b = 0;
    int scale = 0;
    align(*this, other, a, b, scale);
    return Decimal(a % b, scale);
}

Decimal Decimal::round_to(int scale) const { return rescale(*this, scale, Rounding::half_away); }
Decimal Decimal::floor_to(int scale) const { return rescale(*this, scale, Rounding::floor); }
Decimal Decimal::ceil_to(int scale) const { return rescale(*this, scale, Rounding::ceil); }
Decimal Decimal::truncate_to(int scale) const { return rescale(*this, scale, Rounding::truncate); }

Decimal Decimal::normalized() const {
    Decimal result = *this;
    while (result.m_scale > 0 && result.m_unscaled % 10 == 0) {
        result.m_unscaled /= 10;
        --result.m_scale;
    }
    return result;
}

int Decimal::compare(const Decimal& a, const Decimal& b) {
    const Decimal na = a.normalized();
    const Decimal nb = b.normalized();
    Int128 ua = 0, ub = 0;
    int scale = 0;
    Int128 scaled = 0;
    // Compare without overflow: if aligning overflows, the magnitudes already differ.
    scale = std::max(na.m_scale, nb.m_scale);
    if (__builtin_mul_overflow(na.m_unscaled, power_of_ten(scale - na.m_scale), &scaled)) {
        return na.m_unscaled < 0 ? -1 : 1;
    }
    ua = scaled;
    if (__builtin_mul_overflow(nb.m_unscaled, power_of_ten(scale - nb.m_scale), &scaled)) {
        return nb.m_unscaled < 0 ? 1 : -1;
    }
    ub = scaled;
    return ua < ub ? -1 : (ua > ub ? 1 : 0);
}

} // namespace healthdoc::fhir::fhirpath
