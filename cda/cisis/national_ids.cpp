#include "cda/cisis/national_ids.hpp"

#include <algorithm>
#include <cstdint>

namespace healthdoc::cda::cisis {
namespace {

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A FINESS number: 9 characters, the department first, the last a Luhn key. Corsican numbers
// (2A/2B) are checked for shape only: the key rule for them is not published with the kit.
std::optional<IdProblem> check_finess(std::string_view finess, std::string_view what) {
    bool corsican = finess.size() == 9 && (finess.substr(0, 2) == "2A" || finess.substr(0, 2) == "2B");
    if (finess.size() != 9 || !all_digits(corsican ? finess.substr(2) : finess))
        return IdProblem{std::string(what) + " should be followed by a 9-character FINESS number", false};
    if (!corsican && !luhn_valid(finess))
        return IdProblem{"the FINESS number's check digit (Luhn) is wrong: it will not match the FINESS directory",
                         true};
    return std::nullopt;
}

// "<prefix><structure id>/<local id>": a professional known by a structure's id.
std::optional<IdProblem> check_structure_based(std::string_view rest, std::string_view what) {
    auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size())
        return IdProblem{
            std::string(what) + " should be followed by the structure's number, '/', and the person's local id", false};
    return std::nullopt;
}

} // namespace

bool is_ins_oid(std::string_view root) {
    return root == k_ins_nir_oid || root == k_ins_nia_oid || root == k_ins_test_oid || root == k_ins_demo_oid;
}

NirCheck check_nir(std::string_view nir) {
    if (nir.size() != 15) return NirCheck::bad_format;
    std::string number(nir.substr(0, 13));
    if (number.compare(5, 2, "2A") == 0)
        number.replace(5, 2, "19");
    else if (number.compare(5, 2, "2B") == 0)
        number.replace(5, 2, "18");
    if (!all_digits(number) || !all_digits(nir.substr(13))) return NirCheck::bad_format;
    std::uint64_t value = std::stoull(number);
    auto key = static_cast<std::uint64_t>(std::stoul(std::string(nir.substr(13))));
    return 97 - value % 97 == key ? NirCheck::valid : NirCheck::bad_key;
}

bool luhn_valid(std::string_view digits) {
    if (!all_digits(digits)) return false;
    int sum = 0;
    bool twice = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it, twice = !twice) {
        int d = *it - '0';
        if (twice && (d *= 2) > 9) d -= 9;
        sum += d;
    }
    return sum % 10 == 0;
}

std::optional<IdProblem> check_professional_id(std::string_view extension) {
    if (extension.empty()) return IdProblem{"the national id is empty", false};
    auto rest = extension.substr(1);
    switch (extension.front()) {
    case '8':
        if (rest.size() != 11 || !all_digits(rest))
            return IdProblem{"an RPPS-based id is '8' followed by the 11-digit RPPS number", false};
        if (!luhn_valid(rest))
            return IdProblem{"the RPPS number's check digit (Luhn) is wrong: it will not match the RPPS directory",
                             true};
        return std::nullopt;
    case '0':
        if (rest.size() != 9)
            return IdProblem{"an ADELI-based id is '0' followed by the 9-character ADELI number", false};
        return std::nullopt;
    case '3': return check_structure_based(rest, "'3' (FINESS-based id)");
    case '4': return check_structure_based(rest, "'4' (SIREN-based id)");
    case '5': return check_structure_based(rest, "'5' (SIRET-based id)");
    default:
        return IdProblem{"a professional's national id starts with its type: 8 (RPPS), 0 (ADELI), 3 (FINESS), "
                         "4 (SIREN) or 5 (SIRET)",
                         false};
    }
}

std::optional<IdProblem> check_organization_id(std::string_view extension) {
    if (extension.empty()) return IdProblem{"the national id is empty", false};
    auto rest = extension.substr(1);
    switch (extension.front()) {
    case '1': return check_finess(rest, "'1' (FINESS)");
    case '2':
        if (rest.size() != 9 || !all_digits(rest))
            return IdProblem{"a SIREN-based id is '2' followed by the 9-digit SIREN", false};
        if (!luhn_valid(rest)) return IdProblem{"the SIREN's check digit (Luhn) is wrong", true};
        return std::nullopt;
    case '3':
        if (rest.size() != 14 || !all_digits(rest))
            return IdProblem{"a SIRET-based id is '3' followed by the 14-digit SIRET", false};
        if (!luhn_valid(rest)) return IdProblem{"the SIRET's check digit (Luhn) is wrong", true};
        return std::nullopt;
    case '4':
        if (rest.size() < 12 || !all_digits(rest))
            return IdProblem{"an RPPS practice id is '4' followed by the RPPS number and the practice's rank", false};
        return std::nullopt;
    case '0':
        if (rest.size() < 9)
            return IdProblem{"an ADELI practice id is '0' followed by the ADELI number and rank", false};
        return std::nullopt;
    default:
        return IdProblem{"an organisation's national id starts with its type: 1 (FINESS), 2 (SIREN), 3 (SIRET), "
                         "4 (RPPS practice) or 0 (ADELI practice)",
                         false};
    }
}

} // namespace healthdoc::cda::cisis
