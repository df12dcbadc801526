// FHIR JSON -> XML -> JSON without loss: every shared R4 example comes back identical (values and
// decimals as written), and the XML written reads back without a single finding.
#include "fhir/fhir_json.hpp"
#include "fhir/fhir_xml.hpp"
#include "fhir/fhirpath/package_type_provider.hpp"
#include "fhir/xml_element_order.hpp"

#include "tests/support/test_support.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace fhir = healthdoc::fhir;
namespace formats = healthdoc::formats;
using nlohmann::json;

namespace {

std::shared_ptr<const fhir::fhirpath::PackageTypeProvider> core_types() {
    auto package = healthdoc::test::shared_path("reference/fhir/packages/hl7.fhir.r4.core#4.0.1/package");
    if (!package) return nullptr;
    fhir::set_xml_element_order_source(*package);
    return fhir::fhirpath::PackageTypeProvider::shared(*package);
}

std::string number_text(const fhir::JsonSourceMap& map, const json& number) {
    const std::string* text = map.decimal_text(number);
    return text ? *text : number.dump();
}

// The first place where the two trees differ (values, or the text of a decimal); "" when none.
std::string difference(const json& a, const fhir::JsonSourceMap& a_map, const json& b, const fhir::JsonSourceMap& b_map,
                       const std::string& path) {
    if (a.type() != b.type() && !(a.is_number() && b.is_number())) return path + ": " + a.dump() + " vs " + b.dump();
    if (a.is_object()) {
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (!b.contains(it.key())) return path + "." + it.key() + ": missing";
            auto found = difference(it.value(), a_map, b.at(it.key()), b_map, path + "." + it.key());
            if (!found.empty()) return found;
        }
        for (auto it = b.begin(); it != b.end(); ++it)
            if (!a.contains(it.key())) return path + "." + it.key() + ": added";
        return "";
    }
    if (a.is_array()) {
        if (a.size() != b.size()) return path + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            auto found = difference(a[i], a_map, b[i], b_map, path + "[" + std::to_string(i) + "]");
            if (!found.empty()) return found;
        }
        return "";
    }
    if (a.is_number()) {
        if (a != b || number_text(a_map, a) != number_text(b_map, b))
            return path + ": " + number_text(a_map, a) + " vs " + number_text(b_map, b);
        return "";
    }
    return a == b ? "" : path + ": " + a.dump() + " vs " + b.dump();
}

std::string describe(const formats::Diagnostics& diagnostics) {
    std::ostringstream out;
    for (const auto& d : diagnostics.items())
        out << d.rule << " " << d.location.line << ":" << d.location.column << " " << d.location.path << " "
            << d.message << "\n";
    return out.str();
}

struct RoundTrip {
    std::string xml;
    formats::Diagnostics read_back;
    std::string difference; // "" when identical
};

RoundTrip round_trip(const fhir::FhirJson& input, const std::string& name, const fhir::fhirpath::TypeProvider& types) {
    RoundTrip result;
    result.xml = fhir::write_fhir_xml(input.root, &input.map, types);
    auto document = formats::parse_xml(formats::SourceText(name + ".xml", result.xml), result.read_back);
    if (!document) {
        result.difference = "the XML written does not parse";
        return result;
    }
    auto back = fhir::read_fhir_xml(*document, name + ".xml", types, result.read_back);
    if (!back) {
        result.difference = "the XML written is not read as a resource";
        return result;
    }
    result.difference = difference(input.root, input.map, back->root, back->map, "");
    return result;
}

std::unique_ptr<fhir::FhirJson> read_json(const std::string& name, const std::string& text) {
    formats::Diagnostics diagnostics;
    auto document = fhir::read_fhir_json(formats::SourceText(name, text), diagnostics);
    REQUIRE(document != nullptr);
    return document;
}

} // namespace

TEST_CASE("fhir::write_fhir_xml: every shared R4 JSON example survives JSON -> XML -> JSON") {
    auto examples = REQUIRE_SHARED("reference/fhir/r4-examples");
    if (!examples) return;
    auto types = core_types();
    REQUIRE(types);
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(*examples))
        if (entry.path().extension() == ".json" && entry.path().filename() != "package.json")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::size_t identical = 0;
    for (const auto& file : files) {
        formats::Diagnostics diagnostics;
        auto input = fhir::read_fhir_json(formats::SourceText::from_file(file.string()), diagnostics);
        REQUIRE(input != nullptr);
        const auto result = round_trip(*input, file.stem().string(), *types);
        INFO(file.filename().string());
        CHECK_MESSAGE(result.read_back.empty(), describe(result.read_back));
        CHECK_MESSAGE(result.difference.empty(), result.difference);
        if (result.read_back.empty() && result.difference.empty()) ++identical;
    }
    MESSAGE("JSON -> XML -> JSON identical for " << identical << "/" << files.size() << " R4 examples");
    CHECK(identical == files.size());
    CHECK(files.size() > 400);
}

TEST_CASE("fhir::write_fhir_xml writes the spec's form") {
    auto types = core_types();
    if (!types) return;
    auto input = read_json("p.json", R"({"resourceType":"Patient","id":"p1",
        "name":[{"given":["Ann","Bo"],"_given":[null,{"id":"g2","extension":[{"url":"http://x/e","valueDecimal":1.50}]}],
                 "family":"Lee & \"Co\" <x>"}],
        "active":true,
        "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Ann &amp; <b>Bo</b></p></div>"},
        "extension":[{"url":"http://x/a","valueString":"line1\nline2\ttab"}]})");
    const std::string xml = fhir::write_fhir_xml(input->root, &input->map, *types);
    CHECK(xml == R"(<?xml version="1.0" encoding="UTF-8"?>
<Patient xmlns="http://hl7.org/fhir">
  <id value="p1"/>
  <text>
    <status value="generated"/>
    <div xmlns="http://www.w3.org/1999/xhtml"><p>Ann &amp; <b>Bo</b></p></div>
  </text>
  <extension url="http://x/a">
    <valueString value="line1&#10;line2&#9;tab"/>
  </extension>
  <active value="true"/>
  <name>
    <family value="Lee &amp; &quot;Co&quot; &lt;x&gt;"/>
    <given value="Ann"/>
    <given id="g2" value="Bo">
      <extension url="http://x/e">
        <valueDecimal value="1.50"/>
      </extension>
    </given>
  </name>
</Patient>
)");
    const auto result = round_trip(*input, "p", *types);
    CHECK_MESSAGE(result.read_back.empty(), describe(result.read_back));
    CHECK_MESSAGE(result.difference.empty(), result.difference);
}

TEST_CASE("fhir::write_fhir_xml keeps primitive extensions on array items and values absent beside them") {
    auto types = core_types();
    if (!types) return;
    auto input = read_json("p.json", R"({"resourceType":"Patient",
        "name":[{"given":["A",null,"C"],"_given":[null,{"extension":[{"url":"http://x/absent","valueCode":"masked"}]},{"id":"c"}]}],
        "_birthDate":{"extension":[{"url":"http://x/b","valueBoolean":false}]}})");
    const auto result = round_trip(*input, "p", *types);
    CHECK(result.xml.find("<given>\n") != std::string::npos);
    CHECK(result.xml.find("<birthDate>\n") != std::string::npos);
    CHECK_MESSAGE(result.read_back.empty(), describe(result.read_back));
    CHECK_MESSAGE(result.difference.empty(), result.difference);
}

TEST_CASE("fhir::write_fhir_xml wraps resources in contained, Bundle.entry.resource and Parameters") {
    auto types = core_types();
    if (!types) return;
    auto input = read_json("b.json", R"({"resourceType":"Bundle","type":"collection","entry":[
        {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Parameters","parameter":[
            {"name":"p","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
             "contained":[{"resourceType":"Patient","id":"c1"}],"valueQuantity":{"value":1e3,"unit":"g"}}}]}}]})");
    const auto result = round_trip(*input, "b", *types);
    CHECK(result.xml.find("\n          <resource>\n            <Observation>\n") != std::string::npos);
    CHECK(result.xml.find("\n              <contained>\n                <Patient>\n") != std::string::npos);
    CHECK(result.xml.find("<value value=\"1e3\"/>") != std::string::npos);
    CHECK_MESSAGE(result.read_back.empty(), describe(result.read_back));
    CHECK_MESSAGE(result.difference.empty(), result.difference);
}

TEST_CASE("fhir::write_fhir_xml writes well-formed XML for any JSON") {
    auto types = core_types();
    if (!types) return;
    const json odd = json::parse(R"({"resourceType":"Patient","name":"not an array","active":{"x":1},
        "_gender":[1,2],"birthDate":[["nested"]],"unknownThing":{"a":[1,{"b":null}],"c":"<&>"},
        "contained":[42,{"noType":true}],"text":{"div":"<div><p>unclosed</div>"},
        "identifier":[{"value":"tab\there\u0001"}],"_active":"x","extension":[{"url":{"o":1}}]})");
    for (const json& resource : {odd, json(nullptr), json::array({1, 2}), json("text"), json::object()}) {
        const std::string xml = fhir::write_fhir_xml(resource, nullptr, *types);
        formats::Diagnostics diagnostics;
        CHECK_MESSAGE(formats::parse_xml(formats::SourceText("odd.xml", xml), diagnostics) != nullptr, xml);
    }
}
