// read_fhir_xml: the JSON tree of FHIR XML with line:col for every value, decimals as written,
// the narrative as written, and the fhir.xml.* findings at the right place.
#include "fhir/fhir_json.hpp"
#include "fhir/fhir_xml.hpp"
#include "fhir/fhirpath/package_type_provider.hpp"
#include "fhir/xml_element_order.hpp"
#include "fhir/xml_to_json.hpp"
#include "formats/errors.hpp"

#include "tests/support/test_support.hpp"

#include <filesystem>
#include <sstream>

namespace fhir = healthdoc::fhir;
namespace formats = healthdoc::formats;
using nlohmann::json;

namespace {

std::shared_ptr<const fhir::fhirpath::PackageTypeProvider> core_types() {
    auto package = healthdoc::test::shared_path("reference/fhir/packages/hl7.fhir.r4.core#4.0.1/package");
    if (!package) {
        MESSAGE("SKIPPED: the R4 core package is absent (set HEALTHDOC_SHARED)");
        return nullptr;
    }
    fhir::set_xml_element_order_source(*package);
    return fhir::fhirpath::PackageTypeProvider::shared(*package);
}

struct Read {
    std::unique_ptr<formats::XmlDocument> xml;
    std::unique_ptr<fhir::FhirJson> document;
    formats::Diagnostics diagnostics;
};

Read read(const std::string& text, const fhir::fhirpath::TypeProvider& types) {
    Read result;
    result.xml = formats::parse_xml(formats::SourceText("in.xml", text), result.diagnostics);
    if (result.xml) result.document = fhir::read_fhir_xml(*result.xml, "in.xml", types, result.diagnostics);
    return result;
}

std::string describe(const formats::Diagnostics& diagnostics) {
    std::ostringstream out;
    for (const auto& d : diagnostics.items())
        out << d.rule << " " << d.location.line << ":" << d.location.column << " " << d.location.path << "\n";
    return out.str();
}

std::string at(const fhir::JsonSourceMap& map, const json& value) {
    auto position = map.position(value);
    return position ? std::to_string(position->line) + ":" + std::to_string(position->column) : "none";
}

// "rule line:col path" of each finding, one per line.
std::string findings(const std::string& text, const fhir::fhirpath::TypeProvider& types) {
    return describe(read(text, types).diagnostics);
}

const std::string k_open = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Patient xmlns=\"http://hl7.org/fhir\">\n";

} // namespace

TEST_CASE("fhir::read_fhir_xml reads the shared FHIRPath resources without a finding and writes them back") {
    auto folder = REQUIRE_SHARED("reference/fhir/fhirpath");
    if (!folder) return;
    auto types = core_types();
    REQUIRE(types);
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*folder)) {
        if (entry.path().extension() != ".xml" || entry.path().filename() == "tests-fhir-r4.xml") continue;
        ++files;
        INFO(entry.path().filename().string());
        const std::string text = healthdoc::test::read_file(entry.path());
        auto first = read(text, *types);
        REQUIRE(first.document);
        // The official observation example has its status before its extension: a real breach.
        if (entry.path().filename() == "observation-example.xml")
            CHECK(describe(first.diagnostics) == "fhir.xml.element-order 5:2 Observation.extension[0]\n");
        else
            CHECK_MESSAGE(first.diagnostics.empty(), describe(first.diagnostics));
        // XML -> JSON -> XML -> JSON gives the same JSON, with no finding on the XML written.
        const std::string written = fhir::write_fhir_xml(first.document->root, &first.document->map, *types);
        auto second = read(written, *types);
        REQUIRE(second.document);
        CHECK_MESSAGE(second.diagnostics.empty(), describe(second.diagnostics));
        CHECK(second.document->root == first.document->root);
        // The wrapper gives the same tree.
        CHECK(fhir::xml_to_json(text, *types) == first.document->root);
    }
    CHECK(files == 7);
}

TEST_CASE("fhir::read_fhir_xml values, arrays, primitive extensions and positions") {
    auto types = core_types();
    if (!types) return;
    auto result = read(k_open + "  <id value=\"p1\"/>\n"
                                "  <active value=\"true\"/>\n"
                                "  <name>\n"
                                "    <given value=\"Ann\"/>\n"
                                "    <given id=\"g2\">\n"
                                "      <extension url=\"http://x/absent\"><valueCode value=\"masked\"/></extension>\n"
                                "    </given>\n"
                                "    <given value=\"Cy\"/>\n"
                                "  </name>\n"
                                "  <multipleBirthInteger value=\"2\"/>\n"
                                "</Patient>\n",
                       *types);
    REQUIRE(result.document);
    CHECK_MESSAGE(result.diagnostics.empty(), describe(result.diagnostics));
    const json& root = result.document->root;
    CHECK(root == json::parse(R"({"resourceType":"Patient","id":"p1","active":true,
        "name":[{"given":["Ann",null,"Cy"],"_given":[null,{"id":"g2","extension":[{"url":"http://x/absent","valueCode":"masked"}]},null]}],
        "multipleBirthInteger":2})"));
    const auto& map = result.document->map;
    CHECK(at(map, root) == "2:1");
    CHECK(at(map, root["id"]) == "3:3");
    CHECK(at(map, root["name"][0]) == "5:3");
    CHECK(at(map, root["name"][0]["given"][2]) == "10:5");
    CHECK(at(map, root["name"][0]["_given"][1]) == "7:5");
    CHECK(at(map, root["name"][0]["_given"][1]["extension"][0]["valueCode"]) == "8:40");
    CHECK(at(map, root["multipleBirthInteger"]) == "12:3");
}

TEST_CASE("fhir::read_fhir_xml keeps decimals as written") {
    auto types = core_types();
    if (!types) return;
    auto result = read("<Observation xmlns=\"http://hl7.org/fhir\"><status value=\"final\"/><code><text value=\"x\"/>"
                       "</code><valueQuantity><value value=\"1.50\"/></valueQuantity><referenceRange><low><value "
                       "value=\"2e-3\"/></low><high><value value=\"7\"/></high></referenceRange></Observation>",
                       *types);
    REQUIRE(result.document);
    CHECK_MESSAGE(result.diagnostics.empty(), describe(result.diagnostics));
    const json& root = result.document->root;
    const auto& map = result.document->map;
    REQUIRE(map.decimal_text(root["valueQuantity"]["value"]));
    CHECK(*map.decimal_text(root["valueQuantity"]["value"]) == "1.50");
    CHECK(root["valueQuantity"]["value"] == 1.5);
    CHECK(*map.decimal_text(root["referenceRange"][0]["low"]["value"]) == "2e-3");
    CHECK(map.decimal_text(root["referenceRange"][0]["high"]["value"]) == nullptr);
    CHECK(root["referenceRange"][0]["high"]["value"] == 7);
    const std::string written = fhir::write_fhir_xml(root, &map, *types);
    CHECK(written.find("<value value=\"1.50\"/>") != std::string::npos);
    CHECK(written.find("<value value=\"2e-3\"/>") != std::string::npos);
}

TEST_CASE("fhir::read_fhir_xml keeps the narrative exactly as written") {
    auto types = core_types();
    if (!types) return;
    const std::string div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">\r\n  <p class='a'>A &amp; B&#160;<br/>"
                            "<!-- note --><![CDATA[x<y]]></p>\n</div>";
    auto result = read(k_open + "  <text><status value=\"generated\"/>" + div + "</text>\n</Patient>\n", *types);
    REQUIRE(result.document);
    CHECK_MESSAGE(result.diagnostics.empty(), describe(result.diagnostics));
    CHECK(result.document->root["text"]["div"] == div);
    CHECK(at(result.document->map, result.document->root["text"]["div"]) == "3:36");

    // A div whose namespace is declared by a prefix on an ancestor gets it declared on itself.
    auto prefixed = read("<Patient xmlns=\"http://hl7.org/fhir\" xmlns:h=\"http://www.w3.org/1999/xhtml\"><text>"
                         "<status value=\"generated\"/><h:div><h:p>Hi</h:p></h:div></text></Patient>",
                         *types);
    REQUIRE(prefixed.document);
    CHECK_MESSAGE(prefixed.diagnostics.empty(), describe(prefixed.diagnostics));
    CHECK(prefixed.document->root["text"]["div"] == "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi</p></div>");
}

TEST_CASE("fhir::read_fhir_xml: hostile XML is refused by parse_xml before any FHIR reading") {
    auto types = core_types();
    if (!types) return;
    auto entities = read("<?xml version=\"1.0\"?>\n<!DOCTYPE Patient [<!ENTITY x \"boom\">]>\n"
                         "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&x;\"/></Patient>",
                         *types);
    CHECK(entities.xml == nullptr);
    CHECK(entities.document == nullptr);
    CHECK(describe(entities.diagnostics) == "xml.security.doctype 2:1 \n");
    auto external = read("<!DOCTYPE Patient SYSTEM \"http://example.org/evil.dtd\"><Patient/>", *types);
    CHECK(external.xml == nullptr);
    CHECK(describe(external.diagnostics).rfind("xml.security.doctype", 0) == 0);
    auto undefined = read("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&nbsp;\"/></Patient>", *types);
    CHECK(undefined.xml == nullptr);
}

TEST_CASE("fhir::read_fhir_xml findings carry their rule, line:col and FHIRPath location") {
    auto types = core_types();
    if (!types) return;
    CHECK(findings("<Patient xmlns=\"http://hl7.org/fhir/other\">\n  <id value=\"a\"/>\n</Patient>", *types) ==
          "fhir.xml.wrong-namespace 1:1 Patient\n");
    CHECK(findings("<Patient>\n  <id value=\"a\"/>\n</Patient>", *types) == "fhir.xml.wrong-namespace 1:1 Patient\n");
    CHECK(findings(k_open + "  <name xmlns=\"urn:other\"/>\n</Patient>", *types) ==
          "fhir.xml.wrong-namespace 3:3 Patient.name\n");
    CHECK(findings(k_open + "  <name>\n    <given/>\n    <given value=\"b\"/>\n  </name>\n</Patient>", *types) ==
          "fhir.xml.missing-value 4:5 Patient.name[0].given[0]\n");
    CHECK(findings(k_open + "  <name>\n    <given value=\"a\"/>\n    <family value=\"b\"/>\n  </name>\n</Patient>",
                   *types) == "fhir.xml.element-order 5:5 Patient.name[0].family\n");
    CHECK(findings(k_open + "  <gender value=\"male\"/>\n  <active value=\"true\"/>\n</Patient>", *types) ==
          "fhir.xml.element-order 4:3 Patient.active\n");
    CHECK(findings(k_open + "  <name>\n    <given value=\"a\"/>\n    <prefix value=\"b\"/>\n    <given value=\"c\"/>\n"
                            "  </name>\n</Patient>",
                   *types) == "fhir.xml.element-order 6:5 Patient.name[0].given[1]\n");
    CHECK(findings(k_open + "  <id value=\"a\"/>\n  <nickname value=\"b\"/>\n</Patient>", *types) ==
          "fhir.xml.unknown-element 4:3 Patient.nickname\n");
    CHECK(findings(k_open + "  <name>\n    <id value=\"n\"/>\n  </name>\n</Patient>", *types) ==
          "fhir.xml.unknown-element 4:5 Patient.name[0].id\n");
    CHECK(findings(k_open + "  <active value=\"true\"/>\n  <active value=\"false\"/>\n</Patient>", *types) ==
          "fhir.xml.repeated-element 4:3 Patient.active\n");
    CHECK(findings(k_open + "  <deceasedBoolean value=\"true\"/>\n  <deceasedDateTime value=\"2020\"/>\n</Patient>",
                   *types) == "fhir.xml.repeated-element 4:3 Patient.deceasedDateTime\n");
    CHECK(findings(k_open + "  <active value=\"true\">yes</active>\n</Patient>", *types) ==
          "fhir.xml.text-content 3:3 Patient.active\n");
    CHECK(findings(k_open + "  <active value=\"true\" lang=\"en\"/>\n</Patient>", *types) ==
          "fhir.xml.unexpected-attribute 3:3 Patient.active\n");
    CHECK(findings("<Patient xmlns=\"http://hl7.org/fhir\" id=\"a\"/>", *types) ==
          "fhir.xml.unexpected-attribute 1:1 Patient\n");
    CHECK(findings(k_open + "  <contained>\n    <Nothing/>\n  </contained>\n</Patient>", *types) ==
          "fhir.xml.not-a-resource 3:3 Patient.contained[0]\n");
    CHECK(findings("<Bundle xmlns=\"http://hl7.org/fhir\">\n  <type value=\"collection\"/>\n  <entry>\n    <resource>\n"
                   "      <Patient>\n        <name><given value=\"a\"/><family value=\"b\"/></name>\n      </Patient>\n"
                   "    </resource>\n  </entry>\n</Bundle>",
                   *types) == "fhir.xml.element-order 6:33 Bundle.entry[0].resource.name[0].family\n");

    auto not_fhir = read("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>", *types);
    CHECK(not_fhir.document == nullptr);
    CHECK(describe(not_fhir.diagnostics) == "fhir.xml.not-a-resource 1:1 \n");
    CHECK(not_fhir.diagnostics.items()[0].severity == formats::Severity::fatal);
    CHECK_THROWS_AS(fhir::xml_to_json("<ClinicalDocument/>", *types), healthdoc::InputError);
}

TEST_CASE("fhir::read_fhir_xml: xsi attributes and comments are allowed") {
    auto types = core_types();
    if (!types) return;
    CHECK(findings("<Patient xmlns=\"http://hl7.org/fhir\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                   "xsi:schemaLocation=\"http://hl7.org/fhir patient.xsd\">\n  <!-- c -->\n  <id value=\"a\"/>\n"
                   "</Patient>",
                   *types) == "");
}

TEST_CASE("fhir::read_fhir_xml bounds its depth") {
    auto types = core_types();
    if (!types) return;
    // Nested extensions far past any real document: read or refused, never a crash.
    std::string text = "<Patient xmlns=\"http://hl7.org/fhir\">";
    for (int i = 0; i < 2000; ++i) text += "<extension url=\"u\">";
    for (int i = 0; i < 2000; ++i) text += "</extension>";
    text += "</Patient>";
    formats::Diagnostics diagnostics;
    formats::XmlLimits limits;
    limits.max_depth = 4000;
    auto xml = formats::parse_xml(formats::SourceText("deep.xml", text), diagnostics, limits);
    REQUIRE(xml);
    auto document = fhir::read_fhir_xml(*xml, "deep.xml", *types, diagnostics);
    REQUIRE(document);
    CHECK(describe(diagnostics).find("fhir.xml.too-deep") != std::string::npos);
    const std::string written = fhir::write_fhir_xml(document->root, &document->map, *types);
    CHECK(!written.empty());
}
