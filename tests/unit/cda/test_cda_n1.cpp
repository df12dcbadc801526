#include "cda/header.hpp"
#include "cda/n1_document.hpp"
#include "cda/n1_metadata.hpp"
#include "cda/pdf_info.hpp"
#include "cda/xds_metadata.hpp"
#include "cda/xsd_schema.hpp"
#include "formats/base64.hpp"
#include "formats/hash.hpp"
#include "formats/ids.hpp"
#include "formats/xml_document.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace healthdoc::cda;
using healthdoc::formats::Diagnostic;
using healthdoc::formats::Diagnostics;
using healthdoc::formats::Format;
using healthdoc::formats::Severity;
using healthdoc::formats::SourceText;
using healthdoc::test::read_file;
using healthdoc::test::source_path;

namespace {

const std::string k_uuid = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";

nlohmann::json example_json() {
    return nlohmann::json::parse(read_file(source_path("examples/n1/report.metadata.json")));
}

std::string example_pdf() { return read_file(source_path("examples/n1/report.pdf")); }

// Reproducible ids and clock.
N1Environment fixed_environment() {
    return {[] { return k_uuid; }, [] { return std::string("20240201120000+0100"); }};
}

N1Metadata read_metadata(const nlohmann::json& json, Diagnostics& out) {
    return read_n1_metadata(json, "meta.json", out);
}

std::vector<Diagnostic> errors_of(const Diagnostics& diagnostics) {
    std::vector<Diagnostic> errors;
    for (const auto& d : diagnostics.items())
        if (d.severity >= Severity::error) errors.push_back(d);
    return errors;
}

struct Converted {
    Diagnostics diagnostics;
    std::optional<std::string> document;
};

Converted convert(const nlohmann::json& json, const std::string& content = example_pdf(), Format format = Format::pdf) {
    Converted result;
    auto metadata = read_metadata(json, result.diagnostics);
    result.document = convert_to_n1(content, format, metadata, "meta.json", result.diagnostics, fixed_environment());
    return result;
}

bool has_rule(const Diagnostics& diagnostics, const std::string& rule) {
    for (const auto& d : diagnostics.items())
        if (d.rule == rule) return true;
    return false;
}

// Removes the member at a dotted JSON path ("patient.ins.nir").
void erase_path(nlohmann::json& json, const std::string& path) {
    nlohmann::json* object = &json;
    std::string rest = path;
    for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
        object = &(*object)[rest.substr(0, dot)];
        rest = rest.substr(dot + 1);
    }
    object->erase(rest);
}

} // namespace

TEST_CASE("cda::read_n1_metadata") {
    SUBCASE("the example reads without findings") {
        Diagnostics out;
        auto m = read_metadata(example_json(), out);
        check_n1_metadata(m, "meta.json", out);
        CHECK(out.empty());
        CHECK(m.ins == "184057505612340");
        CHECK(m.ins_kind == "test");
        CHECK(m.type_code.codeSystem == "2.16.840.1.113883.6.1");
        CHECK(m.author_specialty.codeSystem == "1.2.250.1.213.1.1.4.5");
        CHECK(m.practice_setting.codeSystem == "1.2.250.1.213.1.1.4.9");
        CHECK(m.facility_type.codeSystem == "1.2.250.1.71.4.2.4");
        CHECK(m.local_patient_id.extension == "IPP-000042");
        REQUIRE(m.legal_authenticator);
        CHECK(m.legal_authenticator->rpps == "10001234565");
    }
    SUBCASE("each missing required field is one error naming it") {
        const std::vector<std::string> required{"document.typeCode.code",
                                                "document.typeCode.displayName",
                                                "document.title",
                                                "patient.ins.nir",
                                                "patient.birthName",
                                                "patient.firstGivenName",
                                                "patient.givenNames",
                                                "patient.gender",
                                                "patient.birthTime",
                                                "patient.birthPlaceCode",
                                                "author.rpps",
                                                "author.family",
                                                "author.specialty.code",
                                                "author.specialty.displayName",
                                                "author.organization.id",
                                                "author.organization.name",
                                                "legalAuthenticator.rpps",
                                                "legalAuthenticator.family",
                                                "service.start",
                                                "service.practiceSetting.code",
                                                "service.practiceSetting.displayName",
                                                "encounter.facilityType.code",
                                                "encounter.facilityType.displayName"};
        for (const auto& path : required) {
            CAPTURE(path);
            auto json = example_json();
            erase_path(json, path);
            Diagnostics out;
            check_n1_metadata(read_metadata(json, out), "meta.json", out);
            auto errors = errors_of(out);
            REQUIRE(errors.size() == 1);
            CHECK(errors[0].rule == "cda.n1.missing-field");
            CHECK(errors[0].location.path == path);
            CHECK(errors[0].location.file == "meta.json");
            CHECK(errors[0].message.find(path) != std::string::npos);
        }
    }
    SUBCASE("a whole missing object names its required fields") {
        Diagnostics out;
        check_n1_metadata(read_metadata(nlohmann::json::object(), out), "meta.json", out);
        CHECK(errors_of(out).size() >= 15);
        CHECK(has_rule(out, "cda.n1.missing-field"));
    }
    SUBCASE("wrong JSON types and values are invalid fields, never a crash") {
        auto json = example_json();
        json["patient"]["ins"]["nir"] = 184057505612340;
        json["patient"]["gender"] = "X";
        json["author"]["organization"] = "not an object";
        json["document"]["effectiveTime"] = "2024-01-15";
        json["patient"]["ins"]["kind"] = "other";
        json["document"]["title"] = std::string("bell\x07");
        Diagnostics out;
        auto m = read_metadata(json, out);
        check_n1_metadata(m, "meta.json", out);
        std::vector<std::string> invalid_paths;
        for (const auto& d : out.items())
            if (d.rule == "cda.n1.invalid-field") invalid_paths.push_back(d.location.path);
        for (const auto* path : {"document.title", "patient.ins.nir", "patient.gender", "author.organization",
                                 "document.effectiveTime", "patient.ins.kind"})
            CHECK_MESSAGE(std::find(invalid_paths.begin(), invalid_paths.end(), path) != invalid_paths.end(), path);
        for (const auto& d : out.items()) CHECK(d.message.find("184057505612340") == std::string::npos);
    }
    SUBCASE("a root that is not an object, and unknown fields") {
        Diagnostics out;
        read_metadata(nlohmann::json::array(), out);
        CHECK(has_rule(out, "cda.n1.invalid-field"));
        auto json = example_json();
        json["patient"]["birthname"] = "typo";
        Diagnostics typo;
        read_metadata(json, typo);
        REQUIRE(typo.size() == 1);
        CHECK(typo.items()[0].rule == "cda.n1.unknown-field");
        CHECK(typo.items()[0].location.path == "patient.birthname");
    }
    SUBCASE("identifiers as root^extension or objects") {
        CHECK(parse_identifier("1.2.3^ABC") == Identifier{"1.2.3", "ABC", ""});
        CHECK(parse_identifier("1.2.3") == Identifier{"1.2.3", "", ""});
        auto json = example_json();
        json["document"]["id"] = {{"root", "1.2.3"}, {"extension", "X"}};
        Diagnostics out;
        CHECK(read_metadata(json, out).document_id == Identifier{"1.2.3", "X", ""});
    }
}

TEST_CASE("cda::convert_to_n1") {
    SUBCASE("header, template ids and body") {
        auto result = convert(example_json());
        REQUIRE(result.document);
        CHECK(errors_of(result.diagnostics).empty());
        Diagnostics parse;
        auto xml = healthdoc::formats::parse_xml(SourceText("n1.xml", *result.document), parse);
        REQUIRE(xml);
        auto header = read_header(xml->root());
        CHECK(header.realm_code == "FR");
        CHECK(header.template_ids ==
              std::vector<std::string>{k_template_hl7_france, k_template_cisis, k_template_xds_sd});
        CHECK(header.version_number == "1");
        CHECK(header.id.root == "1.2.250.1.213.1.1.9.999");
        CHECK(header.id.extension == "F81D4FAE7DEC11D0");
        CHECK(header.body == BodyKind::non_xml);
        CHECK(header.body_media_type == "application/pdf");
        CHECK(header.confidentiality.codeSystem == "2.16.840.1.113883.5.25");
        CHECK(header.language == "fr-FR");
        REQUIRE(header.legal_authenticator);
        CHECK(header.legal_authenticator->signature_code == "S");
        CHECK(header.patients.at(0).birth_place_code == "75056");
        auto text = xml->root().child("component").child("nonXMLBody").child("text");
        CHECK(std::string(text.attribute("representation").value()) == "B64");
        auto decoded = healthdoc::formats::base64_decode(text.text().get());
        REQUIRE(decoded);
        CHECK(*decoded == example_pdf());
        CHECK(healthdoc::formats::sha1_hex(*decoded) == healthdoc::formats::sha1_hex(example_pdf()));
    }
    SUBCASE("round trip: the XDS metadata of the document gives back the metadata") {
        auto result = convert(example_json());
        REQUIRE(result.document);
        Diagnostics parse;
        auto xml = healthdoc::formats::parse_xml(SourceText("n1.xml", *result.document), parse);
        REQUIRE(xml);
        Diagnostics mapping;
        auto entry = map_xds_metadata(read_header(xml->root()), *result.document, Format::cda, mapping);
        for (const auto& d : mapping.items()) CHECK_MESSAGE(d.severity < Severity::warning, d.rule);
        CHECK(entry.patient_id == "184057505612340^^^&1.2.250.1.213.1.4.10&ISO^NH");
        CHECK(entry.source_patient_id == "IPP-000042^^^&1.2.250.1.213.1.1.9.999.1&ISO^PI");
        CHECK(entry.author_person ==
              std::vector<std::string>{"810001234565^MEDECIN^Claire^^^MME^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"});
        CHECK(entry.author_institution ==
              std::vector<std::string>{"Cabinet du Dr Médecin^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1750001232"});
        CHECK(entry.legal_authenticator == "810001234565^MEDECIN^Claire^^^MME^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS");
        CHECK(entry.type_code.code == "11488-4");
        CHECK(entry.type_code.display == "CR ou fiche de consultation ou de visite");
        CHECK(entry.title == "Compte rendu de consultation");
        CHECK(entry.healthcare_facility_type_code.code == "SA07");
        CHECK(entry.practice_setting_code.code == "AMBULATOIRE");
        CHECK(entry.author_specialty.at(0).code == "G15_10/SM26");
        CHECK(entry.service_start_time == "20240115083000");
        CHECK(entry.service_stop_time == "20240115090000");
        CHECK(entry.creation_time == "20240115093000");
        CHECK(entry.format_code.code == "urn:ihe:iti:xds-sd:pdf:2008");
        CHECK(entry.confidentiality_code.code == "N");
        CHECK(entry.language_code == "fr-FR");
    }
    SUBCASE("generated ids and defaults") {
        auto json = example_json();
        json["document"].erase("idRoot");
        json["document"].erase("effectiveTime");
        json.erase("legalAuthenticator");
        json.erase("custodian");
        json["author"].erase("time");
        auto result = convert(json);
        REQUIRE(result.document);
        Diagnostics parse;
        auto header = read_header(healthdoc::formats::parse_xml(SourceText("n1.xml", *result.document), parse)->root());
        CHECK(header.id.root == healthdoc::formats::uuid_to_oid(k_uuid));
        CHECK(header.id.extension.empty());
        CHECK(header.effective_time.value == "20240201120000+0100");
        CHECK(header.authors.at(0).time.value == "20240201120000+0100");
        REQUIRE(header.legal_authenticator);
        CHECK(header.legal_authenticator->ids == header.authors.at(0).ids);
        CHECK(header.custodian.ids == header.authors.at(0).organization.ids);
    }
    SUBCASE("replacement: RPLC, same setId, next version") {
        auto json = example_json();
        json["replaces"] = {
            {"id", "1.2.250.1.213.1.1.9.999^OLD"}, {"setId", "1.2.250.1.213.1.1.9.999^SET"}, {"versionNumber", 3}};
        auto result = convert(json);
        REQUIRE(result.document);
        Diagnostics parse;
        auto header = read_header(healthdoc::formats::parse_xml(SourceText("n1.xml", *result.document), parse)->root());
        CHECK(header.set_id == Identifier{"1.2.250.1.213.1.1.9.999", "SET", ""});
        CHECK(header.version_number == "4");
        REQUIRE(header.related_documents.size() == 1);
        CHECK(header.related_documents[0].type_code == "RPLC");
        CHECK(header.related_documents[0].parent_ids.at(0) == Identifier{"1.2.250.1.213.1.1.9.999", "OLD", ""});
        CHECK(header.related_documents[0].parent_set_id == header.set_id);
        CHECK(header.related_documents[0].parent_version_number == "3");
    }
    SUBCASE("a missing field writes nothing") {
        auto json = example_json();
        json["patient"]["ins"].erase("nir");
        auto result = convert(json);
        CHECK_FALSE(result.document);
        auto errors = errors_of(result.diagnostics);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].rule == "cda.n1.missing-field");
        CHECK(errors[0].location.path == "patient.ins.nir");
    }
    SUBCASE("a PDF that does not declare PDF/A is written with a warning") {
        auto result = convert(example_json(), "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n");
        CHECK(result.document);
        CHECK(has_rule(result.diagnostics, "cda.n1.not-pdfa"));
        CHECK(errors_of(result.diagnostics).empty());
        auto example = convert(example_json());
        CHECK_FALSE(has_rule(example.diagnostics, "cda.n1.not-pdfa"));
    }
    SUBCASE("other media: text, and what an N1 body cannot carry") {
        auto text = convert(example_json(), "Compte rendu\n", Format::text);
        REQUIRE(text.document);
        CHECK(text.document->find("mediaType=\"text/plain\"") != std::string::npos);
        CHECK(text.diagnostics.empty());
        auto xml = convert(example_json(), "<a/>", Format::xml);
        CHECK_FALSE(xml.document);
        CHECK(has_rule(xml.diagnostics, "cda.n1.unsupported-media"));
        CHECK(n1_media_type(Format::jpeg) == "image/jpeg");
        CHECK(n1_media_type(Format::tiff) == "image/tiff");
        CHECK(n1_media_type(Format::rtf) == "text/rtf");
        CHECK_FALSE(n1_media_type(Format::cda));
    }
}

TEST_CASE("cda::convert_to_n1_ans_schema") {
    auto xsd = REQUIRE_SHARED("reference/cda/ans-testcontenucda/infrastructure/cda/CDA_extended.xsd");
    if (!xsd) return;
    auto schema = XsdSchema::load(*xsd);
    auto json = example_json();
    json["replaces"] = {{"id", "1.2.3^OLD"}, {"setId", "1.2.3^SET"}, {"versionNumber", "1"}};
    for (const auto& metadata : {example_json(), json}) {
        auto result = convert(metadata);
        REQUIRE(result.document);
        Diagnostics findings;
        auto xml = healthdoc::formats::parse_xml(SourceText("n1.xml", *result.document), findings);
        REQUIRE(xml);
        schema->validate(*xml, xml->root(), findings);
        CHECK(findings.empty());
        for (const auto& d : findings.items()) MESSAGE(d.rule << ": " << d.message);
    }
}

TEST_CASE("cda::find_pdfa_claim") {
    auto pdf = [](const std::string& xmp) { return "%PDF-1.4\n5 0 obj\n<< >>\nstream\n" + xmp + "\nendstream\n"; };
    const std::string ns = "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"";
    SUBCASE("element form in an xpacket") {
        auto claim = find_pdfa_claim(example_pdf());
        REQUIRE(claim);
        CHECK(claim->part == "1");
        CHECK(claim->conformance == "B");
    }
    SUBCASE("attribute form, any prefix, no xpacket wrapper") {
        auto claim = find_pdfa_claim(pdf(
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
            "<rdf:Description xmlns:a=\"http://www.aiim.org/pdfa/ns/id/\" a:part=\"2\" a:conformance=\"U\"/>"
            "</rdf:RDF></x:xmpmeta>"));
        REQUIRE(claim);
        CHECK(claim->part == "2");
        CHECK(claim->conformance == "U");
    }
    SUBCASE("no claim: no XMP, another namespace, malformed or truncated packets") {
        CHECK_FALSE(find_pdfa_claim("%PDF-1.4\n%%EOF\n"));
        CHECK_FALSE(
            find_pdfa_claim(pdf("<?xpacket begin=\"\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
                                "<d xmlns:pdfaid=\"urn:other\" pdfaid:part=\"1\"/></x:xmpmeta><?xpacket end=\"w\"?>")));
        CHECK_FALSE(find_pdfa_claim(pdf("<?xpacket begin=\"\"?><x:xmpmeta " + ns + "><pdfaid:part>1</pdfaid:part>")));
        CHECK_FALSE(find_pdfa_claim(pdf("<?xpacket begin=\"\"?><x:xmpmeta><<<<?xpacket end=\"w\"?>")));
        CHECK_FALSE(find_pdfa_claim(""));
    }
}
