// Replays every fuzz corpus input (including those that once crashed) through the readers.
#include "formats/detect.hpp"
#include "formats/json_document.hpp"
#include "formats/xml_document.hpp"
#include "tests/support/test_support.hpp"

TEST_CASE("formats::fuzz_corpus_replay") {
    using namespace healthdoc::formats;
    std::size_t replayed = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(healthdoc::test::source_path("tests/fuzz/corpus"))) {
        if (!entry.is_regular_file()) continue;
        SourceText source(entry.path().filename().string(), healthdoc::test::read_file(entry.path()));
        Diagnostics diagnostics;
        (void)detect_format(source);
        (void)parse_xml(source, diagnostics);
        (void)parse_json(source, diagnostics);
        ++replayed;
    }
    CHECK(replayed >= 3);
}
