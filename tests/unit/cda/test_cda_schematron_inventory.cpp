// For the record, not a check: how big the ANS CI-SIS Schematron stack is once loaded (every
// top-level model schema and each profile layer), printed with MESSAGE.
#include "cda/schematron/loader.hpp"
#include "tests/support/test_support.hpp"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

using healthdoc::cda::schematron::inventory;
using healthdoc::cda::schematron::Inventory;
using healthdoc::cda::schematron::load_schema;
using healthdoc::formats::Diagnostics;

namespace {

void add(Inventory& total, const Inventory& one) {
    total.patterns += one.patterns;
    total.rules += one.rules;
    total.asserts += one.asserts;
    total.reports += one.reports;
    total.lets += one.lets;
    total.phases += one.phases;
}

std::string line(const std::string& name, const Inventory& counts, std::size_t files) {
    std::ostringstream out;
    out << name << ": " << counts.patterns << " patterns, " << counts.rules << " rules, " << counts.asserts
        << " asserts, " << counts.reports << " reports, " << counts.lets << " lets, " << counts.phases << " phases";
    if (files > 0) out << ", " << files << " files";
    return out.str();
}

} // namespace

TEST_CASE("cda::schematron inventory of the ANS stack") {
    auto root = REQUIRE_SHARED("reference/cda/ans-testcontenucda/schematrons");
    if (!root) return;
    std::vector<std::filesystem::path> models;
    for (const auto& entry : std::filesystem::directory_iterator(*root))
        if (entry.path().extension() == ".sch") models.push_back(entry.path());
    std::sort(models.begin(), models.end());
    const std::vector<std::string> layers{"profils/IHE.sch", "profils/CI-SIS_ModelesDeContenusCDA.sch",
                                          "profils/CI-SIS_Modeles_ANS.sch",
                                          "profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch",
                                          "profils/terminologies/schematron/terminologie.sch"};
    Inventory total, model_total;
    std::size_t missing_includes = 0;
    std::string report = "ANS CI-SIS Schematron stack, loaded:\n";
    for (const auto& layer : layers) {
        Diagnostics out;
        auto schema = load_schema(*root / layer, out);
        REQUIRE(schema);
        missing_includes += out.size();
        auto counts = inventory(*schema);
        add(total, counts);
        report += "  " + line(layer, counts, schema->files.size()) + "\n";
    }
    for (const auto& model : models) {
        Diagnostics out;
        auto schema = load_schema(model, out);
        REQUIRE(schema);
        missing_includes += out.size();
        add(model_total, inventory(*schema));
    }
    add(total, model_total);
    report += "  " + line(std::to_string(models.size()) + " model schemas (CI-SIS_*.sch)", model_total, 0) + "\n";
    report += "  " + line("whole stack", total, 0) + "\n";
    report += "  warnings (missing include targets and the sch:active naming their patterns): " +
              std::to_string(missing_includes);
    MESSAGE(report);
}
