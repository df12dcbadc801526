#include "cda/xsd_messages.hpp"
#include "cda/xsd_schema.hpp"
#include "formats/errors.hpp"
#include "tests/support/test_support.hpp"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using healthdoc::cda::rewrite_xsd_message;
using healthdoc::cda::XsdSchema;
using healthdoc::formats::Diagnostics;
using healthdoc::formats::Severity;
using healthdoc::formats::SourceText;

namespace {

// tests/data/cda/xsd/mini.xsd: a CDA-like schema whose types sit in an included file.
const XsdSchema& mini_schema() {
    static auto schema = XsdSchema::load(healthdoc::test::source_path("tests/data/cda/xsd/mini.xsd"));
    return *schema;
}

const std::string k_valid = R"(<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" classCode="DOCCLIN">
  <title>Note</title>
  <effectiveTime value="20240131"/>
  <code code="X"/>
  <value xsi:type="TS" value="202401311200"/>
  <value xsi:type="CS" code="A"/>
  <count>12</count>
  <custodian>ACME</custodian>
</ClinicalDocument>
)";

Diagnostics validate(const std::string& text) {
    Diagnostics out;
    auto document = healthdoc::formats::parse_xml(SourceText("doc.xml", text), out);
    REQUIRE_MESSAGE(document, "the test document must be well-formed");
    mini_schema().validate(*document, document->root(), out);
    return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from);
    return text.replace(at, from.size(), to);
}

std::string listing(const Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics.items())
        out += std::to_string(d.location.line) + ":" + std::to_string(d.location.column) + " " + d.message + " [" +
               d.rule + "] " + d.location.path + "\n";
    return out;
}

} // namespace

TEST_CASE("cda::xsd_schema") {
    SUBCASE("a valid document, with types from a schema included by relative path") {
        auto found = validate(k_valid);
        CHECK_MESSAGE(found.empty(), listing(found));
    }

    struct Case {
        const char* name;
        std::string from, to;
        const char* rule;
        std::size_t line, column;
        const char* message_part;
    };
    const std::vector<Case> cases = {
        {"unknown element", "<title>Note</title>", "<title>Note</title>\n  <frob/>", "cda.schema.unexpected-element", 4, 3,
         "element <frob> is not allowed here; expected <effectiveTime>"},
        {"missing element", "  <custodian>ACME</custodian>\n", "", "cda.schema.missing-element", 2, 1,
         "element <ClinicalDocument> is missing a required child element; expected <custodian>"},
        {"pattern of an attribute", "value=\"20240131\"", "value=\"31/01/2024 SECRET\"", "cda.schema.bad-attribute-value",
         4, 3, "attribute @value of <effectiveTime>: the value is not accepted by the pattern '[0-9]{8}([0-9]{4})?'"},
        {"enumeration of an attribute", "classCode=\"DOCCLIN\"", "classCode=\"SECRET\"", "cda.schema.bad-attribute-value", 2,
         1, "is not an element of the set {'DOCCLIN', 'OBS'}"},
        {"attribute not allowed", "<title>", "<title foo=\"SECRET\">", "cda.schema.unexpected-attribute", 3, 3,
         "attribute @foo is not allowed on <title>"},
        {"attribute missing", "<effectiveTime value=\"20240131\"/>", "<effectiveTime/>", "cda.schema.missing-attribute", 4,
         3, "attribute @value of <effectiveTime> is required but missing"},
        {"unknown xsi:type", "xsi:type=\"TS\"", "xsi:type=\"Unknown\"", "cda.schema.bad-type", 6, 3,
         "attribute @xsi:type of <value>"},
        {"abstract type without xsi:type", "<value xsi:type=\"CS\" code=\"A\"/>", "<value code=\"A\"/>",
         "cda.schema.bad-type", 7, 3, "element <value> has an abstract type"},
        {"bad element text", "<count>12</count>", "<count>SECRET</count>", "cda.schema.bad-datatype", 8, 3,
         "element <count>: the value is not a valid value of the atomic type 'xs:int'"},
    };
    for (const auto& c : cases) {
        SUBCASE(c.name) {
            auto found = validate(replaced(k_valid, c.from, c.to));
            INFO(listing(found));
            REQUIRE_FALSE(found.empty());
            const auto& first = found.items().front();
            CHECK(first.rule == c.rule);
            CHECK(first.severity == Severity::error);
            CHECK(first.location.file == "doc.xml");
            CHECK(first.location.line == c.line);
            CHECK(first.location.column == c.column);
            CHECK(first.location.path.rfind("/ClinicalDocument", 0) == 0);
            CHECK(first.message.find(c.message_part) != std::string::npos);
            for (const auto& d : found.items()) {
                CHECK(d.message.find("SECRET") == std::string::npos);
                CHECK(d.message.find("urn:hl7-org:v3") == std::string::npos);
            }
        }
    }

    SUBCASE("an element inside a wrapper that declares the namespaces (auto-presentable layout)") {
        // xsi: and the default namespace are declared only on the wrapper, and xsi:type values
        // are QNames resolved through them (regression: the validator was not told about them).
        std::string wrapped = R"(<?xml version="1.0"?>
<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"
    xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:hl7="urn:hl7-org:v3">
  <xsl:template match="/">
    <ClinicalDocument classCode="DOCCLIN">
      <title>Note</title>
      <effectiveTime value="20240131"/>
      <value xsi:type="hl7:TS" value="20240131"/>
      <value xsi:type="CS"/>
      <custodian>ACME</custodian>
    </ClinicalDocument>
  </xsl:template>
</xsl:stylesheet>
)";
        Diagnostics out;
        auto document = healthdoc::formats::parse_xml(SourceText("auto.xml", wrapped), out);
        REQUIRE(document);
        auto clinical = document->root().first_child().first_child();
        REQUIRE(std::string(clinical.name()) == "ClinicalDocument");
        mini_schema().validate(*document, clinical, out);
        CHECK_MESSAGE(out.empty(), listing(out));

        Diagnostics bad;
        auto broken = healthdoc::formats::parse_xml(SourceText("auto.xml", replaced(wrapped, "<title>", "<title x=\"1\">")), bad);
        REQUIRE(broken);
        mini_schema().validate(*broken, broken->root().first_child().first_child(), bad);
        REQUIRE(bad.size() == 1);
        CHECK(bad.items().front().location.line == 6);
        CHECK(bad.items().front().location.column == 7);
    }

    SUBCASE("many threads share one compiled schema") {
        auto text = replaced(k_valid, "<count>12</count>", "<count>x</count>");
        std::vector<std::string> results(4);
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < results.size(); ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 20; ++i) {
                    Diagnostics out;
                    auto document = healthdoc::formats::parse_xml(SourceText("doc.xml", text), out);
                    mini_schema().validate(*document, document->root(), out);
                    results[t] += listing(out);
                }
            });
        for (auto& thread : threads) thread.join();
        for (const auto& result : results) CHECK(result == results.front());
        CHECK(results.front().find("[cda.schema.bad-datatype]") != std::string::npos);
    }

    SUBCASE("loading the same schema again reuses the compiled form") {
        auto again = XsdSchema::load(healthdoc::test::source_path("tests/data/cda/xsd/mini.xsd"));
        CHECK(again->path().filename() == "mini.xsd");
    }
}

TEST_CASE("cda::xsd_schema_refusals") {
    healthdoc::test::TempDir dir;
    SUBCASE("an include over http is refused, not fetched") {
        healthdoc::test::write_file(dir / "CDA.xsd",
                                    "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
                                    "<xs:include schemaLocation='http://192.0.2.1/evil.xsd'/></xs:schema>");
        auto started = std::chrono::steady_clock::now();
        try {
            XsdSchema::load(dir / "CDA.xsd");
            FAIL("the schema was accepted");
        } catch (const healthdoc::UsageError& e) {
            std::string what = e.what();
            CHECK(what.find("http://192.0.2.1/evil.xsd") != std::string::npos);
            CHECK(what.find("never fetches schemas over the network") != std::string::npos);
        }
        // 192.0.2.1 is TEST-NET-1: a connection attempt would hang until a timeout.
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    }
    SUBCASE("an import over ftp is refused") {
        healthdoc::test::write_file(dir / "CDA.xsd",
                                    "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
                                    "<xs:import namespace='urn:x' schemaLocation='ftp://192.0.2.1/x.xsd'/>"
                                    "<xs:element name='a'/></xs:schema>");
        CHECK_THROWS_WITH_AS(XsdSchema::load(dir / "CDA.xsd"), doctest::Contains("ftp://192.0.2.1/x.xsd"),
                             healthdoc::UsageError);
    }
    SUBCASE("a file that is not a schema") {
        healthdoc::test::write_file(dir / "CDA.xsd", "<notaschema/>");
        CHECK_THROWS_WITH_AS(XsdSchema::load(dir / "CDA.xsd"), doctest::Contains("cannot be compiled"),
                             healthdoc::UsageError);
    }
    SUBCASE("a missing file") {
        CHECK_THROWS_AS(XsdSchema::load(dir / "nope.xsd"), healthdoc::UsageError);
    }
}

TEST_CASE("cda::xsd_messages") {
    SUBCASE("a value holding quotes is dropped whole") {
        auto finding = rewrite_xsd_message(
            "Element '{urn:hl7-org:v3}given', attribute 'value': [facet 'pattern'] The value 'O'Brien' is not "
            "accepted by the pattern '[A-Z]+'.\n");
        CHECK(finding.rule == "cda.schema.bad-attribute-value");
        CHECK(finding.attribute == "value");
        CHECK(finding.message == "attribute @value of <given>: the value is not accepted by the pattern '[A-Z]+'");
    }
    SUBCASE("a leading value") {
        auto finding = rewrite_xsd_message("Element '{urn:hl7-org:v3}count': 'Jean Dupont' is not a valid value of "
                                           "the atomic type 'xs:int'.");
        CHECK(finding.rule == "cda.schema.bad-datatype");
        CHECK(finding.message.find("Dupont") == std::string::npos);
    }
    SUBCASE("lengths and bounds") {
        auto finding = rewrite_xsd_message("Element '{urn:hl7-org:v3}id', attribute 'extension': [facet 'maxLength'] "
                                           "The value '1234567890123' has a length of '13'; this exceeds the allowed "
                                           "maximum length of '12'.");
        CHECK(finding.rule == "cda.schema.bad-attribute-value");
        CHECK(finding.message.find("1234567890123") == std::string::npos);
        CHECK(finding.message.find("maximum length of '12'") != std::string::npos);
    }
    SUBCASE("a huge value neither crashes nor shows") {
        std::string value(300000, 'A');
        auto finding = rewrite_xsd_message("Element '{urn:hl7-org:v3}x', attribute 'value': [facet 'pattern'] The value '" +
                                           value + "' is not accepted by the pattern '[0-9]+'.");
        CHECK(finding.message.size() < 200);
        auto huge_list = rewrite_xsd_message("Element '{urn:hl7-org:v3}x': [facet 'enumeration'] The value 'v' is "
                                             "not an element of the set {'" + value + "'}.");
        CHECK(huge_list.message.size() < 2200);
        // libxml2 cuts long messages: the value's end may be missing altogether.
        auto cut = rewrite_xsd_message("Element '{urn:hl7-org:v3}count': '" + value.substr(0, 900));
        CHECK(cut.rule == "cda.schema.bad-datatype");
        CHECK(cut.message == "element <count>: the value is not valid");
    }
    SUBCASE("odd input") {
        CHECK(rewrite_xsd_message("").rule == "cda.schema.invalid");
        CHECK(rewrite_xsd_message("Element '").rule == "cda.schema.invalid");
        CHECK(rewrite_xsd_message("Element 'a', attribute '").rule == "cda.schema.invalid");
        auto finding = rewrite_xsd_message("Something else entirely.");
        CHECK(finding.rule == "cda.schema.invalid");
        CHECK(finding.message == "something else entirely");
    }
}
