#include "cda/xds_metadata.hpp"
#include "formats/hash.hpp"
#include "formats/xml_document.hpp"
#include "tests/support/test_support.hpp"

using namespace healthdoc;

namespace {

cda::XdsDocumentEntry map(const std::string& text, formats::Diagnostics& out,
                          formats::Format format = formats::Format::cda) {
    formats::Diagnostics parse;
    auto document = formats::parse_xml(formats::SourceText("d.xml", text), parse);
    REQUIRE(document);
    return cda::map_xds_metadata(cda::read_header(cda::find_clinical_document(document->root())), text, format, out);
}

bool has_rule(const formats::Diagnostics& d, const std::string& rule) {
    for (const auto& item : d.items())
        if (item.rule == rule) return true;
    return false;
}

} // namespace

TEST_CASE("cda::xds_metadata_n1_example") {
    auto file = REQUIRE_SHARED("reference/cda/ans-testcontenucda/ExemplesCDA/DOC_NON_STRUCTURE_CDA-R2-N1.xml");
    if (!file) return;
    auto text = test::read_file(*file);
    formats::Diagnostics out;
    auto e = map(text, out);
    CHECK_FALSE(out.has_at_least(formats::Severity::warning));
    CHECK(e.unique_id == "1.3.6.1.4.1.19376.1.2.20.12345.1.1");
    CHECK(e.type_code.code == "11502-2");
    CHECK(e.format_code.code == "urn:ihe:iti:xds-sd:pdf:2008");
    CHECK(e.mime_type == "text/xml");
    CHECK(e.creation_time == "20210401124745"); // 13:47:45+01:00 in UTC
    CHECK(e.patient_id == "279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH");
    CHECK(e.source_patient_id == "1234567890121^^^&1.2.3.4.567.8.9.10&ISO^PI");
    CHECK(e.hash == formats::sha1_hex(text));
    CHECK(e.size == text.size());
    REQUIRE(e.author_person.size() == 1);
    CHECK(e.author_person[0].rfind("801234534765^", 0) == 0);
    CHECK(e.author_person[0].find("&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS") != std::string::npos);
    CHECK(e.legal_authenticator.find("^D^^^IDNPS") != std::string::npos);
    CHECK(e.healthcare_facility_type_code.code == "SA07");
    CHECK(e.practice_setting_code.code == "AMBULATOIRE");
    CHECK(has_rule(out, "cda.xds.class-code-table"));
}

TEST_CASE("cda::xds_metadata_missing_and_replacement") {
    formats::Diagnostics out;
    auto e = map("<ClinicalDocument xmlns='urn:hl7-org:v3'><id root='1.2.3' extension='X'/>"
                 "<effectiveTime value='2024011510'/>"
                 "<relatedDocument typeCode='RPLC'><parentDocument><id root='1.2.3' extension='W'/></parentDocument>"
                 "</relatedDocument><component><nonXMLBody><text mediaType='image/tiff'/></nonXMLBody></component>"
                 "</ClinicalDocument>",
                 out, formats::Format::cda_autopresentable);
    CHECK(e.unique_id == "1.2.3^X");
    CHECK(e.mime_type == "application/xslt+xml");
    CHECK(e.format_code.code == "urn:ihe:iti-fr:xds-sd:tiff:2010");
    CHECK(e.creation_time == "2024011510");
    CHECK(e.replaces == std::vector<std::string>{"1.2.3^W"});
    for (const char* rule : {"cda.xds.missing-typeCode", "cda.xds.missing-patientId", "cda.xds.missing-legalAuthenticator",
                             "cda.xds.missing-title", "cda.xds.missing-practiceSettingCode"})
        CHECK_MESSAGE(has_rule(out, rule), rule);
    for (const auto& d : out.items()) CHECK(d.message.find("1.2.3") == std::string::npos);
}
