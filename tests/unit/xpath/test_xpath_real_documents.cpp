// The engine on the ANS kit's schematrons and example documents: the examples are valid, so no
// assert may fail and no expression may raise an error other than a missing value-set file.
#include "schematron_runner.hpp"

#include "tests/support/test_support.hpp"

#include <chrono>

using namespace healthdoc::xpath;
using namespace healthdoc::xpath::test;

namespace {

void check_example(const std::string& schematron, const std::string& example) {
    auto kit = REQUIRE_SHARED("reference/cda/ans-testcontenucda");
    if (!kit) return;
    MiniSchematron sch(*kit / "schematrons" / schematron);
    auto source = healthdoc::formats::SourceText::from_file((*kit / "ExemplesCDA" / example).string());
    healthdoc::formats::Diagnostics diagnostics;
    Doc doc;
    doc.xml = healthdoc::formats::parse_xml(source, diagnostics);
    REQUIRE(doc.xml);
    doc.index = std::make_unique<DocumentIndex>(*doc.xml);
    FileDocumentProvider documents;
    sch.run(doc, documents); // warm-up: value sets loaded, regexes compiled
    auto start = std::chrono::steady_clock::now();
    auto run = sch.run(doc, documents);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    MESSAGE(schematron << " on " << example << ": " << sch.pattern_count() << " patterns, " << run.rules_fired
                       << " rules fired, " << run.asserts << " asserts, " << run.failed << " failed, "
                       << run.errors.size() << " errors, " << ms << " ms");
    for (auto& f : run.failures) MESSAGE("failed: " << f);
    for (std::size_t i = 0; i < run.errors.size() && i < 10; ++i) MESSAGE("error: " << run.errors[i]);
    CHECK(run.asserts > 20);
    CHECK(run.failed == 0);
    // Only documents the kit does not ship may fail (doc() of a missing value set: FODC0002).
    for (auto& e : run.errors) CHECK_MESSAGE(e.find("FODC0002") != std::string::npos, e);
}

} // namespace

TEST_CASE("xpath::real documents: BIO-CR-BIO 2024 example against its schematron") {
    check_example("CI-SIS_BIO-CR-BIO_2024.01.sch", "BIO-CR-BIO_2024.01_TSH_1.xml");
}

TEST_CASE("xpath::real documents: ANEST-CR-CPA example against its schematron") {
    check_example("CI-SIS_ANEST-CR-CPA_2022.01.sch", "ANEST-CR-CPA_2022.01.xml");
}

TEST_CASE("xpath::real documents: content models (structuration minimale) on a BIO example") {
    check_example("profils/CI-SIS_ModelesDeContenusCDA.sch", "BIO-CR-BIO_2024.01_TSH_1.xml");
}

TEST_CASE("xpath::real documents: structuration minimale (ART-DECOR generated) on an ANEST example") {
    check_example("profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch", "ANEST-CR-CPA_2022.01.xml");
}
