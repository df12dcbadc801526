#include "formats/detect.hpp"

#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

using namespace healthdoc::formats;
using namespace std::string_literals;
using healthdoc::test::read_file;
using healthdoc::test::source_path;

namespace {

Detection detect(std::string bytes) { return detect_format(SourceText("t", std::move(bytes))); }
Format format_of(std::string bytes) { return detect(std::move(bytes)).format; }

} // namespace

TEST_CASE("formats::detect_format binary and text kinds") {
    CHECK(format_of("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n") == Format::pdf);
    CHECK(format_of("\xFF\xD8\xFF\xE0\0\x10JFIF"s) == Format::jpeg);
    CHECK(format_of("II*\0\x08\0\0\0"s) == Format::tiff);
    CHECK(format_of("MM\0*\0\0\0\x08"s) == Format::tiff);
    CHECK(format_of("{\\rtf1\\ansi Hello}") == Format::rtf);
    CHECK(format_of("Compte rendu\nR\xC3\xA9sultat normal.\n") == Format::text);
    CHECK(format_of("\xEF\xBB\xBFplain text with BOM") == Format::text);
    CHECK(format_of("caf\xE9 in latin1") == Format::unknown);
    CHECK(format_of("text\0with NUL"s) == Format::unknown);
    CHECK(format_of("\x89PNG\r\n\x1A\n\0\0"s) == Format::unknown);
    CHECK(format_of("") == Format::unknown);
    CHECK(format_of(" \n\t ") == Format::unknown);
    CHECK(format_of("\0\0\xFE\xFF\0\0\0<"s) == Format::unknown);
}

TEST_CASE("formats::detect_format XML") {
    SUBCASE("CDA, after declaration, comments, PIs and BOM") {
        auto d = detect(
            "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<?xml-stylesheet href=\"cda.xsl\"?>\n<!-- a > b -->\n"
            "<ClinicalDocument xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"urn:hl7-org:v3\">");
        CHECK(d.format == Format::cda);
        CHECK(d.root_name == "ClinicalDocument");
        CHECK(d.root_namespace == "urn:hl7-org:v3");
    }
    SUBCASE("prefixed CDA root") {
        CHECK(format_of("<hl7:ClinicalDocument xmlns:hl7='urn:hl7-org:v3'/>") == Format::cda);
        CHECK(format_of("<ClinicalDocument xmlns='urn:other'/>") == Format::xml);
        CHECK(format_of("<ClinicalDocument/>") == Format::xml);
    }
    SUBCASE("DOCTYPE is skipped, not interpreted") {
        CHECK(format_of("<!DOCTYPE x [ <!ENTITY a \"]>\"> ]>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>") ==
              Format::cda);
    }
    SUBCASE("FHIR XML") {
        auto d = detect("<?xml version=\"1.0\"?><Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"1\"/></Bundle>");
        CHECK(d.format == Format::fhir_xml);
        CHECK(d.root_name == "Bundle");
        CHECK(d.root_namespace == "http://hl7.org/fhir");
    }
    SUBCASE("auto-presentable CDA inside an XSLT stylesheet") {
        const std::string xsl =
            "<?xml version=\"1.0\"?><xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" "
            "xmlns:c=\"urn:hl7-org:v3\" xmlns:data=\"urn:asip-sante:ci-sis\">";
        auto d = detect(xsl + "<data:Contenu><c:ClinicalDocument><c:id root=\"1\"/></c:ClinicalDocument></data:Contenu>"
                              "<xsl:template match=\"/\"/></xsl:stylesheet>");
        CHECK(d.format == Format::cda_autopresentable);
        CHECK(d.root_name == "stylesheet");
        CHECK(d.root_namespace == "http://www.w3.org/1999/XSL/Transform");
        CHECK(format_of("<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><d><ClinicalDocument "
                        "xmlns=\"urn:hl7-org:v3\"/></d></xsl:stylesheet>") == Format::cda_autopresentable);
        // Declared on an intermediate element.
        CHECK(
            format_of("<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><d xmlns:h='urn:hl7-org:v3'>"
                      "<h:ClinicalDocument/></d></xsl:stylesheet>") == Format::cda_autopresentable);
        // A stylesheet for CDA (mentions it only in XPath) is plain XML.
        CHECK(format_of(xsl + "<xsl:template match=\"/c:ClinicalDocument\"/></xsl:stylesheet>") == Format::xml);
        CHECK(format_of("<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><ClinicalDocument "
                        "xmlns=\"urn:other\"/></xsl:stylesheet>") == Format::xml);
    }
    SUBCASE("other XML and broken prologs") {
        auto d = detect("<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        CHECK(d.format == Format::xml);
        CHECK(d.root_name == "svg");
        CHECK(format_of("<note>") == Format::xml);
        CHECK(format_of("<!-- never closed") == Format::text);
        CHECK(format_of("< not xml") == Format::text);
    }
    SUBCASE("UTF-16 XML") {
        auto utf16le =
            "\xFF\xFE<\0C\0l\0i\0n\0i\0c\0a\0l\0D\0o\0c\0u\0m\0e\0n\0t\0 \0x\0m\0l\0n\0s\0=\0'\0u\0r\0n\0:\0h\0l\0"
            "7\0-\0o\0r\0g\0:\0v\0003\0'\0/\0>\0"s;
        CHECK(format_of(utf16le) == Format::cda);
        auto utf16be_no_bom = "\0<\0a\0/\0>"s;
        CHECK(format_of(utf16be_no_bom) == Format::xml);
    }
}

TEST_CASE("formats::detect_format JSON") {
    auto patient = detect(read_file(source_path("tests/data/formats/fhir-patient.json")));
    CHECK(patient.format == Format::fhir_json);
    CHECK(patient.root_name == "Patient");
    CHECK(format_of("{\"resourceType\":\"Bundle\",\"entry\":[") == Format::fhir_json); // cut file: still FHIR
    CHECK(format_of("{\"a\": {\"resourceType\": \"Patient\"}}") == Format::json);
    CHECK(format_of("[{\"resourceType\": \"Patient\"}]") == Format::json);
    CHECK(format_of("{\"resourceType\": 3}") == Format::json);
    CHECK(format_of("{\"a\": \"\\\"}\", \"resourceType\": \"Observation\"}") == Format::fhir_json);
    CHECK(format_of("  {}") == Format::json);
    CHECK(format_of("{ not json") == Format::text);
    CHECK(format_of("[INFO] a log line") == Format::text);
    std::string deep(100000, '[');
    CHECK(format_of(deep) == Format::text); // must not recurse
}

TEST_CASE("formats::to_string and media_type") {
    CHECK(to_string(Format::cda) == "cda");
    CHECK(to_string(Format::cda_autopresentable) == "cda-autopresentable");
    CHECK(to_string(Format::fhir_json) == "fhir-json");
    CHECK(to_string(Format::fhir_xml) == "fhir-xml");
    CHECK(to_string(Format::unknown) == "unknown");
    CHECK(media_type(Format::cda) == "text/xml");
    CHECK(media_type(Format::cda_autopresentable) == "application/xslt+xml");
    CHECK(media_type(Format::fhir_json) == "application/fhir+json");
    CHECK(media_type(Format::fhir_xml) == "application/fhir+xml");
    CHECK(media_type(Format::pdf) == "application/pdf");
    CHECK(media_type(Format::text) == "text/plain");
    CHECK(media_type(Format::jpeg) == "image/jpeg");
    CHECK(media_type(Format::tiff) == "image/tiff");
    CHECK(media_type(Format::rtf) == "text/rtf");
    CHECK(media_type(Format::xml) == "application/xml");
    CHECK(media_type(Format::json) == "application/json");
    CHECK(media_type(Format::unknown) == "application/octet-stream");
}

TEST_CASE("formats::detect_format reference CDA examples") {
    auto ref = REQUIRE_SHARED("reference/cda/ans-testcontenucda/ExemplesCDA");
    if (!ref) return;
    std::size_t autopresentable = 0, cda = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*ref)) {
        if (entry.path().extension() != ".xml") continue;
        auto name = entry.path().filename().string();
        CAPTURE(name);
        auto d = detect_format(SourceText::from_file(entry.path().string()));
        bool expect_autopresentable = read_file(entry.path()).find("<xsl:stylesheet") != std::string::npos;
        CHECK(d.format == (expect_autopresentable ? Format::cda_autopresentable : Format::cda));
        (d.format == Format::cda_autopresentable ? autopresentable : cda) += 1;
    }
    CHECK(autopresentable >= 1);
    CHECK(cda >= 10);
}

TEST_CASE("formats::detect_format reference FHIR R4 examples") {
    auto ref = REQUIRE_SHARED("reference/fhir/r4-examples");
    if (!ref) return;
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*ref)) {
        auto name = entry.path().filename().string();
        if (entry.path().extension() != ".json" || name == "package.json") continue;
        CAPTURE(name);
        auto bytes = read_file(entry.path());
        auto d = detect_format(SourceText(name, bytes));
        CHECK(d.format == Format::fhir_json);
        CHECK(d.root_name == nlohmann::json::parse(bytes).at("resourceType").get<std::string>());
        ++count;
    }
    CHECK(count > 100);
}
