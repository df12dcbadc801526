#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sys/wait.h>
#include <sstream>

namespace fs = std::filesystem;
using healthdoc::test::run_healthdoc;
using healthdoc::test::source_path;

namespace {

std::vector<std::string> schema_args() {
    if (auto kit = healthdoc::test::shared_path("reference/cda/ans-testcontenucda"))
        return {"--schemas", (*kit / "infrastructure/cda/CDA_extended.xsd").string()};
    MESSAGE("SKIPPED schema layer: reference data absent (set HEALTHDOC_SHARED)");
    return {};
}

} // namespace

// Every file in examples/valid validates with no error; every file in examples/invalid yields
// the findings its .expected file lists (one "rule line" per line), and nothing else.
TEST_CASE("cli::examples_are_tests") {
    auto schemas = schema_args();
    for (const auto& entry : fs::directory_iterator(source_path("examples/valid"))) {
        std::vector<std::string> args{"validate", "-q"};
        args.insert(args.end(), schemas.begin(), schemas.end());
        args.push_back(entry.path().string());
        auto r = run_healthdoc(args, "", {"HEALTHDOC_RULES_DIR=/nonexistent-healthdoc-rules"});
        CHECK_MESSAGE(r.exit_code == 0, entry.path().filename().string() << "\n" << r.out);
    }
    std::size_t invalid = 0;
    for (const auto& entry : fs::directory_iterator(source_path("examples/invalid"))) {
        if (entry.path().extension() != ".xml") continue;
        ++invalid;
        auto expected_file = entry.path();
        expected_file.replace_extension(".expected");
        REQUIRE_MESSAGE(fs::exists(expected_file), expected_file.string());
        std::ifstream in(expected_file);
        std::vector<std::pair<std::string, int>> expected;
        for (std::string rule; in >> rule;) {
            int line = 0;
            in >> line;
            expected.emplace_back(rule, line);
        }
        std::vector<std::string> args{"validate", "-q", "--format", "json"};
        args.insert(args.end(), schemas.begin(), schemas.end());
        args.push_back(entry.path().string());
        auto r = run_healthdoc(args, "", {"HEALTHDOC_RULES_DIR=/nonexistent-healthdoc-rules"});
        CHECK(r.exit_code == 1);
        auto found = nlohmann::json::parse(r.out)["documents"][0]["diagnostics"];
        std::vector<std::pair<std::string, int>> actual;
        for (const auto& d : found)
            if (d["severity"] != "warning" && d["severity"] != "information")
                actual.emplace_back(d["rule"], d["location"].value("line", 0));
        CHECK_MESSAGE(actual == expected, entry.path().filename().string() << "\n" << r.out);
    }
    CHECK(invalid >= 3);
}

TEST_CASE("cli::examples_script_runs") {
    auto kit = REQUIRE_SHARED("reference/cda/ans-testcontenucda");
    if (!kit) return;
    healthdoc::test::TempDir dir;
    std::string command = "HEALTHDOC_RULES_DIR=" + (dir / "rules").string() + " HEALTHDOC_SHARED=" +
                          kit->parent_path().parent_path().parent_path().string() + " HEALTHDOC=" +
                          healthdoc::test::healthdoc_binary() + " " +
                          source_path("examples/run-examples.sh").string() + " > " + (dir / "out.txt").string() +
                          " 2>&1";
    int status = std::system(command.c_str());
    INFO(healthdoc::test::read_file(dir / "out.txt"));
    CHECK(WEXITSTATUS(status) == 0);
}
