#include "cda/fhir_document_header.hpp"
#include "cda/xds_metadata.hpp"
#include "tests/support/test_support.hpp"

#include <doctest/doctest.h>

using namespace healthdoc;
using Json = nlohmann::json;

namespace {

Json example() { return Json::parse(test::read_file(test::source_path("examples/fhir/consultation-note.json"))); }

} // namespace

TEST_CASE("cda::read_fhir_document_header") {
    formats::Diagnostics out;
    auto header = cda::read_fhir_document_header(example(), out);
    REQUIRE(header);
    CHECK(out.empty());
    CHECK(header->id.root == "1.2.250.1.999.1.1.20240115.2");
    CHECK(header->id.extension.empty());
    CHECK(header->code.code == "11488-4");
    CHECK(header->code.codeSystem == "2.16.840.1.113883.6.1"); // http://loinc.org as its OID
    CHECK(header->effective_time.value == "20240115103000+0100");
    CHECK(header->language == "fr-FR");
    CHECK(header->confidentiality.code == "N");
    REQUIRE(header->patients.size() == 1);
    const auto& patient = header->patients.front();
    REQUIRE(patient.ids.size() == 1);
    CHECK(patient.ids[0].root == "1.2.250.1.213.1.4.10");
    CHECK(patient.ids[0].extension == "279035121518989");
    CHECK(patient.gender.code == "F");
    CHECK(patient.birth_time.value == "19790328");
    REQUIRE(header->authors.size() == 1);
    const auto& author = header->authors.front();
    CHECK(author.ids[0].root == "1.2.250.1.71.4.2.1");
    CHECK(author.code.code == "G15_10/SM26"); // PractitionerRole.specialty
    CHECK(author.organization.name == "Cabinet du Dr Medecin");
    REQUIRE(author.person);
    CHECK(author.person->family[0].text == "MEDECIN");
    REQUIRE(header->legal_authenticator);
    CHECK(header->legal_authenticator->time.value == "20240115110000+0100");
    CHECK(header->custodian.ids[0].extension == "1750001232");
    CHECK(header->service_period.low.value == "20240115100000+0100");
    CHECK(header->facility_type.code == "SA07");
    CHECK(header->facility_type.codeSystem == "1.2.250.1.71.4.2.4");

    formats::Diagnostics mapping;
    auto entry =
        cda::map_xds_metadata(*header, "{}", formats::Format::fhir_json, mapping, cda::HeaderSource::fhir_document);
    CHECK(entry.mime_type == "application/fhir+json");
    CHECK(entry.format_code.code == "urn:ihe:iti:xds:2017:mimeTypeSufficient");
    CHECK(entry.patient_id == "279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH");
    CHECK(entry.creation_time == "20240115093000");
    CHECK(entry.legal_authenticator.rfind("810001234565^MEDECIN^ALEX^", 0) == 0);
}

TEST_CASE("cda::read_fhir_document_header_references") {
    SUBCASE("relative and absolute references resolve by type and id") {
        Json document = example();
        document["entry"][1]["fullUrl"] = "http://example.org/fhir/Patient/p1";
        document["entry"][1]["resource"]["id"] = "p1";
        document["entry"][0]["resource"]["subject"]["reference"] = "Patient/p1";
        formats::Diagnostics out;
        auto header = cda::read_fhir_document_header(document, out);
        REQUIRE(header);
        CHECK(header->patients.front().ids.size() == 1);
    }
    SUBCASE("a reference outside the Bundle is a located warning") {
        Json document = example();
        document["entry"][0]["resource"]["subject"]["reference"] = "Patient/elsewhere";
        formats::Diagnostics out;
        auto header = cda::read_fhir_document_header(document, out);
        REQUIRE(header);
        REQUIRE(out.size() == 1);
        CHECK(out.items()[0].rule == "fhir.document.unresolved-reference");
        CHECK(out.items()[0].location.path == "Bundle.entry[0].resource.subject");
        CHECK(header->patients.front().ids.empty());
    }
    SUBCASE("a replacement names the replaced document by its identifier") {
        Json document = example();
        document["entry"][0]["resource"]["relatesTo"] = Json::array(
            {Json{{"code", "replaces"}, {"targetIdentifier", {{"system", "urn:oid:1.2.3"}, {"value", "X"}}}}});
        formats::Diagnostics out;
        auto header = cda::read_fhir_document_header(document, out);
        REQUIRE(header);
        REQUIRE(header->related_documents.size() == 1);
        CHECK(header->related_documents[0].type_code == "RPLC");
        CHECK(header->related_documents[0].parent_ids[0].root == "1.2.3");
        CHECK(header->related_documents[0].parent_ids[0].extension == "X");
    }
    SUBCASE("not a document: fatal, nothing read") {
        for (auto text :
             {R"({"resourceType": "Bundle", "type": "collection"})", R"({"resourceType": "Patient"})", R"([1, 2])",
              R"({"resourceType": "Bundle", "type": "document", "entry": [{"resource": 3}]})"}) {
            formats::Diagnostics out;
            CHECK_FALSE(cda::read_fhir_document_header(Json::parse(text), out));
            CHECK(out.has_at_least(formats::Severity::fatal));
        }
    }
    SUBCASE("odd shapes never throw") {
        Json document = example();
        document["entry"][0]["resource"]["author"] = Json::array({1, "x", Json::object(), Json{{"reference", 5}}});
        document["entry"][0]["resource"]["event"] = "not an array";
        document["entry"][0]["resource"]["type"] = Json::array();
        formats::Diagnostics out;
        auto header = cda::read_fhir_document_header(document, out);
        REQUIRE(header);
        CHECK(header->authors.size() == 4);
        CHECK(header->code.code.empty());
    }
}
