#include "tests/support/test_support.hpp"

using healthdoc::test::run_healthdoc;

TEST_CASE("cli::help_and_version") {
    SUBCASE("--help lists every subcommand") {
        auto r = run_healthdoc({"--help"});
        CHECK(r.exit_code == 0);
        for (const char* name : {"validate", "convert", "inspect", "push", "sandbox", "packages"})
            CHECK_MESSAGE(r.out.find(name) != std::string::npos, name);
    }
    SUBCASE("--version") {
        auto r = run_healthdoc({"--version"});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("healthdoc ") == 0);
    }
    SUBCASE("each subcommand has --help") {
        for (const char* name : {"validate", "convert", "inspect", "push", "sandbox", "packages"}) {
            auto r = run_healthdoc({name, "--help"});
            CHECK_MESSAGE(r.exit_code == 0, name);
            CHECK_MESSAGE(r.out.find("Usage") != std::string::npos, name);
        }
    }
}

TEST_CASE("cli::usage_errors_exit_2") {
    CHECK(run_healthdoc({}).exit_code == 2);
    CHECK(run_healthdoc({"frobnicate"}).exit_code == 2);
    CHECK(run_healthdoc({"validate"}).exit_code == 2);
    CHECK(run_healthdoc({"validate", "--format", "yaml", "x.xml"}).exit_code == 2);
}
