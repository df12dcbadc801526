#include "cda/cisis/national_ids.hpp"
#include "tests/support/test_support.hpp"

using namespace healthdoc::cda::cisis;

TEST_CASE("cda::cisis_nir_key") {
    CHECK(check_nir("184127512345640") == NirCheck::valid);
    CHECK(check_nir("184127512345641") == NirCheck::bad_key);
    CHECK(check_nir("18412751234564") == NirCheck::bad_format);
    CHECK(check_nir("1841275123456AB") == NirCheck::bad_format);
    // Corsica: 2A counts as 19 and 2B as 18 in the number the key is computed from.
    auto key = [](unsigned long long n) { return 97 - n % 97; };
    auto corsican = [&](const char* dept, unsigned long long as_number) {
        auto k = key(as_number);
        return std::string("18412") + dept + "123456" + (k < 10 ? "0" : "") + std::to_string(k);
    };
    CHECK(check_nir(corsican("2A", 1841219123456ULL)) == NirCheck::valid);
    CHECK(check_nir(corsican("2B", 1841218123456ULL)) == NirCheck::valid);
    CHECK(check_nir(corsican("2A", 1841218123456ULL)) == NirCheck::bad_key);
}

TEST_CASE("cda::cisis_luhn_and_national_ids") {
    CHECK(luhn_valid("10001234565"));
    CHECK_FALSE(luhn_valid("10001234566"));
    CHECK_FALSE(luhn_valid("1000123456x"));
    CHECK_FALSE(check_professional_id("810001234565"));
    auto wrong_key = check_professional_id("810001234566");
    REQUIRE(wrong_key);
    CHECK(wrong_key->key_only);
    auto short_rpps = check_professional_id("81000123456");
    REQUIRE(short_rpps);
    CHECK_FALSE(short_rpps->key_only);
    CHECK_FALSE(check_professional_id("0751234567"));
    CHECK_FALSE(check_professional_id("3750001232/12345"));
    CHECK(check_professional_id("3750001232"));
    CHECK(check_professional_id("9123"));
    CHECK_FALSE(check_organization_id("1750001232"));
    CHECK(check_organization_id("1750001233")->key_only);
    CHECK_FALSE(check_organization_id("12A0001234")); // Corsican FINESS: shape only
    CHECK(check_organization_id("17500012"));
    CHECK(is_ins_oid("1.2.250.1.213.1.4.8"));
    CHECK(is_ins_oid("1.2.250.1.213.1.4.11"));
    CHECK_FALSE(is_ins_oid("1.2.250.1.213.1.4.2"));
}
