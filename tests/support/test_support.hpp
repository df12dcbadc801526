// Helpers shared by every test binary: reference data, temporary folders, running the CLI.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace healthdoc::test {

// The shared reference folder (HEALTHDOC_SHARED, else the CMake variable), or std::nullopt when
// it is absent. `relative` is appended (e.g. "reference/cda/hl7-cda-schemas").
std::optional<std::filesystem::path> shared_path(const std::string& relative = "");

// The source tree (for tests/data and examples/).
std::filesystem::path source_path(const std::string& relative = "");

// A fresh empty directory under the system temp folder, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const noexcept { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

// The built healthdoc binary (HEALTHDOC_BINARY, else the one CMake built).
std::string healthdoc_binary();

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs the built healthdoc binary with `args` (no shell involved), feeding `input` on stdin,
// with extra environment variables `env` ("NAME=value"). Captures stdout and stderr.
RunResult run_healthdoc(const std::vector<std::string>& args, const std::string& input = "",
                        const std::vector<std::string>& env = {});

} // namespace healthdoc::test

// Skips the rest of the current test case with a visible message when the reference data is
// absent. Use as: auto ref = REQUIRE_SHARED("reference/cda/...");
#define REQUIRE_SHARED(relative)                                                                      \
    [&] {                                                                                             \
        auto found = ::healthdoc::test::shared_path(relative);                                        \
        if (!found) MESSAGE("SKIPPED: reference data absent (set HEALTHDOC_SHARED): " << (relative)); \
        return found;                                                                                 \
    }()
