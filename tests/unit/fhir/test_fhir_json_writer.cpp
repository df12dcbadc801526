// Unit tests of write_fhir_json: layout, member order from the definitions, decimals as
// written, string escapes, deep trees, and the round trip of every R4 example.
#include "fhir/fhir_json.hpp"
#include "fhir/fhirpath/package_type_provider.hpp"
#include "fhir/xml_element_order.hpp"

#include "tests/support/test_support.hpp"

#include <filesystem>

namespace fhir = healthdoc::fhir;
namespace formats = healthdoc::formats;
using nlohmann::json;

namespace {

std::unique_ptr<fhir::FhirJson> read(const std::string& text) {
    formats::Diagnostics diagnostics;
    auto document = fhir::read_fhir_json(formats::SourceText("test.json", text), diagnostics);
    REQUIRE(document);
    CHECK(diagnostics.empty());
    return document;
}

// The core package's type model and element order, or nullptr when the reference data is absent.
const healthdoc::fhir::fhirpath::TypeProvider* core_types() {
    auto folder = healthdoc::test::shared_path("reference/fhir/packages/hl7.fhir.r4.core#4.0.1/package");
    if (!folder) return nullptr;
    fhir::set_xml_element_order_source(*folder);
    static auto provider = healthdoc::fhir::fhirpath::PackageTypeProvider::shared(*folder);
    return provider.get();
}

// Decimal texts of every float of a document, in document order.
std::vector<std::string> decimal_texts(const fhir::FhirJson& document) {
    std::vector<std::string> texts;
    std::vector<const json*> pending{&document.root};
    while (!pending.empty()) {
        const json* value = pending.back();
        pending.pop_back();
        if (value->is_number_float()) {
            const std::string* text = document.map.decimal_text(*value);
            texts.push_back(text ? *text : "?");
        }
        if (value->is_object())
            for (const auto& [key, child] : value->items()) pending.push_back(&child);
        if (value->is_array())
            for (auto it = value->rbegin(); it != value->rend(); ++it) pending.push_back(&*it);
    }
    std::sort(texts.begin(), texts.end());
    return texts;
}

} // namespace

TEST_CASE("fhir::write_fhir_json layout without definitions") {
    auto document = read(R"({"b": [1, 2.50, "x"], "resourceType": "Patient", "_a": {"id": "i"}, "a": true,
                            "e": {}, "f": [], "n": null, "u": 18446744073709551615, "z": -1E+3})");
    CHECK(fhir::write_fhir_json(document->root, &document->map, nullptr) == R"({
  "resourceType": "Patient",
  "a": true,
  "_a": {
    "id": "i"
  },
  "b": [
    1,
    2.50,
    "x"
  ],
  "e": {},
  "f": [],
  "n": null,
  "u": 18446744073709551615,
  "z": -1E+3
})");
    // Without the source map, doubles are written in their shortest form.
    CHECK(fhir::write_fhir_json(json::parse(R"({"v": 2.50})"), nullptr, nullptr) == "{\n  \"v\": 2.5\n}");
    CHECK(fhir::write_fhir_json(json("x"), nullptr, nullptr) == "\"x\"");
    CHECK(fhir::write_fhir_json(json::array(), nullptr, nullptr) == "[]");
}

TEST_CASE("fhir::write_fhir_json escapes strings") {
    json value = {{"s", std::string("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f é 😀")}, {"bad", std::string("a\xC0\xAFz\xE2\x82")}};
    auto text = fhir::write_fhir_json(value, nullptr, nullptr);
    CHECK(text == "{\n  \"bad\": \"a\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD\",\n"
                  "  \"s\": \"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f é 😀\"\n}");
    CHECK(json::parse(text)["s"] == value["s"]);
}

TEST_CASE("fhir::write_fhir_json deep trees") {
    json deep = json::array();
    json* inner = &deep;
    for (int i = 0; i < 3000; ++i) { // (deeper: the indentation alone grows quadratically)
        inner->push_back(json::array({1}));
        inner = &inner->back();
    }
    auto text = fhir::write_fhir_json(deep, nullptr, nullptr);
    CHECK(text.size() > 3000 * 3000);
    CHECK(text.substr(0, 8) == "[\n  [\n  ");
}

TEST_CASE("fhir::write_fhir_json orders members by definition") {
    const auto* types = core_types();
    if (!types) {
        MESSAGE("SKIPPED: reference data absent (set HEALTHDOC_SHARED)");
        return;
    }
    auto document = read(R"({
      "name": [{"given": ["A"], "family": "B", "_given": [{"id": "g"}], "use": "official"}],
      "zzz": 1, "birthDate": "1970", "id": "p", "resourceType": "Patient", "aaa": 2,
      "contained": [{"status": "final", "valueQuantity": {"unit": "g", "value": 1.50}, "code": {"text": "t"},
                     "resourceType": "Observation", "id": "o"}],
      "_birthDate": {"extension": [{"valueString": "v", "url": "u"}]},
      "extension": [{"url": "x", "extension": [{"valueDecimal": 0.0, "url": "y"}]}]
    })");
    CHECK(fhir::write_fhir_json(document->root, &document->map, types) == R"({
  "resourceType": "Patient",
  "id": "p",
  "contained": [
    {
      "resourceType": "Observation",
      "id": "o",
      "status": "final",
      "code": {
        "text": "t"
      },
      "valueQuantity": {
        "value": 1.50,
        "unit": "g"
      }
    }
  ],
  "extension": [
    {
      "extension": [
        {
          "url": "y",
          "valueDecimal": 0.0
        }
      ],
      "url": "x"
    }
  ],
  "name": [
    {
      "use": "official",
      "family": "B",
      "given": [
        "A"
      ],
      "_given": [
        {
          "id": "g"
        }
      ]
    }
  ],
  "birthDate": "1970",
  "_birthDate": {
    "extension": [
      {
        "url": "u",
        "valueString": "v"
      }
    ]
  },
  "aaa": 2,
  "zzz": 1
})");

    // Questionnaire.item.item reuses Questionnaire.item (contentReference).
    auto questionnaire = read(R"({"resourceType": "Questionnaire", "status": "draft",
        "item": [{"type": "group", "linkId": "1", "item": [{"type": "string", "text": "q", "linkId": "1.1"}]}]})");
    auto written = fhir::write_fhir_json(questionnaire->root, &questionnaire->map, types);
    CHECK(written.find("\"linkId\": \"1.1\",\n          \"text\": \"q\",\n          \"type\": \"string\"") !=
          std::string::npos);
}

TEST_CASE("fhir::write_fhir_json round-trips every R4 example") {
    auto ref = REQUIRE_SHARED("reference/fhir/r4-examples");
    if (!ref) return;
    const auto* types = core_types();
    REQUIRE(types);
    std::size_t files = 0, same_text = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*ref)) {
        const auto& path = entry.path();
        if (path.extension() != ".json" || path.filename() == "package.json") continue;
        ++files;
        CAPTURE(path.filename().string());
        const auto original = healthdoc::test::read_file(path);
        auto document = read(original);
        const auto written = fhir::write_fhir_json(document->root, &document->map, types);
        auto again = read(written);
        CHECK((again->root == document->root)); // (no decomposition: the values are huge)
        CHECK(decimal_texts(*again) == decimal_texts(*document));
        auto trimmed = original;
        while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
        if (written == trimmed) ++same_text;
    }
    CHECK(files > 400);
    MESSAGE(same_text << " of " << files << " examples written back byte for byte");

    auto claim = read(healthdoc::test::read_file(*ref / "Claim-660150.json"));
    auto text = fhir::write_fhir_json(claim->root, &claim->map, types);
    CHECK(text.find("\"unitPrice\": {\n        \"value\": 80.00,\n        \"currency\": \"USD\"\n      }") !=
          std::string::npos);
}
