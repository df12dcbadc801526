#include "cda/header.hpp"
#include "formats/xml_document.hpp"
#include "tests/support/test_support.hpp"

#include <regex>

namespace fs = std::filesystem;
using healthdoc::cda::BodyKind;
using healthdoc::cda::find_clinical_document;
using healthdoc::cda::read_header;
using healthdoc::formats::Diagnostics;
using healthdoc::formats::SourceText;

namespace {

// A second, independent way to read a value: the first match of `pattern` in the raw text
// from the start tag of `element` (any prefix) on.
std::string grep_after(const std::string& text, const std::string& element, const std::string& pattern) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("<(\\w+:)?" + element + "[\\s>/]"))) return {};
    std::string rest = text.substr(static_cast<std::size_t>(m.position(0)), 4000);
    return std::regex_search(rest, m, std::regex(pattern)) ? m[1].str() : std::string();
}

} // namespace

TEST_CASE("cda::header_ans_examples") {
    auto examples = REQUIRE_SHARED("reference/cda/ans-testcontenucda/ExemplesCDA");
    if (!examples) return;
    std::size_t read = 0;
    for (const auto& entry : fs::directory_iterator(*examples)) {
        if (entry.path().extension() != ".xml") continue;
        CAPTURE(entry.path().filename().string());
        auto text = healthdoc::test::read_file(entry.path());
        Diagnostics diagnostics;
        auto document = healthdoc::formats::parse_xml(SourceText(entry.path().string(), text), diagnostics);
        REQUIRE(document);
        auto clinical_document = find_clinical_document(document->root());
        REQUIRE(clinical_document);
        auto header = read_header(clinical_document);
        // The header's own elements come before the first recordTarget; ids are read from there.
        std::smatch m;
        REQUIRE(std::regex_search(text, m, std::regex(R"re(<(\w+:)?ClinicalDocument[\s>])re")));
        auto start = static_cast<std::size_t>(m.position(0));
        REQUIRE(std::regex_search(text, m, std::regex(R"re(<(\w+:)?recordTarget[\s>])re")));
        auto head = text.substr(start, static_cast<std::size_t>(m.position(0)) - start);
        REQUIRE(std::regex_search(head, m, std::regex(R"re(<(\w+:)?id\s[^>]*root="([^"]+)")re")));
        CHECK(header.id.root == m[2].str());
        CHECK(header.realm_code == "FR");
        CHECK(header.language == grep_after(head, "languageCode", R"xx(code="([^"]+)")xx"));
        CHECK(header.effective_time.value == grep_after(head, "effectiveTime", R"xx(value="([^"]+)")xx"));
        CHECK(header.effective_time.parsed().has_value());
        CHECK_FALSE(header.patients.empty());
        CHECK_FALSE(header.authors.empty());
        CHECK_FALSE(header.custodian.ids.empty());
        CHECK((header.body == BodyKind::structured || header.body == BodyKind::non_xml));
        ++read;
    }
    CHECK(read >= 60);
}

TEST_CASE("cda::header_n1_example") {
    auto file = REQUIRE_SHARED("reference/cda/ans-testcontenucda/ExemplesCDA/DOC_NON_STRUCTURE_CDA-R2-N1.xml");
    if (!file) return;
    Diagnostics diagnostics;
    auto document = healthdoc::formats::parse_xml(SourceText::from_file(file->string()), diagnostics);
    REQUIRE(document);
    auto h = read_header(document->root());
    CHECK(h.template_ids ==
          std::vector<std::string>{"2.16.840.1.113883.2.8.2.1", "1.2.250.1.213.1.1.1.1", "1.3.6.1.4.1.19376.1.2.20"});
    CHECK(h.id.root == "1.3.6.1.4.1.19376.1.2.20.12345.1.1");
    CHECK(h.code.code == "11502-2");
    CHECK(h.code.codeSystem == "2.16.840.1.113883.6.1");
    CHECK(h.confidentiality.code == "N");
    CHECK(h.set_id.root == "1.3.6.1.4.1.19376.1.2.20.12345.1");
    CHECK(h.version_number == "1");
    REQUIRE(h.patients.size() == 1);
    const auto& patient = h.patients.front();
    REQUIRE(patient.ids.size() == 2);
    CHECK(patient.ids[0].root == "1.2.250.1.213.1.4.10"); // test INS-NIR
    CHECK(patient.gender.code == "F");
    CHECK(patient.birth_time.value == "19790328");
    CHECK(patient.birth_place_code == "51215");
    REQUIRE_FALSE(patient.names.empty());
    CHECK(patient.names[0].family[0].qualifier == "BR");
    CHECK(patient.names[0].given[1].qualifier == "BR");
    REQUIRE_FALSE(h.authors.empty());
    CHECK(h.authors[0].code.code == "G15_10/SM03");
    CHECK(h.authors[0].ids[0].root == "1.2.250.1.71.4.2.1");
    CHECK(h.authors[0].time.value == "20210104160527+0100");
    REQUIRE(h.legal_authenticator.has_value());
    CHECK(h.legal_authenticator->signature_code == "S");
    REQUIRE(patient.addresses.size() == 1);
    CHECK(patient.addresses[0].parts.at(2) == healthdoc::cda::AddressPart{"unitID", "Escalier A"});
    CHECK(patient.addresses[0].parts.back() == healthdoc::cda::AddressPart{"country", "FRANCE"});
    CHECK(patient.telecoms ==
          std::vector<healthdoc::cda::Telecom>{{"tel:0144534551", "H", ""}, {"tel:0647151010", "MC", ""}});
    REQUIRE(h.participants.size() == 2);
    const auto& sampler = h.participants[0];
    CHECK(sampler.type_code == "PRF");
    CHECK(sampler.function_code.code == "PRELV");
    CHECK(sampler.time.high.value == "202101040735+0100");
    CHECK(sampler.class_code == "PROV");
    CHECK(sampler.addresses.at(0).nullFlavor == "MSK");
    CHECK(sampler.telecoms.at(0).use == "EC");
    REQUIRE(sampler.person.has_value());
    CHECK(sampler.person->family.at(0).text == "BLEEDER");
    CHECK(sampler.organization.name == "Laboratoire des charmes");
    CHECK(sampler.organization.telecoms.at(0).value == "tel:0138475439");
    CHECK(sampler.organization.addresses.at(0).parts.at(0).name == "houseNumber");
    CHECK(h.participants[1].type_code == "REF");
    CHECK_FALSE(h.custodian.addresses.empty());
    CHECK(h.body == BodyKind::non_xml);
    CHECK(h.body_media_type == "application/pdf");
    CHECK_FALSE(h.facility_type.code.empty());
    CHECK_FALSE(h.service_period.low.value.empty());
}

TEST_CASE("cda::header_edge_cases") {
    Diagnostics diagnostics;
    SUBCASE("an auto-presentable stylesheet holds the document") {
        auto document = healthdoc::formats::parse_xml(
            SourceText("a.xml", "<xsl:stylesheet xmlns:xsl='http://www.w3.org/1999/XSL/Transform' version='1.0'>"
                                "<xsl:template match='/'><x><ClinicalDocument xmlns='urn:hl7-org:v3'><title>T</title>"
                                "</ClinicalDocument></x></xsl:template></xsl:stylesheet>"),
            diagnostics);
        REQUIRE(document);
        auto clinical_document = find_clinical_document(document->root());
        REQUIRE(clinical_document);
        CHECK(read_header(clinical_document).title == "T");
    }
    SUBCASE("elements outside the HL7 namespace are not read; prefixes are") {
        auto document = healthdoc::formats::parse_xml(
            SourceText("p.xml", "<v3:ClinicalDocument xmlns:v3='urn:hl7-org:v3' xmlns:o='urn:other'>"
                                "<o:title>no</o:title><v3:title>yes</v3:title><v3:component><v3:structuredBody/>"
                                "</v3:component><v3:component><v3:nonXMLBody/></v3:component></v3:ClinicalDocument>"),
            diagnostics);
        REQUIRE(document);
        auto h = read_header(document->root());
        CHECK(h.title == "yes");
        CHECK(h.body == BodyKind::several);
        CHECK(h.patients.empty());
        CHECK_FALSE(h.legal_authenticator.has_value());
    }
    SUBCASE("sdtc extensions, recipients, participant time and the encounter location are read") {
        auto document = healthdoc::formats::parse_xml(
            SourceText(
                "s.xml",
                "<ClinicalDocument xmlns='urn:hl7-org:v3' xmlns:sdtc='urn:hl7-org:sdtc' "
                "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>"
                "<recordTarget><patientRole><id root='1.2'/><patient><birthTime value='1950'/>"
                "<sdtc:deceasedInd value='true'/><sdtc:deceasedTime value='20240228'/>"
                "<deceasedInd value='false'/></patient></patientRole></recordTarget>"
                "<informationRecipient typeCode='TRC'><intendedRecipient><id root='1.2.250.1.71.4.2.1' "
                "extension='8100'/><informationRecipient><name><family>DEST</family></name>"
                "</informationRecipient><receivedOrganization><name>Clinique</name></receivedOrganization>"
                "</intendedRecipient></informationRecipient>"
                "<participant typeCode='INF'><time xsi:type='IVL_TS' nullFlavor='UNK'/>"
                "<associatedEntity classCode='AGNT'/></participant>"
                "<componentOf><encompassingEncounter><id root='9.9' extension='V1'/><effectiveTime value='2024'/>"
                "<location><healthCareFacility><id root='1.2.250.1.71.4.2.2' extension='1750'/>"
                "<code code='SA07'/><location><name>Cabinet</name><addr><city>PARIS</city></addr>"
                "</location></healthCareFacility></location></encompassingEncounter></componentOf>"
                "</ClinicalDocument>"),
            diagnostics);
        REQUIRE(document);
        auto h = read_header(document->root());
        REQUIRE(h.patients.size() == 1);
        CHECK(h.patients[0].deceased_indicator == "true");
        CHECK(h.patients[0].deceased_time.value == "20240228");
        REQUIRE(h.information_recipients.size() == 1);
        CHECK(h.information_recipients[0].type_code == "TRC");
        CHECK(h.information_recipients[0].ids.at(0).extension == "8100");
        CHECK(h.information_recipients[0].person->family.at(0).text == "DEST");
        CHECK(h.information_recipients[0].organization.name == "Clinique");
        REQUIRE(h.participants.size() == 1);
        CHECK(h.participants[0].time.value.nullFlavor == "UNK");
        CHECK(h.participants[0].class_code == "AGNT");
        CHECK_FALSE(h.participants[0].person.has_value());
        CHECK(h.encounter_ids.at(0).extension == "V1");
        CHECK(h.encounter_period.value.value == "2024");
        CHECK(h.facility_ids.at(0).extension == "1750");
        CHECK(h.facility_type.code == "SA07");
        CHECK(h.encounter_location_name == "Cabinet");
        CHECK(h.encounter_location_address.parts == std::vector<healthdoc::cda::AddressPart>{{"city", "PARIS"}});
    }
    SUBCASE("no ClinicalDocument") {
        auto document = healthdoc::formats::parse_xml(SourceText("n.xml", "<note/>"), diagnostics);
        REQUIRE(document);
        CHECK_FALSE(find_clinical_document(document->root()));
    }
}
