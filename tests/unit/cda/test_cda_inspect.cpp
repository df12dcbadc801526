#include "cda/inspect.hpp"

#include "formats/hash.hpp"
#include "tests/support/test_support.hpp"

#include <algorithm>
#include <string>

using healthdoc::cda::inspect_document;
using healthdoc::formats::Severity;
using healthdoc::formats::SourceText;
using healthdoc::test::read_file;
using healthdoc::test::source_path;

namespace {

SourceText data(const std::string& name) {
    return SourceText(name, read_file(source_path("tests/data/formats/" + name)));
}

} // namespace

TEST_CASE("cda::inspect_document CDA header") {
    auto source = data("header.cda.xml");
    auto report = inspect_document(source);
    CHECK(report.file == "header.cda.xml");
    CHECK(report.kind == "cda");
    CHECK_FALSE(report.unreadable);
    CHECK_FALSE(report.diagnostics.has_at_least(healthdoc::formats::Severity::error));
    const auto& d = report.details;
    CHECK(d["kind"] == "cda");
    CHECK(d["mediaType"] == "text/xml");
    CHECK(d["size"] == source.size());
    CHECK(d["sha1"] == healthdoc::formats::sha1_hex(source.bytes()));
    CHECK(d["root"]["name"] == "ClinicalDocument");
    CHECK(d["root"]["namespace"] == "urn:hl7-org:v3");
    const auto& doc = d["document"];
    CHECK(doc["id"]["root"] == "1.2.250.1.999.1.2.3");
    CHECK(doc["id"]["extension"] == "DOC-0001");
    CHECK(doc["setId"]["root"] == "1.2.250.1.999.1.2.4");
    CHECK_FALSE(doc["setId"].contains("extension"));
    CHECK(doc["versionNumber"] == "1");
    CHECK(doc["code"]["code"] == "11488-4");
    CHECK(doc["code"]["codeSystem"] == "2.16.840.1.113883.6.1");
    CHECK(doc["code"]["displayName"] == "Note de consultation");
    CHECK(doc["title"] == "Note de consultation");
    CHECK(doc["effectiveTime"] == "20240102103000+0100");
    CHECK(doc["confidentialityCode"] == "N");
    CHECK(doc["languageCode"] == "fr-FR");
    REQUIRE(doc["templateIds"].size() == 2);
    CHECK(doc["templateIds"][0] == "2.16.840.1.113883.2.8.2.1");
}

TEST_CASE("cda::inspect_document header read namespace-aware") {
    SUBCASE("prefixed v3 elements are read") {
        auto report = inspect_document(SourceText("p.xml", "<h:ClinicalDocument xmlns:h='urn:hl7-org:v3'><h:id "
                                                           "root='9.9'/><h:title>T</h:title></h:ClinicalDocument>"));
        CHECK(report.kind == "cda");
        CHECK(report.details["document"]["id"]["root"] == "9.9");
        CHECK(report.details["document"]["title"] == "T");
    }
    SUBCASE("elements from another namespace are ignored") {
        auto report =
            inspect_document(SourceText("p.xml", "<ClinicalDocument xmlns='urn:hl7-org:v3'><id xmlns='urn:other' "
                                                 "root='no'/><id root='yes'/></ClinicalDocument>"));
        CHECK(report.details["document"]["id"]["root"] == "yes");
    }
}

TEST_CASE("cda::inspect_document problems") {
    SUBCASE("truncated CDA: diagnostics, kind kept, no header") {
        auto report = inspect_document(data("truncated.xml"));
        CHECK(report.kind == "cda");
        CHECK_FALSE(report.unreadable);
        REQUIRE(report.diagnostics.size() == 1);
        CHECK(report.diagnostics.items()[0].rule == "xml.syntax.unclosed-tag");
        CHECK_FALSE(report.details.contains("document"));
        CHECK(report.details.contains("sha1"));
    }
    SUBCASE("unknown content is unreadable") {
        auto report = inspect_document(SourceText("blob.bin", std::string("\x00\x01\x02\xFF", 4)));
        CHECK(report.unreadable);
        CHECK(report.kind.empty());
        REQUIRE(report.diagnostics.size() == 1);
        CHECK(report.diagnostics.items()[0].severity == Severity::fatal);
        CHECK(report.diagnostics.items()[0].rule == "io.detect.unknown-format");
        CHECK(report.details["kind"] == "unknown");
    }
    SUBCASE("broken FHIR JSON: position, never the content") {
        auto report = inspect_document(SourceText("b.json", "{\"resourceType\": \"Patient\",\n \"name\": DUPONT}"));
        CHECK(report.kind == "fhir-json");
        REQUIRE(report.diagnostics.size() == 1);
        const auto& d = report.diagnostics.items()[0];
        CHECK(d.rule == "json.syntax.invalid");
        CHECK(d.location.line == 2);
        CHECK(d.location.column == 10);
        CHECK(d.message.find("DUPONT") == std::string::npos);
    }
    SUBCASE("XML limits apply") {
        healthdoc::formats::XmlLimits limits;
        limits.max_depth = 2;
        auto report = inspect_document(SourceText("d.xml", "<a><b><c/></b></a>"), limits);
        REQUIRE(report.diagnostics.size() == 1);
        CHECK(report.diagnostics.items()[0].rule == "xml.limits.too-deep");
    }
}

TEST_CASE("cda::inspect_document FHIR and other kinds") {
    SUBCASE("FHIR JSON") {
        auto report = inspect_document(data("fhir-patient.json"));
        CHECK(report.kind == "fhir-json");
        CHECK(report.diagnostics.empty());
        const auto& r = report.details["resource"];
        CHECK(r["resourceType"] == "Patient");
        CHECK(r["id"] == "example-1");
        CHECK(r["profiles"][0] == "http://hl7.org/fhir/StructureDefinition/Patient");
        CHECK(report.details["mediaType"] == "application/fhir+json");
    }
    SUBCASE("FHIR XML Bundle") {
        auto report = inspect_document(data("fhir-bundle.xml"));
        CHECK(report.kind == "fhir-xml");
        const auto& r = report.details["resource"];
        CHECK(r["resourceType"] == "Bundle");
        CHECK(r["id"] == "bundle-1");
        CHECK(r["type"] == "document");
        CHECK(r["entries"] == 2);
    }
    SUBCASE("PDF and plain text: kind, media type and hash only") {
        auto pdf = inspect_document(SourceText("a.pdf", "%PDF-1.4\n"));
        CHECK(pdf.kind == "pdf");
        CHECK(pdf.details["mediaType"] == "application/pdf");
        CHECK(pdf.diagnostics.empty());
        auto text = inspect_document(SourceText("a.txt", "hello\n"));
        CHECK(text.kind == "text");
        CHECK(text.details["sha1"] == "f572d396fae9206628714fb2ce00f72e94f2258f");
    }
}

TEST_CASE("cda::inspect_document ANS examples") {
    auto ref = REQUIRE_SHARED("reference/cda/ans-testcontenucda/ExemplesCDA");
    if (!ref) return;
    // The document id read by another way: in a CDA header nothing before ClinicalDocument/id
    // has an <id> child, so the first <id ...> after the root start tag is the document's.
    auto first_id_root = [](const std::string& text) {
        auto start = text.find("ClinicalDocument");
        while (start != std::string::npos && start > 0 && text[start - 1] != '<' && text[start - 1] != ':')
            start = text.find("ClinicalDocument", start + 1);
        auto id = std::min(text.find("<id ", start), text.find("<c:id ", start));
        auto root = text.find("root=\"", id);
        REQUIRE(root != std::string::npos);
        root += 6;
        return text.substr(root, text.find('"', root) - root);
    };
    std::size_t inspected = 0;
    for (const char* name : {"IPS-FR_2024.01.xml", "BIO-CR-BIO_2021.01_Auto-Presentable.xml", "VAC-NOTE_2023.01.xml"}) {
        CAPTURE(name);
        auto path = *ref / name;
        if (!std::filesystem::exists(path)) continue;
        auto text = read_file(path);
        auto expected_root = first_id_root(text);
        CHECK(expected_root.size() > 5);
        auto report = inspect_document(SourceText::from_file(path.string()));
        CHECK_FALSE(report.diagnostics.has_at_least(healthdoc::formats::Severity::warning));
        CHECK_FALSE(report.details["xds"]["patientId"].get<std::string>().empty());
        CHECK(report.kind == (text.find("<xsl:stylesheet") != std::string::npos ? "cda-autopresentable" : "cda"));
        CHECK(report.details["document"]["id"]["root"] == expected_root);
        CHECK(report.details["document"]["templateIds"].size() >= 2);
        CHECK_FALSE(report.details["document"]["code"]["code"].get<std::string>().empty());
        ++inspected;
    }
    CHECK(inspected >= 1);
}
