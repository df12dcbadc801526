// Every shared R4 example (published as valid) validates against the core definitions with
// zero errors.
#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>

using namespace healthdoc;

namespace {

// Examples that break a cardinality of R4 as published (the reference validator reports them
// too). Three more have a narrative div of whitespace only (txt-2): a warning, as the reference
// validator's R4 htmlChecks() does not enforce it.
const std::map<std::string, std::string>& known_invalid() {
    static const std::map<std::string, std::string> table = {
        {"Questionnaire-qs1.json", "nested items without linkId (Questionnaire.item.linkId is 1..1)"},
        {"ImplementationGuide-fhir.json", "no name and no status (both 1..1 in R4)"},
        {"ig-r4.json", "no name and no status (both 1..1 in R4)"},
    };
    return table;
}

} // namespace

TEST_CASE("fhir validator: every shared R4 example validates with zero errors") {
    auto examples = REQUIRE_SHARED("reference/fhir/r4-examples");
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!examples || !packages) return;
    auto definitions = test::core(*packages);
    fhir::FhirValidator validator(definitions);
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(*examples))
        if (entry.path().extension() == ".json" && entry.path().filename() != "package.json")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::size_t clean = 0;
    std::size_t resources = 0;
    std::ostringstream failures, failures_unexpected;
    std::size_t expected_invalid = 0;
    std::chrono::steady_clock::duration spent{};
    for (const auto& path : files) {
        formats::Diagnostics read;
        auto document = fhir::read_fhir_json(formats::SourceText::from_file(path.string()), read);
        REQUIRE_MESSAGE(document, path.filename().string());
        formats::Diagnostics found;
        const auto start = std::chrono::steady_clock::now();
        validator.validate(*document, path.filename().string(), found);
        spent += std::chrono::steady_clock::now() - start;
        ++resources;
        std::size_t errors = 0;
        for (const auto& d : found.items())
            if (d.severity >= formats::Severity::error) {
                if (errors < 3)
                    failures << path.filename().string() << " " << d.location.path << " [" << d.rule << "] "
                             << d.message << "\n";
                ++errors;
            }
        if (errors == 0)
            ++clean;
        else if (known_invalid().count(path.filename().string()))
            ++expected_invalid;
        else
            failures_unexpected << path.filename().string() << "\n";
    }
    const double ms = std::chrono::duration<double, std::milli>(spent).count();
    MESSAGE("examples with zero errors: " << clean << "/" << files.size() << "; "
                                          << (ms / static_cast<double>(std::max<std::size_t>(resources, 1)))
                                          << " ms per resource on average");
    if (clean != files.size()) MESSAGE("examples with errors:\n" << failures.str());
    for (const auto& [file, reason] : known_invalid()) MESSAGE("known invalid example: " << file << ": " << reason);
    CHECK_MESSAGE(clean + expected_invalid == files.size(), "unexpected errors in:\n" << failures_unexpected.str());
}
