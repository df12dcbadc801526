#include "fhir/fhirpath/quantity.hpp"

#include <array>
#include <cctype>
#include <map>

namespace healthdoc::fhir::fhirpath {

namespace {

// Base dimensions: length, mass, time, angle, temperature, charge, luminosity, arbitrary
// (international units), calendar month (calendar years and months only).
constexpr std::size_t k_dims = 9;
using Dims = std::array<int, k_dims>;

struct Unit {
    Decimal factor;
    Dims dims{};
};

Decimal dec(std::string_view text) { return *Decimal::parse(text); }

Unit make(std::string_view factor, std::initializer_list<std::pair<int, int>> dims) {
    Unit u{dec(factor), {}};
    for (auto [index, exponent] : dims) u.dims[static_cast<std::size_t>(index)] = exponent;
    return u;
}

const std::map<std::string, Unit, std::less<>>& atoms() {
    enum { L, M, T, A, K, Q, F, ARB, CAL };
    static const std::map<std::string, Unit, std::less<>> table = {
        {"m", make("1", {{L, 1}})},
        {"g", make("1", {{M, 1}})},
        {"s", make("1", {{T, 1}})},
        {"rad", make("1", {{A, 1}})},
        {"K", make("1", {{K, 1}})},
        {"C", make("1", {{Q, 1}})},
        {"cd", make("1", {{F, 1}})},
        {"min", make("60", {{T, 1}})},
        {"h", make("3600", {{T, 1}})},
        {"d", make("86400", {{T, 1}})},
        {"wk", make("604800", {{T, 1}})},
        {"mo", make("2629800", {{T, 1}})},
        {"a", make("31557600", {{T, 1}})},
        {"l", make("0.001", {{L, 3}})},
        {"L", make("0.001", {{L, 3}})},
        {"t", make("1000000", {{M, 1}})},
        {"[lb_av]", make("453.59237", {{M, 1}})},
        {"[oz_av]", make("28.349523125", {{M, 1}})},
        {"[gr]", make("0.06479891", {{M, 1}})},
        {"[in_i]", make("0.0254", {{L, 1}})},
        {"[ft_i]", make("0.3048", {{L, 1}})},
        {"[yd_i]", make("0.9144", {{L, 1}})},
        {"[mi_i]", make("1609.344", {{L, 1}})},
        {"%", make("0.01", {})},
        {"[ppm]", make("0.000001", {})},
        {"[ppth]", make("0.001", {})},
        {"[pi]", make("3.1415926535897932384626433832795", {})},
        {"mol", make("602213670000000000000000", {})},
        {"eq", make("602213670000000000000000", {})},
        {"kat", make("602213670000000000000000", {{T, -1}})},
        {"U", make("10036894500000000", {{T, -1}})},
        {"Hz", make("1", {{T, -1}})},
        {"N", make("1000", {{M, 1}, {L, 1}, {T, -2}})},
        {"Pa", make("1000", {{M, 1}, {L, -1}, {T, -2}})},
        {"bar", make("100000000", {{M, 1}, {L, -1}, {T, -2}})},
        {"m[Hg]", make("133322000", {{M, 1}, {L, -1}, {T, -2}})},
        {"m[H2O]", make("9806650", {{M, 1}, {L, -1}, {T, -2}})},
        {"J", make("1000", {{M, 1}, {L, 2}, {T, -2}})},
        {"W", make("1000", {{M, 1}, {L, 2}, {T, -3}})},
        {"cal", make("4184", {{M, 1}, {L, 2}, {T, -2}})},
        {"A", make("1", {{Q, 1}, {T, -1}})},
        {"V", make("1000", {{M, 1}, {L, 2}, {T, -2}, {Q, -1}})},
        {"deg", make("0.017453292519943295769236907684886", {{A, 1}})},
        {"sr", make("1", {{A, 2}})},
        {"[iU]", make("1", {{ARB, 1}})},
        {"[IU]", make("1", {{ARB, 1}})},
        {"[arb'U]", make("1", {{ARB, 1}})},
        {"year", make("12", {{CAL, 1}})},
        {"month", make("1", {{CAL, 1}})},
    };
    return table;
}

const std::map<std::string, Decimal, std::less<>>& prefixes() {
    static const std::map<std::string, Decimal, std::less<>> table = {
        {"Y", dec("1e24")}, {"Z", dec("1e21")}, {"E", dec("1e18")}, {"P", dec("1e15")},
        {"T", dec("1e12")}, {"G", dec("1e9")},  {"M", dec("1e6")},  {"k", dec("1e3")},
        {"h", dec("1e2")},  {"da", dec("1e1")}, {"d", dec("1e-1")}, {"c", dec("1e-2")},
        {"m", dec("1e-3")}, {"u", dec("1e-6")}, {"n", dec("1e-9")}, {"p", dec("1e-12")},
        {"f", dec("1e-15")}, {"a", dec("1e-18")},
    };
    return table;
}

// Prefixes are not allowed on these atoms (UCUM: non-metric units).
bool metric(std::string_view atom) {
    static const char* const k_non_metric[] = {"min", "h", "d", "wk", "mo", "a", "%", "[lb_av]", "[oz_av]", "[gr]", "[in_i]", "[ft_i]", "[yd_i]", "[mi_i]", "[ppm]", "[ppth]", "[pi]", "deg", "year", "month"};
    for (const char* name : k_non_metric)
        if (atom == name) return false;
    return true;
}

class UnitParser {
public:
    explicit UnitParser(std::string_view text) : m_text(text) {}

    std::optional<Unit> parse() {
        if (m_text.empty() || m_text.size() > 200) return std::nullopt;
        auto result = term();
        if (!result || m_pos != m_text.size()) return std::nullopt;
        return result;
    }

private:
    std::optional<Unit> term() {
        Unit result{Decimal::from_integer(1), {}};
        bool divide = false;
        if (peek() == '/') {
            ++m_pos;
            divide = true;
        }
        for (;;) {
            auto component = this->component();
            if (!component) return std::nullopt;
            combine(result, *component, divide);
            if (peek() == '.') {
                ++m_pos;
                divide = false;
            } else if (peek() == '/') {
                ++m_pos;
                divide = true;
            } else {
                return result;
            }
        }
    }

    static void combine(Unit& into, const Unit& part, bool divide) {
        if (divide) {
            into.factor = into.factor.divide(part.factor).value_or(into.factor);
            for (std::size_t i = 0; i < k_dims; ++i) into.dims[i] -= part.dims[i];
        } else {
            into.factor = into.factor * part.factor;
            for (std::size_t i = 0; i < k_dims; ++i) into.dims[i] += part.dims[i];
        }
    }

    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }

    std::optional<Unit> component() {
        if (++m_depth > 20) return std::nullopt;
        std::optional<Unit> result;
        if (peek() == '(') {
            ++m_pos;
            result = term();
            if (!result || peek() != ')') return std::nullopt;
            ++m_pos;
        } else if (peek() == '{') {
            result = Unit{Decimal::from_integer(1), {}};
        } else if (std::isdigit(static_cast<unsigned char>(peek()))) {
            std::size_t start = m_pos;
            while (std::isdigit(static_cast<unsigned char>(peek()))) ++m_pos;
            auto number = Decimal::parse(m_text.substr(start, m_pos - start));
            if (!number) return std::nullopt;
            if ((peek() == '*' || peek() == '^') && m_pos - start == 2 && number->to_int64() == 10) {
                ++m_pos;
                const int exponent = read_exponent().value_or(1);
                Decimal factor = Decimal::from_integer(1);
                for (int i = 0; i < (exponent < 0 ? -exponent : exponent) && i < 30; ++i)
                    factor = exponent < 0 ? factor.divide(Decimal::from_integer(10)).value_or(factor)
                                          : factor * Decimal::from_integer(10);
                result = Unit{factor, {}};
            } else {
                result = Unit{*number, {}};
            }
        } else {
            result = simple();
            if (!result) return std::nullopt;
            if (auto exponent = read_exponent()) {
                Unit powered{Decimal::from_integer(1), {}};
                for (int i = 0; i < (*exponent < 0 ? -*exponent : *exponent) && i < 10; ++i) combine(powered, *result, *exponent < 0);
                result = powered;
            }
        }
        if (peek() == '{') { // annotations carry no meaning
            while (m_pos < m_text.size() && m_text[m_pos] != '}') ++m_pos;
            if (peek() != '}') return std::nullopt;
            ++m_pos;
        }
        --m_depth;
        return result;
    }

    std::optional<int> read_exponent() {
        std::size_t start = m_pos;
        if (peek() == '-' || peek() == '+') ++m_pos;
        if (!std::isdigit(static_cast<unsigned char>(peek()))) {
            m_pos = start;
            return std::nullopt;
        }
        int value = 0;
        while (std::isdigit(static_cast<unsigned char>(peek()))) {
            value = value * 10 + (m_text[m_pos++] - '0');
            if (value > 100) return std::nullopt;
        }
        return m_text[start] == '-' ? -value : value;
    }

    std::optional<Unit> simple() {
        std::size_t start = m_pos;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '[') {
                while (m_pos < m_text.size() && m_text[m_pos] != ']') ++m_pos;
                if (m_pos >= m_text.size()) return std::nullopt;
                ++m_pos;
                continue;
            }
            if (c == '.' || c == '/' || c == '(' || c == ')' || c == '{' || c == '-' || c == '+' || std::isdigit(static_cast<unsigned char>(c))) break;
            ++m_pos;
        }
        const std::string_view symbol = m_text.substr(start, m_pos - start);
        if (symbol.empty()) return std::nullopt;
        const auto& table = atoms();
        if (auto found = table.find(symbol); found != table.end()) return found->second;
        for (std::size_t length : {std::size_t{2}, std::size_t{1}}) {
            if (symbol.size() <= length) continue;
            auto prefix = prefixes().find(symbol.substr(0, length));
            if (prefix == prefixes().end()) continue;
            auto atom = table.find(symbol.substr(length));
            if (atom == table.end() || !metric(atom->first)) continue;
            return Unit{prefix->second * atom->second.factor, atom->second.dims};
        }
        return std::nullopt;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    int m_depth = 0;
};

// Calendar keywords compare with their UCUM counterparts for weeks and shorter durations.
std::string comparison_unit(std::string_view unit) {
    auto keyword = calendar_keyword(unit);
    if (!keyword) return std::string(unit);
    static const std::map<std::string, std::string, std::less<>> k_ucum = {
        {"week", "wk"}, {"day", "d"}, {"hour", "h"}, {"minute", "min"}, {"second", "s"}, {"millisecond", "ms"}};
    auto found = k_ucum.find(*keyword);
    return found != k_ucum.end() ? found->second : *keyword;
}

std::optional<Unit> unit_of(std::string_view unit) { return UnitParser(comparison_unit(unit)).parse(); }

std::optional<std::pair<Decimal, Decimal>> canonical_pair(const Quantity& a, const Quantity& b) {
    if (comparison_unit(a.unit) == comparison_unit(b.unit)) return std::make_pair(a.value, b.value);
    auto ua = unit_of(a.unit);
    auto ub = unit_of(b.unit);
    if (!ua || !ub || ua->dims != ub->dims) return std::nullopt;
    return std::make_pair(a.value * ua->factor, b.value * ub->factor);
}

std::string wrap(const std::string& unit) {
    return unit.find_first_of("./") == std::string::npos ? unit : "(" + unit + ")";
}

} // namespace

std::string Quantity::to_string() const {
    if (calendar_keyword(unit)) return value.to_string() + " " + unit;
    return value.to_string() + " '" + unit + "'";
}

std::optional<std::string> calendar_keyword(std::string_view unit) {
    static const char* const k_words[] = {"year", "month", "week", "day", "hour", "minute", "second", "millisecond"};
    for (const char* word : k_words) {
        const std::string_view w(word);
        if (unit == w || (unit.size() == w.size() + 1 && unit.substr(0, w.size()) == w && unit.back() == 's'))
            return std::string(w);
    }
    return std::nullopt;
}

std::optional<CalendarUnit> arithmetic_unit(std::string_view unit) {
    static const std::map<std::string, CalendarUnit, std::less<>> k_units = {
        {"year", CalendarUnit::year}, {"month", CalendarUnit::month}, {"week", CalendarUnit::week},
        {"day", CalendarUnit::day},   {"hour", CalendarUnit::hour},   {"minute", CalendarUnit::minute},
        {"second", CalendarUnit::second}, {"millisecond", CalendarUnit::millisecond},
        {"wk", CalendarUnit::week}, {"d", CalendarUnit::day}, {"h", CalendarUnit::hour},
        {"min", CalendarUnit::minute}, {"s", CalendarUnit::second}, {"ms", CalendarUnit::millisecond}};
    auto keyword = calendar_keyword(unit);
    auto found = k_units.find(keyword ? std::string_view(*keyword) : unit);
    if (found == k_units.end()) return std::nullopt;
    return found->second;
}

bool units_comparable(std::string_view a, std::string_view b) {
    if (comparison_unit(a) == comparison_unit(b)) return true;
    auto ua = unit_of(a);
    auto ub = unit_of(b);
    return ua && ub && ua->dims == ub->dims;
}

std::optional<Quantity> convert(const Quantity& q, std::string_view unit) {
    if (comparison_unit(q.unit) == comparison_unit(unit)) return Quantity{q.value, std::string(unit)};
    auto from = unit_of(q.unit);
    auto to = unit_of(unit);
    if (!from || !to || from->dims != to->dims) return std::nullopt;
    auto value = (q.value * from->factor).divide(to->factor);
    if (!value) return std::nullopt;
    return Quantity{*value, std::string(unit)};
}

std::optional<int> compare(const Quantity& a, const Quantity& b) {
    auto pair = canonical_pair(a, b);
    if (!pair) return std::nullopt;
    return Decimal::compare(pair->first, pair->second);
}

std::optional<bool> equal(const Quantity& a, const Quantity& b) {
    auto result = compare(a, b);
    if (!result) return std::nullopt;
    return *result == 0;
}

bool equivalent(const Quantity& a, const Quantity& b) {
    auto converted = convert(b, a.unit);
    if (!converted) return false;
    const int scale = std::min(a.value.scale(), b.value.scale());
    return Decimal::compare(a.value.round_to(scale), converted->value.round_to(scale)) == 0;
}

std::optional<Quantity> multiply(const Quantity& a, const Quantity& b) {
    const std::string ua = comparison_unit(a.unit);
    const std::string ub = comparison_unit(b.unit);
    if (!unit_of(ua) || !unit_of(ub)) return std::nullopt;
    std::string unit = ua == "1" ? ub : (ub == "1" ? ua : wrap(ua) + "." + wrap(ub));
    return Quantity{a.value * b.value, unit};
}

std::optional<Quantity> divide(const Quantity& a, const Quantity& b) {
    const std::string ua = comparison_unit(a.unit);
    const std::string ub = comparison_unit(b.unit);
    if (!unit_of(ua) || !unit_of(ub)) return std::nullopt;
    auto value = a.value.divide(b.value);
    if (!value) return std::nullopt;
    std::string unit = ua == ub ? "1" : (ub == "1" ? ua : wrap(ua) + "/" + wrap(ub));
    return Quantity{*value, unit};
}

std::optional<Quantity> parse_quantity(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t start = i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    auto value = Decimal::parse(text.substr(start, i - start));
    if (!value) return std::nullopt;
    while (i < text.size() && text[i] == ' ') ++i;
    std::string unit = "1";
    if (i < text.size()) {
        if (text[i] == '\'') {
            const std::size_t close = text.find('\'', i + 1);
            if (close == std::string_view::npos) return std::nullopt;
            unit = std::string(text.substr(i + 1, close - i - 1));
            i = close + 1;
        } else {
            std::size_t word = i;
            while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
            unit = std::string(text.substr(word, i - word));
            if (!calendar_keyword(unit)) return std::nullopt;
        }
        while (i < text.size() && text[i] == ' ') ++i;
        if (i != text.size()) return std::nullopt;
    }
    return Quantity{*value, unit};
}

} // namespace healthdoc::fhir::fhirpath
