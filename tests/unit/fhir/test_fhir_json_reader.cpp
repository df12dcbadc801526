// Unit tests of read_fhir_json: positions of every value, decimals as written, the diagnostics
// of bad JSON with their exact line:col, hostile inputs, and every R4 example against nlohmann.
#include "fhir/fhir_json.hpp"

#include "tests/support/test_support.hpp"

#include <cmath>
#include <filesystem>

namespace fhir = healthdoc::fhir;
namespace formats = healthdoc::formats;
using nlohmann::json;

namespace {

struct Read {
    std::unique_ptr<fhir::FhirJson> document;
    formats::Diagnostics diagnostics;
};

Read read(const std::string& text, const formats::JsonLimits& limits = {}) {
    Read result;
    result.document = fhir::read_fhir_json(formats::SourceText("test.json", text), result.diagnostics, limits);
    return result;
}

std::string at(const fhir::JsonSourceMap& map, const json& value) {
    auto position = map.position(value);
    return position ? std::to_string(position->line) + ":" + std::to_string(position->column) : "none";
}

// "rule line:col" of the only diagnostic.
std::string only_problem(const Read& result) {
    REQUIRE(result.diagnostics.size() == 1);
    const auto& d = result.diagnostics.items()[0];
    return d.rule + " " + std::to_string(d.location.line) + ":" + std::to_string(d.location.column);
}

// Fatal diagnostic expected: no document, one finding.
std::string fatal(const std::string& text, const formats::JsonLimits& limits = {}) {
    auto result = read(text, limits);
    CHECK(result.document == nullptr);
    if (!result.diagnostics.empty()) CHECK(result.diagnostics.items()[0].severity == formats::Severity::fatal);
    return only_problem(result);
}

} // namespace

TEST_CASE("fhir::read_fhir_json positions") {
    const std::string text = "{\n"
                             "  \"resourceType\": \"Patient\",\n"
                             "  \"name\": [ { \"given\": [\"Ann\", \"Bo\"] }, {} ],\n"
                             "  \"é\": true, \"active\": false,\n"
                             "  \"x\": null, \"n\": -12\n"
                             "}";
    auto result = read(text);
    REQUIRE(result.document);
    CHECK(result.diagnostics.empty());
    const auto& root = result.document->root;
    const auto& map = result.document->map;
    CHECK(at(map, root) == "1:1");
    CHECK(at(map, root["resourceType"]) == "2:19");
    CHECK(at(map, root["name"]) == "3:11");
    CHECK(at(map, root["name"][0]) == "3:13");
    CHECK(at(map, root["name"][0]["given"]) == "3:24");
    CHECK(at(map, root["name"][0]["given"][0]) == "3:25");
    CHECK(at(map, root["name"][0]["given"][1]) == "3:32");
    CHECK(at(map, root["name"][1]) == "3:41");
    CHECK(at(map, root["é"]) == "4:8"); // columns count characters, not bytes
    CHECK(at(map, root["active"]) == "4:24");
    CHECK(at(map, root["x"]) == "5:8");
    CHECK(at(map, root["n"]) == "5:19");
    CHECK(root["n"].is_number_integer());
    CHECK(map.decimal_text(root["n"]) == nullptr);
    CHECK(root == json::parse(text));
}

TEST_CASE("fhir::read_fhir_json array items keep positions and decimals when the array grows") {
    std::string text = "[";
    for (int i = 0; i < 100; ++i) text += (i ? "," : "") + std::to_string(i) + ".50";
    text += "]";
    auto result = read(text);
    REQUIRE(result.document);
    const auto& root = result.document->root;
    REQUIRE(root.size() == 100);
    std::size_t column = 2;
    for (int i = 0; i < 100; ++i) {
        const std::string written = std::to_string(i) + ".50";
        CHECK(at(result.document->map, root[i]) == "1:" + std::to_string(column));
        REQUIRE(result.document->map.decimal_text(root[i]) != nullptr);
        CHECK(*result.document->map.decimal_text(root[i]) == written);
        column += written.size() + 1;
    }

    // Nested containers inside a growing array keep their members' positions too.
    std::string objects = "[";
    for (int i = 0; i < 100; ++i) objects += std::string(i ? "," : "") + "{\"v\":[1.0]}";
    objects += "]";
    auto nested = read(objects);
    REQUIRE(nested.document);
    for (int i = 0; i < 100; ++i) {
        const auto& item = nested.document->root[i];
        CHECK(at(nested.document->map, item) == "1:" + std::to_string(2 + 12 * i));
        CHECK(at(nested.document->map, item["v"]) == "1:" + std::to_string(2 + 12 * i + 5));
        CHECK(at(nested.document->map, item["v"][0]) == "1:" + std::to_string(2 + 12 * i + 6));
        CHECK(*nested.document->map.decimal_text(item["v"][0]) == "1.0");
    }
}

TEST_CASE("fhir::read_fhir_json numbers") {
    auto result = read(R"({"a": 1.50, "b": 1e3, "c": -0.0, "d": 7, "e": 9223372036854775807,
        "f": -9223372036854775808, "g": 18446744073709551615, "h": 18446744073709551616, "i": 1e-400,
        "j": 0, "k": -0, "l": 2.5E-3})");
    REQUIRE(result.document);
    CHECK(result.diagnostics.empty());
    const auto& root = result.document->root;
    const auto& map = result.document->map;
    auto text = [&](const char* key) {
        auto written = map.decimal_text(root[key]);
        return written ? *written : std::string("-");
    };
    CHECK(text("a") == "1.50");
    CHECK(root["a"].get<double>() == 1.5);
    CHECK(text("b") == "1e3");
    CHECK(root["b"].is_number_float());
    CHECK(text("c") == "-0.0");
    CHECK(std::signbit(root["c"].get<double>()));
    CHECK(text("d") == "-");
    CHECK(root["d"].is_number_integer());
    CHECK(root["e"].get<std::int64_t>() == 9223372036854775807);
    CHECK(text("e") == "-");
    CHECK(root["f"].get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
    CHECK(root["g"].is_number_unsigned());
    CHECK(root["g"].get<std::uint64_t>() == 18446744073709551615ull);
    CHECK(text("g") == "-");
    CHECK(root["h"].is_number_float());
    CHECK(text("h") == "18446744073709551616");
    CHECK(root["i"].get<double>() == 0.0); // too close to zero: zero, as written, no finding
    CHECK(text("i") == "1e-400");
    CHECK(root["j"].is_number_integer());
    CHECK(root["k"].get<std::int64_t>() == 0);
    CHECK(text("l") == "2.5E-3");

    auto huge = read("{\"big\":\n  -1e400}");
    REQUIRE(huge.document);
    CHECK(only_problem(huge) == "fhir.json.number-out-of-range 2:3");
    CHECK(huge.diagnostics.items()[0].severity == formats::Severity::error);
    CHECK(*huge.document->map.decimal_text(huge.document->root["big"]) == "-1e400");
    CHECK(std::isinf(huge.document->root["big"].get<double>()));
}

TEST_CASE("fhir::read_fhir_json duplicate keys keep the first") {
    auto result =
        read("{\"a\": 1,\n \"b\": [2.5],\n \"a\": {\"x\": 3.25, \"x\": [1, {\"a\": 1, \"a\": 2}]},\n \"c\": 1.0}");
    REQUIRE(result.document);
    REQUIRE(result.diagnostics.size() == 3);
    const auto& first = result.diagnostics.items()[0];
    CHECK(first.rule == "fhir.json.duplicate-key");
    CHECK(first.severity == formats::Severity::error);
    CHECK(first.location.line == 3);
    CHECK(first.location.column == 2);
    CHECK(first.message.find("\"a\"") != std::string::npos);
    CHECK(result.diagnostics.items()[1].location.column == 19);
    CHECK(result.diagnostics.items()[2].location.column == 37);
    const auto& root = result.document->root;
    CHECK(root == json::parse(R"({"a": 1, "b": [2.5], "c": 1.0})"));
    CHECK(at(result.document->map, root["a"]) == "1:7");
    CHECK(at(result.document->map, root["c"]) == "4:7");
    CHECK(*result.document->map.decimal_text(root["c"]) == "1.0");
    CHECK(*result.document->map.decimal_text(root["b"][0]) == "2.5");
}

TEST_CASE("fhir::read_fhir_json syntax errors have exact positions") {
    CHECK(fatal("") == "json.syntax.invalid 1:1");
    CHECK(fatal("  \n  ") == "json.syntax.invalid 2:3");
    CHECK(fatal("{} x") == "json.syntax.invalid 1:4");
    CHECK(fatal("{}\n{}") == "json.syntax.invalid 2:1");
    CHECK(fatal("{\"a\" 1}") == "json.syntax.invalid 1:6");
    CHECK(fatal("{\"a\": 1 \"b\": 2}") == "json.syntax.invalid 1:9");
    CHECK(fatal("{\"a\": 1,}") == "json.syntax.invalid 1:9");
    CHECK(fatal("{a: 1}") == "json.syntax.invalid 1:2");
    CHECK(fatal("[1,]") == "json.syntax.invalid 1:4");
    CHECK(fatal("[1 2]") == "json.syntax.invalid 1:4");
    CHECK(fatal("[\"abc") == "json.syntax.invalid 1:6");
    CHECK(fatal("[\"a\tb\"]") == "json.syntax.invalid 1:4");
    CHECK(fatal("[\"a\nb\"]") == "json.syntax.invalid 1:4");
    CHECK(fatal("[\"a\\qb\"]") == "json.syntax.invalid 1:5");
    CHECK(fatal("[\"\\u12G4\"]") == "json.syntax.invalid 1:7");
    CHECK(fatal("[01]") == "json.syntax.invalid 1:3");
    CHECK(fatal("[1.]") == "json.syntax.invalid 1:4");
    CHECK(fatal("[1e]") == "json.syntax.invalid 1:4");
    CHECK(fatal("[-]") == "json.syntax.invalid 1:3");
    CHECK(fatal("[+1]") == "json.syntax.invalid 1:2");
    CHECK(fatal("[tru]") == "json.syntax.invalid 1:2");
    CHECK(fatal("[nul") == "json.syntax.invalid 1:2");
    CHECK(fatal("[1") == "json.syntax.invalid 1:3");
    CHECK(fatal("{\"é\": [1,\n  ]}") == "json.syntax.invalid 2:3");
    CHECK(fatal("[NaN]") == "json.syntax.invalid 1:2");
    CHECK(fatal("[1]\x01") == "json.syntax.invalid 1:4");

    auto result = read("{\"secret\": 1 2}");
    REQUIRE(result.diagnostics.size() == 1);
    const auto& message = result.diagnostics.items()[0].message;
    CHECK(message.find("expected") != std::string::npos);
    CHECK(message.find("secret") == std::string::npos);
}

TEST_CASE("fhir::read_fhir_json comments: each one an error unless allowed, positions kept") {
    const std::string text = "// leading\n"
                             "{\"a\": /* one\n two */ [1, // trailing\n"
                             "  2],\n"
                             "  \"b\": \"x//y/*z*/\"}";
    auto refused = read(text);
    REQUIRE(refused.document);
    REQUIRE(refused.diagnostics.size() == 3);
    CHECK(refused.diagnostics.items()[0].rule == "fhir.json.comment");
    CHECK(refused.diagnostics.items()[0].severity == formats::Severity::error);
    CHECK(refused.diagnostics.items()[0].location.line == 1);
    CHECK(refused.diagnostics.items()[1].location.line == 2);
    CHECK(refused.diagnostics.items()[1].location.column == 7);
    CHECK(refused.diagnostics.items()[2].location.line == 3);
    CHECK(refused.diagnostics.items()[2].location.column == 13);
    const auto& root = refused.document->root;
    CHECK(root["b"] == "x//y/*z*/"); // not a comment inside a string
    CHECK(at(refused.document->map, root["a"]) == "3:9");
    CHECK(at(refused.document->map, root["a"][1]) == "4:3");
    CHECK(at(refused.document->map, root["b"]) == "5:8");

    formats::Diagnostics diagnostics;
    auto allowed =
        fhir::read_fhir_json(formats::SourceText("test.json", text), diagnostics, {}, fhir::JsonComments::allowed);
    REQUIRE(allowed);
    CHECK(diagnostics.empty());
    CHECK(allowed->root == root);
    CHECK(at(allowed->map, allowed->root["a"][1]) == "4:3");

    formats::Diagnostics unclosed;
    CHECK_FALSE(fhir::read_fhir_json(formats::SourceText("test.json", "{\"a\": 1 /* open\n\n"), unclosed, {},
                                     fhir::JsonComments::allowed));
    REQUIRE(unclosed.size() == 1);
    CHECK(unclosed.items()[0].rule == "json.syntax.invalid");
    CHECK(unclosed.items()[0].location.column == 9);
    CHECK(fatal("{\"a\": 1 / 2}") == "json.syntax.invalid 1:9");
}

TEST_CASE("fhir::read_fhir_json encoding") {
    CHECK(fatal("[\"\xC0\xAF\"]") == "json.encoding.invalid-utf8 1:3");         // overlong '/'
    CHECK(fatal("[\"ab\xED\xA0\x80\"]") == "json.encoding.invalid-utf8 1:5");   // surrogate in UTF-8
    CHECK(fatal("[\"é\xE2\x82\"]") == "json.encoding.invalid-utf8 1:4");        // cut sequence
    CHECK(fatal("[\"\xF4\x90\x80\x80\"]") == "json.encoding.invalid-utf8 1:3"); // above U+10FFFF
    CHECK(fatal("[\"\xE2\x82") == "json.encoding.invalid-utf8 1:3");            // cut by the end
    CHECK(fatal("[1, \x80]") == "json.encoding.invalid-utf8 1:5");              // raw byte outside strings
    CHECK(fatal("{\"k\xFF\": 1}") == "json.encoding.invalid-utf8 1:4");         // in a member name
    CHECK(fatal("[\"\\ud800\"]") == "json.encoding.invalid-utf8 1:3");          // lone high surrogate
    CHECK(fatal("[\"x\\udc00\"]") == "json.encoding.invalid-utf8 1:4");         // lone low surrogate
    CHECK(fatal("[\"\\ud800\\u0041\"]") == "json.encoding.invalid-utf8 1:3");   // high then not low
    CHECK(fatal("[\"\\ud800\\n\"]") == "json.encoding.invalid-utf8 1:3");

    auto pair = read("[\"\\ud83d\\ude00 \\u00e9\\u0000\\\"\\/\\b\\f\\n\\r\\t\\\\\"]");
    REQUIRE(pair.document);
    CHECK(pair.document->root[0].get<std::string>() == std::string("\xF0\x9F\x98\x80 \xC3\xA9\0\"/\b\f\n\r\t\\", 16));

    // UTF-8 with a BOM: the BOM is dropped and columns start after it.
    auto bom = read("\xEF\xBB\xBF{\"a\": \"é\"}");
    REQUIRE(bom.document);
    CHECK(at(bom.document->map, bom.document->root["a"]) == "1:7");
    CHECK(bom.document->root["a"] == "é");

    // UTF-16 with a BOM (both byte orders) and without one.
    auto utf16 = [](const std::u16string& text, bool big_endian, bool with_bom) {
        std::string bytes;
        if (with_bom) bytes = big_endian ? "\xFE\xFF" : "\xFF\xFE";
        for (char16_t unit : text) {
            char high = static_cast<char>(unit >> 8), low = static_cast<char>(unit & 0xFF);
            bytes += big_endian ? high : low;
            bytes += big_endian ? low : high;
        }
        return bytes;
    };
    const std::u16string document = u"{\"a\": [\"\u00e9\U0001F600\", 1.50]}";
    for (bool big_endian : {false, true}) {
        for (bool with_bom : {true, false}) {
            CAPTURE(big_endian);
            CAPTURE(with_bom);
            auto result = read(utf16(document, big_endian, with_bom));
            REQUIRE(result.document);
            CHECK(result.diagnostics.empty());
            CHECK(result.document->root["a"][0] == "\xC3\xA9\xF0\x9F\x98\x80");
            CHECK(at(result.document->map, result.document->root["a"][1]) == "1:14");
            CHECK(*result.document->map.decimal_text(result.document->root["a"][1]) == "1.50");
        }
    }
    auto unpaired = utf16(u"[\"a", false, true) + std::string("\x00\xD8", 2) + utf16(u"\"]", false, false);
    CHECK(fatal(unpaired) == "json.encoding.invalid-utf8 1:4");
}

TEST_CASE("fhir::read_fhir_json limits") {
    CHECK(fatal(std::string(10000, '[')) == "json.limits.too-deep 1:257");
    CHECK(fatal(std::string(100000, '{')) == "json.syntax.invalid 1:2");
    std::string deep_objects;
    for (int i = 0; i < 10000; ++i) deep_objects += "{\"a\":";
    CHECK(fatal(deep_objects) == "json.limits.too-deep 1:1281");

    formats::JsonLimits small;
    small.max_depth = 3;
    CHECK(read("[[[1]]]", small).document != nullptr);
    CHECK(read("[[[[]]]]", small).document == nullptr);
    CHECK(fatal("[{\"a\": [[]]}]", small) == "json.limits.too-deep 1:9");
    auto at_limit = std::string(256, '[') + std::string(256, ']');
    CHECK(read(at_limit).document != nullptr);

    small.max_bytes = 10;
    CHECK(fatal("[1, 2, 3, 4, 5]", small) == "json.limits.too-large 0:0");

    // A million items: no quadratic cost, every position recorded.
    std::string huge = "[";
    huge.reserve(2'000'002);
    for (int i = 0; i < 1'000'000; ++i) huge += i ? ",7" : "7";
    huge += "]";
    auto result = read(huge);
    REQUIRE(result.document);
    REQUIRE(result.document->root.size() == 1'000'000);
    CHECK(at(result.document->map, result.document->root[999'999]) == "1:2000000");
}

TEST_CASE("fhir::read_fhir_json reads every R4 example like nlohmann::json::parse") {
    auto ref = REQUIRE_SHARED("reference/fhir/r4-examples");
    if (!ref) return;
    std::size_t files = 0, decimals = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*ref)) {
        const auto& path = entry.path();
        if (path.extension() != ".json" || path.filename() == "package.json") continue;
        ++files;
        CAPTURE(path.filename().string());
        auto text = healthdoc::test::read_file(path);
        auto result = read(text);
        REQUIRE(result.document);
        CHECK(result.diagnostics.empty());
        CHECK((result.document->root == json::parse(text))); // (no decomposition: the values are huge)
        CHECK(result.document->map.position(result.document->root).has_value());
        // Every value has a position; every float has its text.
        std::vector<const json*> pending{&result.document->root};
        while (!pending.empty()) {
            const json* value = pending.back();
            pending.pop_back();
            if (!result.document->map.position(*value)) FAIL("a value has no position");
            if (value->is_number_float()) {
                ++decimals;
                CHECK(result.document->map.decimal_text(*value) != nullptr);
            }
            if (value->is_structured())
                for (const auto& child : *value) pending.push_back(&child);
        }
    }
    CHECK(files > 400);
    CHECK(decimals > 100);
}
