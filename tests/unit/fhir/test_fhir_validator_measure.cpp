// Focused cases of the Measure and MeasureReport rules (fhir/validation/measure*.cpp): a
// report's groups, populations, stratifiers and score against its Measure, subject lists by
// report type, and a Measure's CQL criteria against its libraries' definitions.
#include "fhir/definitions.hpp"
#include "fhir/validator.hpp"
#include "formats/base64.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace healthdoc;

namespace {

using test::core;
using test::validate;

// The findings of the measure rules (fhir.measure.*) at `severity` or above.
std::vector<std::string> measure_rules(const formats::Diagnostics& found,
                                       formats::Severity severity = formats::Severity::error) {
    std::vector<std::string> out;
    for (const auto& d : found.items())
        if (d.rule.rfind("fhir.measure.", 0) == 0 && d.severity >= severity) out.push_back(d.rule);
    return out;
}

std::size_t count_of(const std::vector<std::string>& rules, const std::string& rule) {
    return static_cast<std::size_t>(std::count(rules.begin(), rules.end(), rule));
}

const char* measure = R"({"resourceType":"Measure","url":"http://example.org/Measure/m","status":"active",
  "scoring":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/measure-scoring","code":"proportion"}]},
  "group":[{"population":[
     {"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/measure-population","code":"initial-population"}]}},
     {"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/measure-population","code":"numerator"}]}}],
   "stratifier":[{"code":{"text":"by-age"}}]}]})";

std::string population(const std::string& code, const std::string& rest) {
    return R"({"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/measure-population","code":")" +
           code + R"("}]})" + rest + "}";
}

std::string report(const std::string& type, const std::string& groups) {
    return R"({"resourceType":"MeasureReport","status":"complete","type":")" + type +
           R"(","measure":"http://example.org/Measure/m","period":{"start":"2020-01-01","end":"2020-12-31"},"group":[)" +
           groups + "]}";
}

std::string library(const std::string& name, const std::string& content_type, const std::string& content) {
    return R"({"resourceType":"Library","url":"http://example.org/Library/)" + name + R"(","name":")" + name +
           R"(","status":"active","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/library-type","code":"logic-library"}]},
      "content":[{"contentType":")" +
           content_type + R"(","data":")" + formats::base64_encode(content) + R"("}]})";
}

std::string measure_with_stratifier(const std::string& library_url, const std::string& expression) {
    return R"({"resourceType":"Measure","status":"active","library":[")" + library_url + R"("],
      "group":[{"population":[{"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/measure-population","code":"initial-population"}]},
        "criteria":{"language":"text/cql","expression":"Lib.Initial Population"}}],
       "stratifier":[{"code":{"text":"s"},"criteria":{"language":"text/cql","expression":")" +
           expression + R"("}}]}]})";
}

} // namespace

TEST_CASE("fhir validator measure: a MeasureReport against its Measure") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    definitions->add(nlohmann::json::parse(measure));
    fhir::FhirValidator validator(definitions);
    const std::string populations =
        population("initial-population", R"(,"count":10)") + "," + population("numerator", R"(,"count":5)");
    const std::string stratifier = R"("stratifier":[{"code":[{"text":"by-age"}]}])";

    SUBCASE("a matching summary report has no error") {
        auto found =
            validate(validator, report("summary", R"({"population":[)" + populations +
                                                      R"(],"measureScore":{"value":0.5},)" + stratifier + "}"));
        CHECK(measure_rules(found).empty());
    }
    SUBCASE("two groups without codes, and the Measure's group missing") {
        const std::string group = R"({"population":[)" + populations + R"(],"measureScore":{"value":0.5}})";
        auto rules = measure_rules(validate(validator, report("summary", group + "," + group)));
        CHECK(count_of(rules, "fhir.measure.report-group-code") == 2);
        CHECK(count_of(rules, "fhir.measure.report-missing-group") == 1);
    }
    SUBCASE("a subject-list count is the number of subject lists") {
        auto rules = measure_rules(validate(
            validator,
            report("subject-list",
                   R"({"population":[)" +
                       population("initial-population", R"(,"count":500,"subjectResults":{"reference":"List/l"})") +
                       "," + population("numerator", R"(,"count":1,"subjectResults":{"reference":"List/n"})") +
                       R"(],"measureScore":{"value":0.5},)" + stratifier + "}")));
        CHECK(rules == std::vector<std::string>{"fhir.measure.report-count-mismatch"});
    }
    SUBCASE("a summary report lists no subjects and gives counts") {
        auto found = validate(
            validator,
            report("summary", R"({"population":[)" +
                                  population("initial-population", R"(,"subjectResults":{"reference":"List/l"})") +
                                  "," + population("numerator", R"(,"count":1)") +
                                  R"(],"measureScore":{"value":0.5},)" + stratifier + "}"));
        CHECK(measure_rules(found) == std::vector<std::string>{"fhir.measure.report-subjects-not-list"});
        CHECK(count_of(measure_rules(found, formats::Severity::warning), "fhir.measure.report-count") == 1);
    }
    SUBCASE("unknown and missing populations and stratifiers, a proportion score out of range") {
        auto rules = measure_rules(validate(
            validator,
            report("summary", R"({"population":[)" + population("initial-population", R"(,"count":1)") + "," +
                                  population("denominator", R"(,"count":1)") +
                                  R"(],"measureScore":{"value":1.5},"stratifier":[{"code":[{"text":"other"}]}]})")));
        CHECK(count_of(rules, "fhir.measure.report-population-unknown") == 1);
        CHECK(count_of(rules, "fhir.measure.report-missing-group") == 2); // numerator, stratifier by-age
        CHECK(count_of(rules, "fhir.measure.report-stratifier-unknown") == 1);
        CHECK(count_of(rules, "fhir.measure.report-score-range") == 1);
    }
    SUBCASE("a proportion measure's report needs a score") {
        auto rules = measure_rules(
            validate(validator, report("summary", R"({"population":[)" + populations + "]," + stratifier + "}")));
        CHECK(rules == std::vector<std::string>{"fhir.measure.report-score-required"});
    }
    SUBCASE("the Measure in the same Bundle") {
        std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[
          {"fullUrl":"http://example.org/Measure/other","resource":{"resourceType":"Measure","id":"other",
            "url":"http://example.org/Measure/other","status":"active","group":[{"population":[
              {"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/measure-population","code":"numerator"}]}}]}]}},
          {"fullUrl":"http://example.org/MeasureReport/r","resource":{"resourceType":"MeasureReport","id":"r",
            "status":"complete","type":"subject-list","measure":"http://example.org/Measure/other",
            "period":{"start":"2020-01-01"},"group":[{"population":[)" +
                             population("numerator", R"(,"count":2)") + "]}]}}]}";
        CHECK(measure_rules(validate(validator, bundle)) ==
              std::vector<std::string>{"fhir.measure.report-count-mismatch"});
    }
    SUBCASE("an unknown Measure is a warning only") {
        std::string text = report("summary", "{}");
        text.replace(text.find("Measure/m"), 9, "Measure/unknown");
        auto found = validate(validator, text);
        CHECK(measure_rules(found).empty());
        CHECK(count_of(measure_rules(found, formats::Severity::warning), "fhir.measure.report-measure-not-found") == 1);
    }
}

TEST_CASE("fhir validator measure: a Measure's CQL criteria against its libraries") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    const std::string elm = R"(<?xml version="1.0" encoding="UTF-8"?>
<library xmlns="urn:hl7-org:elm:r1"><statements><def name="Initial Population"/><def name="Age Group"/></statements></library>)";
    definitions->add(nlohmann::json::parse(library("Lib", "application/elm+xml", elm)));
    definitions->add(nlohmann::json::parse(
        library("CqlOnly", "text/cql",
                "library CqlOnly\n\ndefine \"Age Group\":\n  true\n\ndefine function Twice(x Integer): x * 2\n")));
    fhir::FhirValidator validator(definitions);

    SUBCASE("a definition of the ELM") {
        CHECK(measure_rules(
                  validate(validator, measure_with_stratifier("http://example.org/Library/Lib", "Lib.Age Group")))
                  .empty());
        CHECK(measure_rules(validate(validator, measure_with_stratifier("http://example.org/Library/Lib", "Age Group")))
                  .empty());
    }
    SUBCASE("a name the ELM does not define") {
        CHECK(
            measure_rules(validate(validator, measure_with_stratifier("http://example.org/Library/Lib", "Lib.Nine"))) ==
            std::vector<std::string>{"fhir.measure.cql-not-found"});
    }
    SUBCASE("a library the Measure does not have") {
        CHECK(
            measure_rules(validate(validator, measure_with_stratifier("http://example.org/Library/Lib", "Other.X"))) ==
            std::vector<std::string>{"fhir.measure.cql-library-not-found"});
    }
    SUBCASE("without ELM, the CQL text's definitions") {
        CHECK(measure_rules(validate(validator, measure_with_stratifier("http://example.org/Library/CqlOnly",
                                                                        "CqlOnly.Age Group")))
                  .empty());
        CHECK(measure_rules(
                  validate(validator, measure_with_stratifier("http://example.org/Library/CqlOnly", "CqlOnly.Twice")))
                  .empty());
        CHECK(measure_rules(validate(
                  validator, measure_with_stratifier("http://example.org/Library/CqlOnly", "CqlOnly.Missing"))) ==
              std::vector<std::string>{"fhir.measure.cql-not-found"});
    }
    SUBCASE("an unresolved absolute library: noted, expressions not checked") {
        auto found = validate(validator, measure_with_stratifier("http://example.org/Library/Elsewhere", "X.Y"));
        CHECK(measure_rules(found).empty());
        CHECK(measure_rules(found, formats::Severity::information) ==
              std::vector<std::string>{"fhir.measure.library-not-found"});
    }
    SUBCASE("a relative library reference names no library") {
        auto found = validate(validator, measure_with_stratifier("Library/lib", "X.Y"));
        CHECK(measure_rules(found) == std::vector<std::string>{"fhir.measure.no-cql-library"});
    }
}
