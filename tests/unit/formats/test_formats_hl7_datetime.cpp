#include "formats/hl7_datetime.hpp"
#include "tests/support/test_support.hpp"

using healthdoc::formats::Hl7Precision;
using healthdoc::formats::parse_hl7_datetime;

TEST_CASE("formats::hl7_datetime") {
    SUBCASE("every precision, kept as written") {
        CHECK(parse_hl7_datetime("2024")->precision == Hl7Precision::year);
        CHECK(parse_hl7_datetime("202401")->to_fhir() == "2024-01");
        CHECK(parse_hl7_datetime("19790328")->to_fhir() == "1979-03-28");
        CHECK(parse_hl7_datetime("2024011510")->precision == Hl7Precision::hour);
        auto full = parse_hl7_datetime("20210401134745+0100");
        REQUIRE(full);
        CHECK(full->text == "20210401134745+0100");
        CHECK(full->precision == Hl7Precision::second);
        CHECK(full->to_fhir() == "2021-04-01T13:47:45+01:00");
        CHECK(full->to_xds_utc() == "20210401124745");
        auto fraction = parse_hl7_datetime("20240115103000.250-0330");
        REQUIRE(fraction);
        CHECK(fraction->to_fhir() == "2024-01-15T10:30:00.250-03:30");
        CHECK(fraction->to_xds_utc() == "20240115140000");
    }
    SUBCASE("UTC conversion crosses midnight and keeps the written precision") {
        CHECK(parse_hl7_datetime("202401010030+0100")->to_xds_utc() == "202312312330");
        CHECK(parse_hl7_datetime("20240115")->to_xds_utc() == "20240115");
        CHECK(parse_hl7_datetime("20240115103000")->to_xds_utc() == "20240115103000"); // no zone: as written
        CHECK_FALSE(parse_hl7_datetime("20240115103000")->to_unix_seconds().has_value());
        CHECK(*parse_hl7_datetime("19700101000000+0000")->to_unix_seconds() == 0);
    }
    SUBCASE("leap days") {
        CHECK(parse_hl7_datetime("20240229"));
        CHECK(parse_hl7_datetime("20000229"));
        CHECK_FALSE(parse_hl7_datetime("20230229"));
        CHECK_FALSE(parse_hl7_datetime("19000229"));
    }
    SUBCASE("invalid values say why, without the value") {
        std::string why;
        CHECK_FALSE(parse_hl7_datetime("2023136", &why));
        CHECK(why.find("4, 6, 8") != std::string::npos);
        CHECK_FALSE(parse_hl7_datetime("20231301", &why));
        CHECK(why == "the month is out of range");
        CHECK_FALSE(parse_hl7_datetime("2024-01-15", &why));
        CHECK_FALSE(parse_hl7_datetime("20240115103000+01", &why));
        CHECK(why.find("4 digits") != std::string::npos);
        CHECK_FALSE(parse_hl7_datetime("20240115+0100", &why));
        CHECK_FALSE(parse_hl7_datetime("2024011525", &why));
        CHECK_FALSE(parse_hl7_datetime("", &why));
        CHECK_FALSE(parse_hl7_datetime("202401151030.5", &why));
    }
}

TEST_CASE("formats::hl7_from_fhir_datetime") {
    using healthdoc::formats::hl7_from_fhir_datetime;
    CHECK(hl7_from_fhir_datetime("2013-05-28T22:12:21Z") == "20130528221221+0000");
    CHECK(hl7_from_fhir_datetime("2024-01-15T10:30:00+01:00") == "20240115103000+0100");
    CHECK(hl7_from_fhir_datetime("2024-01-15T10:30:00.250-05:00") == "20240115103000.250-0500");
    CHECK(hl7_from_fhir_datetime("1979-03-28") == "19790328");
    CHECK(hl7_from_fhir_datetime("2024-03") == "202403");
    CHECK(hl7_from_fhir_datetime("2024") == "2024");
    std::string why;
    CHECK_FALSE(hl7_from_fhir_datetime("2024-13-01", &why));
    CHECK(why.find("month") != std::string::npos);
    CHECK_FALSE(hl7_from_fhir_datetime("2024-01-15T10:30", &why));
    CHECK(why == "a FHIR time is hh:mm:ss");
    CHECK_FALSE(hl7_from_fhir_datetime("2024-01-15T10:30:00+0100", &why));
    CHECK(why == "a time zone is Z or +hh:mm");
    CHECK_FALSE(hl7_from_fhir_datetime("20240115"));
    CHECK_FALSE(hl7_from_fhir_datetime("2024-01-15 "));
    CHECK_FALSE(hl7_from_fhir_datetime(""));
}
