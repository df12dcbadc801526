#include "cda/header.hpp"
#include "cda/header_writer.hpp"
#include "cda/xsd_schema.hpp"
#include "formats/xml_document.hpp"
#include "tests/support/test_support.hpp"

#include <string>
#include <vector>

using namespace healthdoc::cda;
using healthdoc::formats::Diagnostics;
using healthdoc::formats::Severity;
using healthdoc::formats::SourceText;

namespace {

// A header with every part the writer knows, each with distinct values.
CdaHeader full_header() {
    CdaHeader h;
    h.realm_code = "FR";
    h.template_ids = {"2.16.840.1.113883.2.8.2.1", "1.2.250.1.213.1.1.1.1", "1.3.6.1.4.1.19376.1.2.20"};
    h.id = {"1.2.250.1.999.1", "DOC-2", ""};
    h.code = {"11488-4", "2.16.840.1.113883.6.1", "LOINC", "CR de consultation", ""};
    h.title = "Compte rendu";
    h.effective_time.value = "20240115103000+0100";
    h.confidentiality = {"N", "2.16.840.1.113883.5.25", "", "Normal", ""};
    h.language = "fr-FR";
    h.set_id = {"1.2.250.1.999.2", "SET-1", ""};
    h.version_number = "2";
    Patient patient;
    patient.ids = {{"1.2.250.1.213.1.4.10", "184057505612340", ""}, {"1.2.3", "IPP-1", ""}};
    PersonName name;
    name.family = {{"EXEMPLE", "BR"}};
    name.given = {{"PAUL JEAN", ""}, {"PAUL", "BR"}};
    patient.names = {name};
    patient.gender = {"M", "2.16.840.1.113883.5.1", "", "Masculin", ""};
    patient.birth_time.value = "19840512";
    patient.birth_place_code = "75056";
    h.patients = {patient};
    AssignedEntity person_author;
    person_author.time.value = "20240115100000+0100";
    person_author.ids = {{"1.2.250.1.71.4.2.1", "810001234565", ""}};
    person_author.code = {"G15_10/SM26", "1.2.250.1.213.1.1.4.5", "", "Médecin", ""};
    person_author.person = PersonName{{{"MEDECIN", ""}}, {{"Claire", ""}}, {{"MME", ""}}, {{"DR", ""}}, ""};
    person_author.organization.ids = {{"1.2.250.1.71.4.2.2", "1750001232", ""}};
    person_author.organization.name = "Cabinet";
    AssignedEntity device_author;
    device_author.time.value = "20240115";
    device_author.ids = {{"1.2.250.1.999.3", "DEV", ""}};
    device_author.device_model = "Model";
    device_author.device_software = "Software 1.0";
    h.authors = {person_author, device_author};
    h.custodian.ids = {{"1.2.250.1.71.4.2.2", "1750001232", ""}};
    h.custodian.name = "Cabinet";
    AssignedEntity legal = person_author;
    legal.code = {};
    legal.organization = {};
    legal.signature_code = "S";
    h.legal_authenticator = legal;
    h.authenticators = {legal};
    AssignedEntity performer = person_author;
    performer.time = {};
    performer.code = {};
    performer.organization.industry_class = {"AMBULATOIRE", "1.2.250.1.213.1.1.4.9", "", "Ambulatoire", ""};
    h.performers = {performer};
    h.service_period.low.value = "20240115093000+0100";
    h.service_period.high.value = "20240115100000+0100";
    h.service_event_code = {"X", "1.2.3.4", "", "Acte", ""};
    h.related_documents = {{"RPLC", {{"1.2.250.1.999.1", "DOC-1", ""}}, {"1.2.250.1.999.2", "SET-1", ""}, "1"}};
    h.encounter_period.low.value = "20240115093000+0100";
    h.facility_type = {"SA07", "1.2.250.1.71.4.2.4", "", "Cabinet individuel", ""};
    return h;
}

std::unique_ptr<healthdoc::formats::XmlDocument> write_and_parse(const CdaHeader& header) {
    pugi::xml_document document;
    write_header(header, document);
    Diagnostics diagnostics;
    auto parsed = healthdoc::formats::parse_xml(SourceText("written.xml", to_xml_text(document)), diagnostics);
    REQUIRE(parsed);
    CHECK(diagnostics.empty());
    return parsed;
}

std::vector<std::string> child_names(const pugi::xml_node& node) {
    std::vector<std::string> names;
    for (auto c : node.children())
        if (c.type() == pugi::node_element) names.emplace_back(c.name());
    return names;
}

} // namespace

TEST_CASE("cda::write_header") {
    SUBCASE("what is written reads back unchanged") {
        auto header = full_header();
        auto parsed = write_and_parse(header);
        auto root = find_clinical_document(parsed->root());
        REQUIRE(root);
        CHECK(read_header(root) == header);
    }
    SUBCASE("the root is a ClinicalDocument in urn:hl7-org:v3") {
        auto parsed = write_and_parse(full_header());
        CHECK(std::string(parsed->root().name()) == "ClinicalDocument");
        CHECK(healthdoc::formats::XmlDocument::namespace_uri(parsed->root()) == "urn:hl7-org:v3");
    }
    SUBCASE("elements follow the CDA R2 schema order") {
        auto parsed = write_and_parse(full_header());
        std::vector<std::string> expected{"realmCode",
                                          "typeId",
                                          "templateId",
                                          "templateId",
                                          "templateId",
                                          "id",
                                          "code",
                                          "title",
                                          "effectiveTime",
                                          "confidentialityCode",
                                          "languageCode",
                                          "setId",
                                          "versionNumber",
                                          "recordTarget",
                                          "author",
                                          "author",
                                          "custodian",
                                          "legalAuthenticator",
                                          "authenticator",
                                          "documentationOf",
                                          "relatedDocument",
                                          "componentOf"};
        CHECK(child_names(parsed->root()) == expected);
    }
    SUBCASE("required elements of an empty model get nullFlavor NI") {
        auto parsed = write_and_parse(CdaHeader{});
        auto root = parsed->root();
        CHECK(std::string(root.child("id").attribute("nullFlavor").value()) == "NI");
        CHECK(std::string(root.child("code").attribute("nullFlavor").value()) == "NI");
        CHECK(std::string(root.child("effectiveTime").attribute("nullFlavor").value()) == "NI");
        CHECK(root.child("recordTarget"));
        CHECK(root.child("author"));
        CHECK(root.child("custodian"));
        CHECK_FALSE(root.child("title"));
        CHECK_FALSE(root.child("legalAuthenticator"));
    }
    SUBCASE("text is escaped") {
        auto header = full_header();
        header.title = "A & B <C> \"D\"";
        auto parsed = write_and_parse(header);
        CHECK(read_header(parsed->root()).title == header.title);
    }
}

TEST_CASE("cda::write_header_ans_schema") {
    auto xsd = REQUIRE_SHARED("reference/cda/ans-testcontenucda/infrastructure/cda/CDA_extended.xsd");
    if (!xsd) return;
    auto schema = XsdSchema::load(*xsd);
    auto parsed = write_and_parse(full_header());
    // The schema needs a body: append a nonXMLBody as the N1 builder does.
    auto root = parsed->root();
    Diagnostics findings;
    pugi::xml_document with_body;
    with_body.append_copy(root);
    auto text = with_body.document_element().append_child("component").append_child("nonXMLBody").append_child("text");
    text.append_attribute("mediaType").set_value("text/plain");
    text.append_attribute("representation").set_value("B64");
    text.text().set("QQ==");
    auto reparsed = healthdoc::formats::parse_xml(SourceText("with-body.xml", to_xml_text(with_body)), findings);
    REQUIRE(reparsed);
    schema->validate(*reparsed, reparsed->root(), findings);
    for (const auto& d : findings.items()) CHECK_MESSAGE(d.severity < Severity::error, d.rule << ": " << d.message);
}
