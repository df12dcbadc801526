#include "cda/schema_locator.hpp"
#include "cda/validation.hpp"
#include "formats/errors.hpp"
#include "tests/support/test_support.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>

namespace fs = std::filesystem;
using healthdoc::cda::ValidationSettings;
using healthdoc::cda::Validator;
using healthdoc::formats::DocumentReport;
using healthdoc::formats::Severity;
using healthdoc::formats::SourceText;

namespace {

const char* k_ans = "reference/cda/ans-testcontenucda";

// Compiling CDA_extended.xsd is the slow part: one validator per test binary.
const Validator* ans_validator() {
    static std::unique_ptr<Validator> validator = [] {
        auto kit = healthdoc::test::shared_path(k_ans);
        if (!kit) return std::unique_ptr<Validator>();
        ValidationSettings settings;
        settings.schemas = (*kit / "infrastructure/cda/CDA_extended.xsd").string();
        settings.cisis_header_rules = false; // the schema layer alone
        healthdoc::formats::Diagnostics setup;
        return std::make_unique<Validator>(settings, setup);
    }();
    return validator.get();
}

std::size_t line_of(const std::string& text, const std::string& needle) {
    auto at = text.find(needle);
    REQUIRE_MESSAGE(at != std::string::npos, needle);
    return static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) + 1;
}

std::string errors_of(const DocumentReport& report) {
    std::string out;
    for (const auto& d : report.diagnostics.items())
        out += d.rule + " " + std::to_string(d.location.line) + ":" + std::to_string(d.location.column) + " " +
               d.message + "\n";
    return out;
}

} // namespace

TEST_CASE("cda::validation_ans_examples_are_schema_valid") {
    auto examples = REQUIRE_SHARED(std::string(k_ans) + "/ExemplesCDA");
    if (!examples) return;
    const auto* validator = ans_validator();
    REQUIRE(validator);
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(*examples)) {
        if (entry.path().extension() != ".xml") continue;
        auto report = validator->validate(SourceText::from_file(entry.path().string()));
        CHECK_MESSAGE(!report.diagnostics.has_at_least(Severity::error), entry.path().filename().string()
                                                                             << "\n"
                                                                             << errors_of(report));
        CHECK(report.kind.rfind("cda", 0) == 0);
        ++count;
    }
    CHECK(count >= 60);
}

TEST_CASE("cda::validation_hl7_samples") {
    auto schemas = REQUIRE_SHARED("reference/cda/hl7-cda-schemas");
    if (!schemas) return;
    healthdoc::formats::Diagnostics setup;
    SUBCASE("normative samples against CDA.xsd") {
        ValidationSettings settings;
        settings.schemas = (*schemas / "schema/normative/infrastructure/cda/CDA.xsd").string();
        settings.cisis_header_rules = false; // the schema layer alone
        Validator validator(settings, setup);
        for (const char* name : {"SampleCDADocument.xml", "SampleCDADocumentNoStyle.xml"}) {
            auto report = validator.validate(
                SourceText::from_file((*schemas / "schema/normative/infrastructure/cda" / name).string()));
            CHECK_MESSAGE(report.diagnostics.empty(), name << "\n" << errors_of(report));
        }
        SUBCASE("the C-CDA sample uses sdtc: extensions that CDA.xsd refuses") {
            auto report = validator.validate(SourceText::from_file((*schemas / "examples/sampleCCD.xml").string()));
            CHECK(report.diagnostics.has_at_least(Severity::error));
        }
    }
    SUBCASE("the C-CDA sample against CDA_SDTC.xsd") {
        ValidationSettings settings;
        settings.schemas = (*schemas / "schema/extensions/SDTC/infrastructure/cda").string();
        settings.cisis_header_rules = false; // the schema layer alone
        Validator validator(settings, setup);
        CHECK(validator.schema_path().find("CDA_SDTC.xsd") != std::string::npos);
        auto report = validator.validate(SourceText::from_file((*schemas / "examples/sampleCCD.xml").string()));
        CHECK_MESSAGE(report.diagnostics.empty(), errors_of(report));
    }
}

TEST_CASE("cda::validation_mutations") {
    auto kit = REQUIRE_SHARED(k_ans);
    if (!kit) return;
    const auto* validator = ans_validator();
    REQUIRE(validator);
    auto original = healthdoc::test::read_file(*kit / "ExemplesCDA/VAC-NOTE_2023.01.xml");

    auto check_single = [&](const std::string& text, const std::string& rule, std::size_t line, Severity severity) {
        auto report = validator->validate(SourceText("mutated.xml", text));
        INFO(errors_of(report));
        REQUIRE(report.diagnostics.size() >= 1);
        const auto& first = report.diagnostics.items().front();
        CHECK(first.rule == rule);
        CHECK(first.severity == severity);
        CHECK(first.location.file == "mutated.xml");
        CHECK(first.location.line == line);
        CHECK(first.location.column > 0);
        CHECK_FALSE(report.unreadable);
    };

    SUBCASE("an unknown element") {
        auto text =
            std::regex_replace(original, std::regex("(<title>NOTE DE VACCINATION</title>)"), "$1\n  <frobnicate/>");
        check_single(text, "cda.schema.unexpected-element", line_of(text, "<frobnicate/>"), Severity::error);
        auto report = validator->validate(SourceText("mutated.xml", text));
        CHECK(report.diagnostics.items().front().location.path.find("frobnicate") != std::string::npos);
        CHECK(report.diagnostics.items().front().message.find("<frobnicate>") != std::string::npos);
    }
    SUBCASE("a missing required element") {
        auto text = std::regex_replace(original, std::regex("<assignedCustodian>[^]*?</assignedCustodian>"),
                                       "<assignedCustodian></assignedCustodian>");
        check_single(text, "cda.schema.missing-element", line_of(text, "<assignedCustodian></assignedCustodian>"),
                     Severity::error);
    }
    SUBCASE("a bad attribute value, never echoed") {
        auto text = std::regex_replace(original, std::regex(R"(<effectiveTime value="20210409153500\+0100" />)"),
                                       R"(<effectiveTime value="09/04/2021 SECRET" />)");
        check_single(text, "cda.schema.bad-attribute-value", line_of(text, "SECRET"), Severity::error);
        auto report = validator->validate(SourceText("mutated.xml", text));
        for (const auto& d : report.diagnostics.items()) CHECK(d.message.find("SECRET") == std::string::npos);
    }
    SUBCASE("a truncated file") {
        // Cut after a complete element, as a transfer cut short would.
        auto text = original.substr(0, original.find('\n', original.find("<setId")) + 1);
        auto report = validator->validate(SourceText("mutated.xml", text));
        REQUIRE_FALSE(report.diagnostics.empty());
        CHECK(report.diagnostics.items().front().rule == "xml.syntax.unclosed-tag");
        CHECK(report.diagnostics.items().front().severity == Severity::fatal);
        CHECK(report.diagnostics.items().front().message.find("ClinicalDocument") != std::string::npos);
        CHECK_FALSE(report.unreadable);
    }
    SUBCASE("a DOCTYPE with an entity") {
        auto text = std::regex_replace(original, std::regex("(<ClinicalDocument)"),
                                       "<!DOCTYPE ClinicalDocument [<!ENTITY x \"boom\">]>\n$1");
        check_single(text, "xml.security.doctype", line_of(text, "<!DOCTYPE"), Severity::fatal);
    }
}

TEST_CASE("cda::validation_inputs_that_are_not_documents") {
    healthdoc::formats::Diagnostics setup;
    ValidationSettings settings;
    settings.rules_dir = "/nonexistent-healthdoc-rules";
    Validator validator(settings, setup);
    SUBCASE("without any schema the layer is skipped once, with a warning") {
        REQUIRE(setup.size() == 1);
        CHECK(setup.items().front().rule == "cda.schema.skipped");
        CHECK(setup.items().front().severity == Severity::warning);
        CHECK(validator.schema_path().empty());
    }
    SUBCASE("a PDF") {
        auto report = validator.validate(SourceText("r.pdf", "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n"));
        CHECK(report.unreadable);
        CHECK(report.diagnostics.items().front().rule == "validate.input.not-validatable");
    }
    SUBCASE("binary noise") {
        auto report = validator.validate(SourceText("x.bin", std::string("\x00\x01\x02\xFF\xFE\x00", 6)));
        CHECK(report.unreadable);
        CHECK(report.diagnostics.items().front().rule == "io.detect.unknown-format");
    }
    SUBCASE("broken FHIR JSON") {
        auto report = validator.validate(SourceText("p.json", "{\"resourceType\": \"Patient\",\n  \"id\": }"));
        CHECK_FALSE(report.unreadable);
        REQUIRE_FALSE(report.diagnostics.empty());
        CHECK(report.diagnostics.items().front().rule == "json.syntax.invalid");
        CHECK(report.diagnostics.items().front().location.line == 2);
    }
    SUBCASE("deeply nested JSON is refused, not recursed into") {
        std::string deep =
            "{\"resourceType\":\"Patient\",\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
        auto report = validator.validate(SourceText("deep.json", deep));
        REQUIRE_FALSE(report.diagnostics.empty());
        CHECK(report.diagnostics.items().front().rule == "json.limits.too-deep");
    }
}

TEST_CASE("cda::validation_schema_location") {
    healthdoc::formats::Diagnostics setup;
    ValidationSettings settings;
    SUBCASE("an explicit schema that does not exist is a usage error") {
        settings.schemas = "/nonexistent/CDA.xsd";
        settings.cisis_header_rules = false; // the schema layer alone
        CHECK_THROWS_AS(Validator(settings, setup), healthdoc::UsageError);
    }
    SUBCASE("a schema that imports over the network is refused without fetching") {
        healthdoc::test::TempDir dir;
        healthdoc::test::write_file(dir / "CDA.xsd",
                                    "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
                                    "<xs:include schemaLocation='http://192.0.2.1/evil.xsd'/></xs:schema>");
        settings.schemas = (dir / "CDA.xsd").string();
        settings.cisis_header_rules = false;  // the schema layer alone
        Validator validator(settings, setup); // compiles in the background
        CHECK_THROWS_AS(validator.wait_until_ready(), healthdoc::UsageError);
        CHECK_THROWS_AS(validator.validate(SourceText("a.xml", "<ClinicalDocument xmlns='urn:hl7-org:v3'/>")),
                        healthdoc::UsageError);
    }
}

TEST_CASE("cda::validation_validate_all") {
    auto kit = REQUIRE_SHARED(k_ans);
    if (!kit) return;
    healthdoc::test::TempDir dir;
    auto original = healthdoc::test::read_file(*kit / "ExemplesCDA/VAC-NOTE_2023.01.xml");
    healthdoc::test::write_file(dir / "good.xml", original);
    healthdoc::test::write_file(
        dir / "bad.xml",
        std::regex_replace(original, std::regex("(<title>NOTE DE VACCINATION</title>)"), "$1\n  <frobnicate/>"));
    healthdoc::test::write_file(dir / "note.json", "{\"resourceType\": \"Patient\"}");
    ValidationSettings settings;
    settings.schemas = (*kit / "infrastructure/cda/CDA_extended.xsd").string();
    settings.cisis_header_rules = false; // the schema layer alone
    healthdoc::formats::Diagnostics setup;
    // A fresh validator: its schema compiles while the inputs are parsed ahead.
    Validator validator(settings, setup);
    std::vector<healthdoc::formats::InputRef> inputs;
    for (int round = 0; round < 5; ++round)
        for (const char* name : {"bad.xml", "good.xml", "missing.xml", "note.json"})
            inputs.push_back({(dir / name).string()});
    auto reports = validator.validate_all(inputs, 2);
    REQUIRE(reports.size() == inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        INFO(inputs[i].path);
        CHECK(reports[i].file == inputs[i].path);
        switch (i % 4) {
        case 0:
            REQUIRE(reports[i].diagnostics.size() == 1);
            CHECK(reports[i].diagnostics.items().front().rule == "cda.schema.unexpected-element");
            CHECK(reports[i].diagnostics.items().front().location.line == 44);
            break;
        case 1: CHECK(reports[i].diagnostics.empty()); break;
        case 2:
            CHECK(reports[i].unreadable);
            CHECK(reports[i].diagnostics.items().front().rule == "io.read.failed");
            break;
        case 3:
            // Checked by the FHIR layer when a core package is installed; no error either way.
            CHECK(reports[i].kind == "fhir-json");
            CHECK_FALSE(reports[i].diagnostics.has_at_least(healthdoc::formats::Severity::error));
            break;
        }
        CHECK(reports[i].seconds >= 0.0);
    }
}

TEST_CASE("cda::schema_locator") {
    using healthdoc::cda::find_cda_schema_in;
    using healthdoc::cda::locate_cda_schema;
    healthdoc::test::TempDir dir;
    auto schema = [&](const std::string& relative) {
        healthdoc::test::write_file(dir / relative, "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'/>");
        return dir / relative;
    };
    SUBCASE("an empty folder has no schema") { CHECK_FALSE(find_cda_schema_in(dir.path())); }
    SUBCASE("CDA_extended.xsd before CDA.xsd before CDA_SDTC.xsd, whatever their depth") {
        schema("CDA_SDTC.xsd");
        schema("a/CDA.xsd");
        CHECK(find_cda_schema_in(dir.path()) == dir / "a/CDA.xsd");
        schema("a/b/c/CDA_extended.xsd");
        CHECK(find_cda_schema_in(dir.path()) == dir / "a/b/c/CDA_extended.xsd");
    }
    SUBCASE("the shallowest of two files with the same name") {
        schema("z/y/CDA.xsd");
        schema("x/CDA.xsd");
        CHECK(find_cda_schema_in(dir.path()) == dir / "x/CDA.xsd");
    }
    SUBCASE("--schemas: a file is used as it is; a folder without a schema is a usage error") {
        auto any = schema("mine.xsd");
        CHECK(locate_cda_schema(any.string(), std::nullopt) == any);
        healthdoc::test::write_file(dir / "empty/readme.txt", "x");
        CHECK_THROWS_WITH_AS(locate_cda_schema((dir / "empty").string(), std::nullopt),
                             doctest::Contains("no CDA schema"), healthdoc::UsageError);
        CHECK_THROWS_WITH_AS(locate_cda_schema((dir / "nope").string(), std::nullopt),
                             doctest::Contains("no such file or folder"), healthdoc::UsageError);
    }
    SUBCASE("an installed ANS pack, then any pack holding a CDA schema") {
        if (std::getenv("HEALTHDOC_SCHEMAS")) return; // the environment would win
        CHECK_FALSE(locate_cda_schema(std::nullopt, (dir / "rules").string()));
        schema("rules/hl7/schema/CDA.xsd");
        CHECK(locate_cda_schema(std::nullopt, (dir / "rules").string()) == dir / "rules/hl7/schema/CDA.xsd");
        schema("rules/ans/infrastructure/cda/CDA_extended.xsd");
        CHECK(locate_cda_schema(std::nullopt, (dir / "rules").string()) ==
              dir / "rules/ans/infrastructure/cda/CDA_extended.xsd");
    }
}
