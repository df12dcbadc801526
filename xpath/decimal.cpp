// Fixed-point decimal arithmetic on a 128-bit mantissa; see decimal.hpp for why.
#include "xpath/decimal.hpp"

#include "xpath/xpath.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace healthdoc::xpath {
namespace {

constexpr int k_max_division_scale = 18;
constexpr int k_max_scale = 36;
constexpr int128 k_int128_max = ((static_cast<int128>(1) << 126) - 1) + (static_cast<int128>(1) << 126);

[[noreturn]] void overflow() { throw Error("FOAR0002", "xs:decimal overflow"); }

int128 pow10(int n) {
    int128 r = 1;
    for (int i = 0; i < n; ++i) r *= 10;
    return r;
}

int128 checked_mul(int128 a, int128 b) {
    int128 r;
    if (__builtin_mul_overflow(a, b, &r)) overflow();
    return r;
}

int128 checked_add(int128 a, int128 b) {
    int128 r;
    if (__builtin_add_overflow(a, b, &r)) overflow();
    return r;
}

// Brings a and b to the same scale (the larger one).
void align(int128& a, int& sa, int128& b, int& sb) {
    if (sa < sb) {
        a = checked_mul(a, pow10(sb - sa));
        sa = sb;
    } else if (sb < sa) {
        b = checked_mul(b, pow10(sa - sb));
        sb = sa;
    }
}

std::string int128_to_string(int128 v) {
    if (v == 0) return "0";
    bool negative = v < 0;
    std::string digits;
    while (v != 0) {
        int d = static_cast<int>(v % 10);
        digits.push_back(static_cast<char>('0' + (d < 0 ? -d : d)));
        v /= 10;
    }
    if (negative) digits.push_back('-');
    return {digits.rbegin(), digits.rend()};
}

} // namespace

std::optional<Decimal> Decimal::parse(std::string_view text) {
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    int128 mantissa = 0;
    int scale = 0;
    bool digits = false, dot = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        digits = true;
        if (mantissa > k_int128_max / 100) {
            // Past 37 digits: ignore further fraction digits, refuse more integer digits.
            if (dot) continue;
            return std::nullopt;
        }
        mantissa = mantissa * 10 + (c - '0');
        if (dot) ++scale;
    }
    if (!digits) return std::nullopt;
    return Decimal(negative ? -mantissa : mantissa, scale).normalized();
}

std::optional<Decimal> Decimal::from_double(double value, bool as_float) {
    if (!std::isfinite(value) || std::fabs(value) > 1e36) return std::nullopt;
    // Shortest decimal form that reads back as the same double (or float).
    char buffer[64];
    for (int digits = 1; digits <= 17; ++digits) {
        std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
        double back = std::strtod(buffer, nullptr);
        if (as_float ? static_cast<float>(back) == static_cast<float>(value) : back == value) break;
    }
    std::string s = buffer;
    auto e = s.find('e');
    if (e == std::string::npos) return parse(s);
    // Scientific form: shift the decimal point by the exponent.
    int exponent = std::stoi(s.substr(e + 1));
    auto base = parse(s.substr(0, e));
    if (!base) return std::nullopt;
    Decimal d = *base;
    if (exponent >= 0) return Decimal(checked_mul(d.m_mantissa, pow10(exponent)), d.m_scale).normalized();
    int scale = d.m_scale - exponent;
    int128 m = d.m_mantissa;
    while (scale > k_max_scale) {
        m /= 10;
        --scale;
    }
    return Decimal(m, scale).normalized();
}

Decimal Decimal::normalized() const {
    int128 m = m_mantissa;
    int s = m_scale;
    while (s > 0 && m % 10 == 0) {
        m /= 10;
        --s;
    }
    return Decimal(m, s);
}

std::string Decimal::to_string() const {
    Decimal n = normalized();
    std::string digits = int128_to_string(n.m_mantissa < 0 ? -n.m_mantissa : n.m_mantissa);
    if (n.m_scale > 0) {
        if (static_cast<int>(digits.size()) <= n.m_scale)
            digits.insert(0, std::string(static_cast<std::size_t>(n.m_scale) - digits.size() + 1, '0'));
        digits.insert(digits.size() - static_cast<std::size_t>(n.m_scale), ".");
    }
    return n.m_mantissa < 0 ? "-" + digits : digits;
}

double Decimal::to_double() const { return std::strtod(to_string().c_str(), nullptr); }

std::optional<std::int64_t> Decimal::to_int64() const {
    int128 v = m_mantissa / pow10(m_scale);
    if (v > std::numeric_limits<std::int64_t>::max() || v < std::numeric_limits<std::int64_t>::min())
        return std::nullopt;
    return static_cast<std::int64_t>(v);
}

Decimal Decimal::operator+(const Decimal& other) const {
    int128 a = m_mantissa, b = other.m_mantissa;
    int sa = m_scale, sb = other.m_scale;
    align(a, sa, b, sb);
    return Decimal(checked_add(a, b), sa).normalized();
}

Decimal Decimal::operator-(const Decimal& other) const { return *this + other.negate(); }

Decimal Decimal::operator*(const Decimal& other) const {
    int128 a = m_mantissa, b = other.m_mantissa;
    int scale = m_scale + other.m_scale;
    int128 r;
    // Drop least significant fraction digits until the product fits (rounding toward zero).
    while (__builtin_mul_overflow(a, b, &r)) {
        if (scale == 0) overflow();
        if (a % 10 == 0 || (b % 10 != 0 && (a > b ? a : -a) > (b > 0 ? b : -b)))
            a /= 10;
        else
            b /= 10;
        --scale;
    }
    while (scale > k_max_scale) {
        r /= 10;
        --scale;
    }
    return Decimal(r, scale).normalized();
}

Decimal Decimal::operator/(const Decimal& other) const {
    if (other.m_mantissa == 0) throw Error("FOAR0001", "decimal division by zero");
    int128 a = m_mantissa, b = other.m_mantissa;
    int scale = m_scale - other.m_scale;
    // Long division: integer part, then up to k_max_division_scale fraction digits.
    bool negative = (a < 0) != (b < 0);
    if (a < 0) a = -a;
    if (b < 0) b = -b;
    int128 q = a / b, r = a % b;
    int digits = 0;
    while (r != 0 && digits < k_max_division_scale + (scale < 0 ? -scale : 0)) {
        if (q > k_int128_max / 10) break;
        if (r > k_int128_max / 10) {
            // Keep the remainder in range by scaling the divisor down (loses far digits only).
            b /= 10;
            r /= 10;
            if (b == 0) break;
        }
        r *= 10;
        q = q * 10 + r / b;
        r %= b;
        ++digits;
    }
    scale += digits;
    while (scale < 0) {
        q = checked_mul(q, 10);
        ++scale;
    }
    return Decimal(negative ? -q : q, scale).normalized();
}

Decimal Decimal::floor() const {
    int128 p = pow10(m_scale);
    int128 q = m_mantissa / p;
    if (m_mantissa % p != 0 && m_mantissa < 0) --q;
    return Decimal(q, 0);
}

Decimal Decimal::ceiling() const {
    int128 p = pow10(m_scale);
    int128 q = m_mantissa / p;
    if (m_mantissa % p != 0 && m_mantissa > 0) ++q;
    return Decimal(q, 0);
}

Decimal Decimal::round() const { return (*this + Decimal(5, 1)).floor(); }

Decimal Decimal::round_half_even(int precision) const {
    if (precision >= m_scale) return *this;
    int drop = m_scale - precision;
    int128 p = pow10(drop);
    int128 q = m_mantissa / p, r = m_mantissa % p;
    int128 half = p / 2;
    int128 ar = r < 0 ? -r : r;
    if (ar > half || (ar == half && q % 2 != 0)) q += m_mantissa < 0 ? -1 : 1;
    if (precision >= 0) return Decimal(q, precision).normalized();
    return Decimal(checked_mul(q, pow10(-precision)), 0);
}

int Decimal::compare(const Decimal& other) const {
    int128 a = m_mantissa, b = other.m_mantissa;
    int sa = m_scale, sb = other.m_scale;
    try {
        align(a, sa, b, sb);
    } catch (const Error&) {
        double x = to_double(), y = other.to_double();
        return x < y ? -1 : x > y ? 1 : 0;
    }
    return a < b ? -1 : a > b ? 1 : 0;
}

bool Decimal::is_integer() const { return m_mantissa % pow10(m_scale) == 0; }

} // namespace healthdoc::xpath
