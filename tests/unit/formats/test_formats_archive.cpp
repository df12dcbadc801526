#include "formats/archive.hpp"
#include "formats/errors.hpp"
#include "tests/support/test_archives.hpp"
#include "tests/support/test_support.hpp"

namespace fs = std::filesystem;
using healthdoc::test::make_archive;

TEST_CASE("formats::extract_archive") {
    healthdoc::test::TempDir dir;
    auto target = dir / "out";
    for (std::string kind : {"tgz", "zip"}) {
        CAPTURE(kind);
        SUBCASE("regular files and folders are written") {
            auto bytes = make_archive(kind, {{"a/b/c.txt", "hello", ""}, {"top.txt", "x", ""}});
            CHECK(healthdoc::formats::looks_like_archive(bytes));
            auto files = healthdoc::formats::extract_archive(bytes, target);
            CHECK(files.size() == 2);
            CHECK(healthdoc::test::read_file(target / "a/b/c.txt") == "hello");
        }
        SUBCASE("a path climbing out is refused and nothing lands outside") {
            auto bytes = make_archive(kind, {{"../evil.txt", "boom", ""}});
            CHECK_THROWS_AS(healthdoc::formats::extract_archive(bytes, target), healthdoc::InputError);
            CHECK_FALSE(fs::exists(dir / "evil.txt"));
        }
        SUBCASE("an absolute path is refused") {
            auto bytes = make_archive(kind, {{"/tmp/healthdoc-evil.txt", "boom", ""}});
            CHECK_THROWS_AS(healthdoc::formats::extract_archive(bytes, target), healthdoc::InputError);
        }
        SUBCASE("a symbolic link is refused") {
            auto bytes = make_archive(kind, {{"passwd", "", "/etc/passwd"}});
            CHECK_THROWS_AS(healthdoc::formats::extract_archive(bytes, target), healthdoc::InputError);
            CHECK_FALSE(fs::exists(target / "passwd"));
        }
    }
    SUBCASE("limits on size and entries") {
        auto bytes = make_archive("tgz", {{"a", std::string(1000, 'a'), ""}, {"b", "b", ""}});
        CHECK_THROWS_AS(healthdoc::formats::extract_archive(bytes, target, {500, 10}), healthdoc::InputError);
        CHECK_THROWS_AS(healthdoc::formats::extract_archive(bytes, dir / "o2", {1 << 20, 1}), healthdoc::InputError);
    }
    SUBCASE("garbage is not an archive") {
        CHECK_FALSE(healthdoc::formats::looks_like_archive("hello world"));
        CHECK_THROWS_AS(healthdoc::formats::extract_archive(std::string(300, 'x'), target), healthdoc::InputError);
    }
}
