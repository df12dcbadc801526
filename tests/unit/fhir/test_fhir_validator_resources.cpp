// Focused cases of the FHIR validator's resource-specific rules: QuestionnaireResponse against
// its Questionnaire, Questionnaire enableWhen links, code displays, code bindings without a
// system, security checks of strings.
#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/fhir/validator_test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

using namespace healthdoc;

namespace {

using test::core;
using test::validate;

std::vector<const formats::Diagnostic*> with_rule(const formats::Diagnostics& found, const std::string& rule) {
    std::vector<const formats::Diagnostic*> out;
    for (const auto& d : found.items())
        if (d.rule == rule) out.push_back(&d);
    return out;
}

std::size_t errors(const formats::Diagnostics& found) {
    return found.count(formats::Severity::error) + found.count(formats::Severity::fatal);
}

const char* questionnaire = R"({"resourceType":"Questionnaire","url":"http://example.org/Questionnaire/q",
  "status":"draft","item":[
   {"linkId":"1","type":"boolean","required":true},
   {"linkId":"2","type":"choice","answerOption":[{"valueCoding":{"code":"B"}}]},
   {"linkId":"g","type":"group","repeats":true,"item":[
     {"linkId":"condition","type":"boolean"},
     {"linkId":"dependent","type":"boolean","required":true,
      "enableWhen":[{"question":"condition","operator":"=","answerBoolean":true}]}]}]})";

} // namespace

TEST_CASE("fhir validator resources: QuestionnaireResponse against its Questionnaire") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    definitions->add(nlohmann::json::parse(questionnaire));
    fhir::FhirValidator validator(definitions);
    const std::string head =
        R"({"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/Questionnaire/q|1","status":"completed","item":[)";

    SUBCASE("a complete response has no error") {
        auto found = validate(validator, head + R"({"linkId":"1","answer":[{"valueBoolean":false}]},
          {"linkId":"g","item":[{"linkId":"condition","answer":[{"valueBoolean":true}]},
                                {"linkId":"dependent","answer":[{"valueBoolean":true}]}]}]})");
        CHECK(errors(found) == 0);
    }
    SUBCASE("unknown linkId, wrong answer type, string answer to a coding option list") {
        auto found = validate(validator, head + R"({"linkId":"1","answer":[{"valueString":"x"}]},
          {"linkId":"2","answer":[{"valueString":"open"}]},{"linkId":"3","answer":[{"valueBoolean":true}]}]})");
        auto unknown = with_rule(found, "fhir.questionnaire.unknown-link-id");
        REQUIRE(unknown.size() == 1);
        CHECK(unknown[0]->message == "LinkId '3' not found in questionnaire");
        CHECK(unknown[0]->location.path == "QuestionnaireResponse");
        CHECK(with_rule(found, "fhir.questionnaire.answer-type").size() == 1);
        auto options = with_rule(found, "fhir.questionnaire.no-options");
        REQUIRE(options.size() == 1);
        CHECK(options[0]->location.path == "QuestionnaireResponse.item[1].answer[0]");
    }
    SUBCASE("enableWhen: answers to disabled items, required enabled items missing") {
        auto found = validate(validator, head + R"({"linkId":"1","answer":[{"valueBoolean":true}]},
          {"linkId":"g","item":[{"linkId":"condition","answer":[{"valueBoolean":false}]},
                                {"linkId":"dependent","answer":[{"valueBoolean":true}]}]},
          {"linkId":"g","item":[{"linkId":"condition","answer":[{"valueBoolean":true}]}]},
          {"linkId":"g","item":[{"linkId":"condition","answer":[{"valueBoolean":false}]}]}]})");
        auto disabled = with_rule(found, "fhir.questionnaire.not-enabled");
        REQUIRE(disabled.size() == 1);
        CHECK(disabled[0]->location.path == "QuestionnaireResponse.item[1].item[1]");
        auto missing = with_rule(found, "fhir.questionnaire.required-missing");
        REQUIRE(missing.size() == 1);
        CHECK(missing[0]->location.path == "QuestionnaireResponse.item[2]");
        CHECK(errors(found) == 2);
    }
    SUBCASE("a required top-level item without answer") {
        auto found = validate(validator, head + R"({"linkId":"2","answer":[{"valueCoding":{"code":"B"}}]}]})");
        auto missing = with_rule(found, "fhir.questionnaire.required-missing");
        REQUIRE(missing.size() == 1);
        CHECK(missing[0]->message == "No response answer found for required item '1'");
    }
}

TEST_CASE("fhir validator resources: Questionnaire enableWhen links") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    fhir::FhirValidator validator(core(*packages));
    auto found = validate(validator, R"({"resourceType":"Questionnaire","status":"draft","item":[
      {"linkId":"group","type":"group","enableWhen":[{"question":"inner","operator":"=","answerBoolean":true}],
       "item":[{"linkId":"inner","type":"boolean"}]}]})");
    auto inner = with_rule(found, "fhir.questionnaire.enable-when-inner");
    REQUIRE(inner.size() == 1);
    CHECK(inner[0]->location.path == "Questionnaire.item[0]");
}

TEST_CASE("fhir validator resources: codes and displays") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    fhir::FhirValidator validator(core(*packages));
    auto contact = [](const std::string& display) {
        return R"({"resourceType":"Patient","contact":[{"relationship":[{"coding":[{"system":
          "http://terminology.hl7.org/CodeSystem/v2-0131","code":"C","display":")" +
               display + R"("}]}],"name":{"text":"S"}}]})";
    };
    SUBCASE("the code system's display, a designation, or another case are accepted") {
        CHECK(errors(validate(validator, contact("Emergency Contact"))) == 0);
        CHECK(errors(validate(validator, contact("Ansprechpartner in Notfällen"))) == 0);
        CHECK(errors(validate(validator, contact("emergency contact"))) == 0);
    }
    SUBCASE("another display is an error listing the choices") {
        auto found = validate(validator, contact("alt-display"));
        auto wrong = with_rule(found, "fhir.terminology.wrong-display");
        REQUIRE(wrong.size() == 1);
        CHECK(wrong[0]->location.path == "Patient.contact[0].relationship[0].coding[0].display");
        CHECK(wrong[0]->message.find("'Emergency Contact'") != std::string::npos);
    }
    SUBCASE("a code in no system of a required value set: the system is reported too") {
        auto found = validate(validator, R"({"resourceType":"Patient","gender":"unknownish"})");
        CHECK(with_rule(found, "fhir.binding.no-system").size() == 1);
        CHECK(with_rule(found, "fhir.binding.required").size() == 1);
    }
    SUBCASE("a primitive's value never goes in its '_name' object") {
        auto found = validate(validator, R"({"resourceType":"Patient","_birthDate":{"value":"x"}})");
        CHECK(errors(found) >= 1);
    }
}

TEST_CASE("fhir validator resources: security checks of strings") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    const std::string patient = R"({"resourceType":"Patient","name":[{"text":"Standard <script>x</script>"}]})";
    const std::string harmless = R"({"resourceType":"Patient","name":[{"text":"a < b and c > d"}]})";
    fhir::FhirValidator lenient(definitions);
    CHECK(with_rule(validate(lenient, patient), "fhir.security.embedded-html").empty());
    fhir::FhirValidationOptions options;
    options.security_checks = true;
    fhir::FhirValidator strict(definitions, options);
    auto found = validate(strict, patient);
    auto html = with_rule(found, "fhir.security.embedded-html");
    REQUIRE(html.size() == 1);
    CHECK(html[0]->location.path == "Patient.name[0].text");
    CHECK(errors(validate(strict, harmless)) == 0);
}

TEST_CASE("fhir validator resources: enableWhen expression extension") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    auto definitions = core(*packages);
    definitions->add(
        nlohmann::json::parse(R"json({"resourceType":"Questionnaire","url":"http://example.org/Questionnaire/x",
      "status":"draft","item":[{"linkId":"condition","type":"boolean"},
      {"linkId":"dependent","type":"boolean","extension":[{"url":
        "http://phr.kanta.fi/StructureDefinition/fiphr-ext-questionnaire-enablewhen","valueString":
        "QuestionnaireResponse.descendants().where(linkId='condition').answer.value.ofType(boolean)"
}]
}]
})json"));
    fhir::FhirValidator validator(definitions);
    auto found = validate(validator, R"({"resourceType":"QuestionnaireResponse","questionnaire":
      "http://example.org/Questionnaire/x","status":"completed","item":[
      {"linkId":"condition","answer":[{"valueBoolean":false}]},{"linkId":"dependent","answer":[{"valueBoolean":true}]}]})");
    auto disabled = with_rule(found, "fhir.questionnaire.not-enabled");
    REQUIRE(disabled.size() == 1);
    CHECK(disabled[0]->location.path == "QuestionnaireResponse.item[1]");
}
