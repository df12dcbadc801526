// minValue[x] and maxValue[x] of profile elements: numbers, quantities (compared after UCUM
// conversion), dates and times (compared as written at the common precision), and
// maxValueDuration on a date, which bounds the value to now plus the duration.
#include "fhir/fhirpath/quantity.hpp"
#include "fhir/validation/run.hpp"

#include <chrono>
#include <ctime>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

std::optional<fhirpath::Decimal> decimal_of(const Run& run, const json& number) {
    if (!number.is_number()) return std::nullopt;
    if (const std::string* text = run.document.map.decimal_text(number)) return fhirpath::Decimal::parse(*text);
    if (number.is_number_integer()) return fhirpath::Decimal::parse(std::to_string(number.get<long long>()));
    return fhirpath::Decimal::from_double(number.get<double>());
}

std::optional<fhirpath::Quantity> quantity_of(const Run& run, const json& value) {
    if (!value.is_object()) return std::nullopt;
    auto number = value.find("value");
    if (number == value.end()) return std::nullopt;
    auto decimal = decimal_of(run, *number);
    if (!decimal) return std::nullopt;
    fhirpath::Quantity q;
    q.value = *decimal;
    q.unit = value.value("code", value.value("unit", std::string("1")));
    return q;
}

std::string quantity_text(const json& value) {
    std::string number = value.contains("value") ? value["value"].dump() : std::string("?");
    return number + " " + value.value("code", value.value("unit", std::string()));
}

// -1/0/1 comparing `value` with `limit` (both of the element's type); nullopt when they do not compare.
std::optional<int> compare_values(const Run& run, const json& value, const json& limit, const std::string& limit_type) {
    if (limit_type == "Quantity") {
        auto a = quantity_of(run, value);
        auto b = quantity_of(run, limit);
        if (!a || !b) return std::nullopt;
        return fhirpath::compare(*a, *b);
    }
    if (limit_type == "Integer" || limit_type == "Decimal" || limit_type == "PositiveInt" ||
        limit_type == "UnsignedInt" || limit_type == "Integer64") {
        auto a = decimal_of(run, value);
        auto b = decimal_of(run, limit);
        if (!a || !b) return std::nullopt;
        return fhirpath::Decimal::compare(*a, *b);
    }
    if ((limit_type == "Date" || limit_type == "DateTime" || limit_type == "Instant" || limit_type == "Time") &&
        value.is_string() && limit.is_string()) {
        // ISO 8601 texts compare in order at their common precision.
        const std::string& a = value.get_ref<const std::string&>();
        const std::string& b = limit.get_ref<const std::string&>();
        const std::size_t common = std::min({a.size(), b.size(), std::size_t{10}});
        const int order = a.compare(0, common, b, 0, common);
        return order < 0 ? -1 : order > 0 ? 1 : 0;
    }
    return std::nullopt;
}

// Today plus a UCUM duration (a, mo, wk, d) as YYYY-MM-DD; nullopt for other units.
std::optional<std::string> today_plus(const json& duration) {
    if (!duration.is_object() || !duration.contains("value") || !duration["value"].is_number()) return std::nullopt;
    const long amount = static_cast<long>(duration["value"].get<double>());
    const std::string unit = duration.value("code", duration.value("unit", std::string()));
    using namespace std::chrono;
    const year_month_day today{floor<days>(system_clock::now())};
    year_month_day limit = today;
    if (unit == "a")
        limit = today + years(amount);
    else if (unit == "mo")
        limit = today + months(amount);
    else if (unit == "wk" || unit == "d")
        limit = year_month_day{sys_days(today) + days(unit == "wk" ? amount * 7 : amount)};
    else
        return std::nullopt;
    if (!limit.ok()) limit = year_month_day{limit.year() / limit.month() / last};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(limit.year()),
                  static_cast<unsigned>(limit.month()), static_cast<unsigned>(limit.day()));
    return std::string(text);
}

} // namespace

void check_min_max(Run& run, const ElementDef& element, const Item& item) {
    if (!item.value) return;
    const json& value = *item.value;
    if (element.min_value && element.min_value_type != "Duration") {
        auto order = compare_values(run, value, *element.min_value, element.min_value_type);
        if (order && *order < 0)
            run.report(Severity::error, "fhir.profile.min-value",
                       "The value of " + element.path + " is less than the minimum value the profile allows" +
                           (element.min_value_type == "Quantity"
                                ? " (" + quantity_text(*element.min_value) + ", after UCUM conversion)."
                                : std::string(".")),
                       item.path, item.anchor);
    }
    if (!element.max_value) return;
    if (element.max_value_type == "Duration") {
        auto limit = today_plus(*element.max_value);
        if (limit && value.is_string() && compare_values(run, value, json(*limit), "Date").value_or(0) > 0)
            run.report(Severity::error, "fhir.profile.max-value",
                       "The value of " + element.path + " is later than now plus the maximum duration the profile " +
                           "allows (" + quantity_text(*element.max_value) + ").",
                       item.path, item.anchor);
        return;
    }
    auto order = compare_values(run, value, *element.max_value, element.max_value_type);
    if (order && *order > 0)
        run.report(Severity::error, "fhir.profile.max-value",
                   "The value of " + element.path + " is greater than the maximum value the profile allows" +
                       (element.max_value_type == "Quantity"
                            ? " (" + quantity_text(*element.max_value) + ", after UCUM conversion)."
                            : std::string(".")),
                   item.path, item.anchor);
}

} // namespace healthdoc::fhir::validation
