// French national identifiers found in CDA headers: the patient's INS (NIR or NIA with its
// 2-digit key) and the national ids of health professionals (IDNPS, root 1.2.250.1.71.4.2.1)
// and organisations (IDNST, root 1.2.250.1.71.4.2.2), whose type is given by a prefix digit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace healthdoc::cda::cisis {

inline constexpr const char* k_ins_nir_oid = "1.2.250.1.213.1.4.8";
inline constexpr const char* k_ins_nia_oid = "1.2.250.1.213.1.4.9";
inline constexpr const char* k_ins_test_oid = "1.2.250.1.213.1.4.10";
inline constexpr const char* k_ins_demo_oid = "1.2.250.1.213.1.4.11";
inline constexpr const char* k_ins_c_oid = "1.2.250.1.213.1.4.2";       // calculated INS, withdrawn
inline constexpr const char* k_professional_oid = "1.2.250.1.71.4.2.1"; // IDNPS
inline constexpr const char* k_organization_oid = "1.2.250.1.71.4.2.2"; // IDNST

// True for the four INS OIDs (NIR, NIA, test NIR, demonstration NIR).
bool is_ins_oid(std::string_view root);

// A NIR/NIA: 13 characters (digits, with 2A/2B for Corsican birth departments) then a 2-digit
// key equal to 97 - (number mod 97), where 2A counts as 19 and 2B as 18.
enum class NirCheck { valid, bad_format, bad_key };
NirCheck check_nir(std::string_view nir);

// The Luhn check over a string of digits (false when a character is not a digit).
bool luhn_valid(std::string_view digits);

// What is wrong with a national id, or nullopt when nothing is. `key_only` tells the caller the
// shape is right and only the check digit is wrong (a warning of its own).
struct IdProblem {
    std::string message;
    bool key_only = false;
};
std::optional<IdProblem> check_professional_id(std::string_view extension);
std::optional<IdProblem> check_organization_id(std::string_view extension);

} // namespace healthdoc::cda::cisis
