// Unit tests of the R4 primitive value rules: each type's pattern, range and JSON type, with
// the hard cases (leap days, 24:00, zones, 32-bit limits, upper-case UUIDs), and every
// primitive value of the shared R4 examples, typed through the core StructureDefinitions.
#include "fhir/fhirpath/package_type_provider.hpp"
#include "fhir/primitives.hpp"

#include "tests/support/test_support.hpp"

#include <filesystem>
#include <set>

namespace fhir = healthdoc::fhir;
namespace fp = healthdoc::fhir::fhirpath;
using nlohmann::json;

namespace {

bool ok(std::string_view type, const json& value) { return !fhir::primitive_problem(type, value).has_value(); }

bool ok_written(std::string_view type, const std::string& written) {
    std::string text = written;
    return !fhir::primitive_problem(type, json::parse(written), &text).has_value();
}

std::string problem(std::string_view type, const json& value) {
    auto found = fhir::primitive_problem(type, value);
    REQUIRE(found.has_value());
    return *found;
}

} // namespace

TEST_CASE("fhir::primitives_json_kinds") {
    CHECK(fhir::json_kind_of("boolean") == fhir::JsonPrimitiveKind::boolean);
    for (auto type : {"integer", "decimal", "positiveInt", "unsignedInt"})
        CHECK(fhir::json_kind_of(type) == fhir::JsonPrimitiveKind::number);
    for (auto type : {"string", "date", "code", "integer64", "xhtml", "base64Binary"})
        CHECK(fhir::json_kind_of(type) == fhir::JsonPrimitiveKind::string);

    CHECK(problem("boolean", "true") == "the value of a boolean must be a JSON true or false");
    CHECK(problem("positiveInt", "5") == "the value of a positiveInt must be a JSON number");
    CHECK(problem("decimal", "1.5") == "the value of a decimal must be a JSON number");
    CHECK(problem("string", 5) == "the value of a string must be a JSON string");
    CHECK(problem("date", true) == "the value of a date must be a JSON string");
    CHECK_FALSE(ok("integer", nullptr));
    CHECK(ok("boolean", true));
    CHECK(ok("boolean", false));
    // Types this module does not know accept anything: no false errors.
    CHECK(ok("integer64", "12"));
    CHECK(ok("http://hl7.org/fhirpath/System.String", "x"));
}

TEST_CASE("fhir::primitives_integers") {
    CHECK(ok("integer", 0));
    CHECK(ok("integer", -2147483648LL));
    CHECK(ok("integer", 2147483647));
    CHECK(problem("integer", 2147483648LL) == "an integer must be a whole number from -2147483648 to 2147483647");
    CHECK_FALSE(ok("integer", -2147483649LL));
    CHECK_FALSE(ok("integer", 1.5));
    CHECK_FALSE(ok("integer", 1.0)); // written with a fraction
    CHECK_FALSE(ok("integer", 1e30));
    CHECK_FALSE(ok("integer", json::parse("123456789012345678901234567890")));

    CHECK(ok("positiveInt", 1));
    CHECK(problem("positiveInt", 0) == "a positiveInt must be a whole number from 1 to 2147483647");
    CHECK_FALSE(ok("positiveInt", -3));
    CHECK(ok("unsignedInt", 0));
    CHECK(problem("unsignedInt", -1) == "an unsignedInt must be a whole number from 0 to 2147483647");
    CHECK_FALSE(ok("unsignedInt", 4294967296ULL));

    SUBCASE("as written") {
        CHECK(ok_written("integer", "-0"));
        CHECK(ok_written("integer", "-2147483648"));
        CHECK_FALSE(ok_written("integer", "2147483648"));
        CHECK_FALSE(ok_written("integer", "99999999999999999999"));
        CHECK_FALSE(ok_written("integer", "1.0"));
        CHECK_FALSE(ok_written("integer", "1e2"));
        CHECK_FALSE(ok_written("unsignedInt", "-0"));
        CHECK(fhir::primitive_problem("unsignedInt", -1, nullptr) ==
              fhir::primitive_problem("unsignedInt", -1, std::make_unique<std::string>("-1").get()));
        CHECK_FALSE(ok_written("positiveInt", "0"));
        CHECK(ok_written("positiveInt", "2147483647"));
    }
}

TEST_CASE("fhir::primitives_decimal") {
    CHECK(ok("decimal", 1.5));
    CHECK(ok("decimal", -3));
    CHECK(ok("decimal", 1e300));
    CHECK(ok_written("decimal", "0.0010"));
    CHECK(ok_written("decimal", "-0.5e-10"));
    CHECK(ok_written("decimal", "123456789012345678901234567890.123456789"));
    std::string leading_zero = "01.5";
    CHECK(fhir::primitive_problem("decimal", 1.5, &leading_zero).has_value());
    std::string bare_point = "1.";
    CHECK(fhir::primitive_problem("decimal", 1.0, &bare_point).has_value());
}

TEST_CASE("fhir::primitives_strings") {
    CHECK(ok("string", "x"));
    CHECK(ok("string", " padded and\r\n\ttabbed "));
    CHECK(ok("markdown", "# title\n\n*text*"));
    CHECK(problem("string", "") == "a string must not be an empty string");
    CHECK_FALSE(ok("markdown", ""));
    CHECK_FALSE(ok("uri", ""));
    CHECK_FALSE(ok("string", "form\ffeed"));
    CHECK_FALSE(ok("string", std::string(1024 * 1024 + 1, 'a')));
    CHECK(ok("string", std::string(1024 * 1024, 'a')));

    CHECK(ok("code", "final"));
    CHECK(ok("code", "a b c"));
    CHECK_FALSE(ok("code", " final"));
    CHECK_FALSE(ok("code", "final "));
    CHECK_FALSE(ok("code", "a  b"));
    CHECK_FALSE(ok("code", "a\t\nb"));

    CHECK(ok("id", "example-1.2"));
    CHECK(ok("id", std::string(64, 'a')));
    CHECK(problem("id", std::string(65, 'a')) == "an id must be 1 to 64 letters, digits, '-' or '.'");
    CHECK_FALSE(ok("id", "a_b"));
    CHECK_FALSE(ok("id", "a b"));

    CHECK(ok("oid", "urn:oid:1.2.840.10008"));
    CHECK(ok("oid", "urn:oid:2.0.1"));
    CHECK_FALSE(ok("oid", "urn:oid:1.02.3"));
    CHECK_FALSE(ok("oid", "urn:oid:3.1"));
    CHECK_FALSE(ok("oid", "urn:oid:1"));
    CHECK_FALSE(ok("oid", "1.2.3"));
    CHECK_FALSE(ok("oid", "urn:oid:1.2."));

    CHECK(ok("uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520"));
    CHECK_FALSE(ok("uuid", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520"));
    CHECK_FALSE(ok("uuid", "c757873d-ec9a-4326-a141-556f43239520"));
    CHECK_FALSE(ok("uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f4323952"));

    for (auto type : {"uri", "url", "canonical"}) {
        CHECK(ok(type, "http://example.org/fhir/ValueSet/x|1.0"));
        CHECK_FALSE(ok(type, "http://example.org/a b"));
        CHECK(ok(type, "urn:uuid:c757873d-ec9a-4326-a141-556f43239520"));
        CHECK(ok(type, "urn:oid:2.16.840.1.113883.6.96"));
        CHECK(ok(type, "Patient/1"));
        CHECK(ok(type, "c:\\temp\\example.txt"));
        CHECK_FALSE(ok(type, "urn:uuid:c757873d-ec9a-4326-a141-556f43239520asdf"));
        CHECK_FALSE(ok(type, "oid:1.2.3"));
        CHECK_FALSE(ok(type, "uuid:c757873d-ec9a-4326-a141-556f43239520"));
    }

    CHECK(ok("base64Binary", "SGVsbG8="));
    CHECK(ok("base64Binary", "SGVs bG8h\n"));
    CHECK(ok("base64Binary", "AA=="));
    CHECK_FALSE(ok("base64Binary", "SGVsbG8"));
    CHECK_FALSE(ok("base64Binary", "SGVs*G8="));
    CHECK_FALSE(ok("base64Binary", "A==="));
    CHECK_FALSE(ok("base64Binary", "AA=A"));
    CHECK_FALSE(ok("base64Binary", "   "));

    CHECK(ok("xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"));
}

TEST_CASE("fhir::primitives_dates_and_times") {
    CHECK(ok("date", "2024"));
    CHECK(ok("date", "2024-02"));
    CHECK(ok("date", "2024-02-29"));
    CHECK(ok("date", "2000-02-29"));
    CHECK(problem("date", "2023-02-29") ==
          "a date must be written YYYY, YYYY-MM or YYYY-MM-DD with a real calendar date");
    CHECK_FALSE(ok("date", "1900-02-29"));
    CHECK_FALSE(ok("date", "2023-13-01"));
    CHECK_FALSE(ok("date", "2023-04-31"));
    CHECK_FALSE(ok("date", "0000"));
    CHECK_FALSE(ok("date", "2023-1-01"));
    CHECK_FALSE(ok("date", "2023-01-01T10:00:00Z"));
    CHECK_FALSE(ok("date", "20230101"));

    CHECK(ok("dateTime", "2015"));
    CHECK(ok("dateTime", "2015-02"));
    CHECK(ok("dateTime", "2015-02-07"));
    CHECK(ok("dateTime", "2015-02-07T13:28:17-05:00"));
    CHECK(ok("dateTime", "2015-02-07T13:28:17.239+14:00"));
    CHECK(ok("dateTime", "2016-12-31T23:59:60Z"));      // the regex allows a leap second
    CHECK_FALSE(ok("dateTime", "2015-02-07T13:28:17")); // a time needs a zone
    CHECK_FALSE(ok("dateTime", "2015-02-07T13:28Z"));   // and seconds
    CHECK_FALSE(ok("dateTime", "2015-02-07T24:00:00Z"));
    CHECK_FALSE(ok("dateTime", "2015-02-07T13:28:17+14:30"));
    CHECK_FALSE(ok("dateTime", "2015-02-07T13:28:17+15:00"));
    CHECK_FALSE(ok("dateTime", "2015-02T13:28:17Z"));
    CHECK_FALSE(ok("dateTime", "2015-02-07T13:28:17.Z"));
    CHECK_FALSE(ok("dateTime", "2023-02-29"));

    CHECK(ok("instant", "2015-02-07T13:28:17.239+02:00"));
    CHECK(ok("instant", "2015-02-07T13:28:17Z"));
    CHECK_FALSE(ok("instant", "2015-02-07T13:28:17"));
    CHECK_FALSE(ok("instant", "2015-02-07"));
    CHECK_FALSE(ok("instant", "2015-02-30T13:28:17Z"));

    CHECK(ok("time", "00:00:00"));
    CHECK(ok("time", "23:59:59.999"));
    CHECK_FALSE(ok("time", "24:00:00"));
    CHECK_FALSE(ok("time", "12:00"));
    CHECK_FALSE(ok("time", "12:00:00Z"));
    CHECK_FALSE(ok("time", "12:60:00"));
}

TEST_CASE("fhir::primitives_messages_never_quote_the_value") {
    const std::string secret = "SECRET-VALUE-42";
    for (auto type : {"date", "dateTime", "instant", "time", "id", "oid", "uuid", "code", "base64Binary"}) {
        auto found = fhir::primitive_problem(type, secret + "  x");
        REQUIRE(found.has_value());
        CHECK(found->find(secret) == std::string::npos);
        CHECK(found->find(type) != std::string::npos);
    }
}

namespace {

// Checks every primitive value of `value` (of the type or backbone element at `path`) and
// records the problems as "file: path (type): message".
class ExampleWalker {
public:
    explicit ExampleWalker(const fp::TypeProvider& types) : m_types(types) {}

    void walk_resource(const json& resource, const std::string& where) {
        if (!resource.is_object() || !resource.contains("resourceType")) return;
        walk_object(resource, resource["resourceType"].get<std::string>(), where);
    }

    std::size_t checked = 0;
    std::set<std::string> types_seen;
    std::vector<std::string> problems;

private:
    const fp::ElementInfo* element_of(const std::string& path, const std::string& key, std::string& type) const {
        if (auto element = m_types.find_element(path + "." + key)) {
            if (element->types.size() == 1) type = element->types[0];
            return element;
        }
        // A choice element: valueQuantity is "value" with the type named by the suffix.
        for (std::size_t split = 1; split < key.size(); ++split) {
            if (!std::isupper(static_cast<unsigned char>(key[split]))) continue;
            auto element = m_types.find_element(path + "." + key.substr(0, split));
            if (element && element->is_choice) {
                type = fp::choice_suffix_type(key.substr(split));
                return element;
            }
        }
        return nullptr;
    }

    void walk_object(const json& object, const std::string& path, const std::string& where) {
        for (const auto& [key, value] : object.items()) {
            if (key == "resourceType" || key.front() == '_') continue;
            std::string type;
            auto element = element_of(path, key, type);
            if (!element) continue;
            std::string child_path = path + "." + key;
            if (!element->content_reference.empty()) {
                child_path = element->content_reference;
                type = "BackboneElement";
            }
            const auto items = value.is_array() ? value : json::array({value});
            for (const auto& item : items) visit(item, type, child_path, where);
        }
    }

    void visit(const json& item, const std::string& type, const std::string& child_path, const std::string& where) {
        if (type.empty()) return;
        if (type == "BackboneElement" || type == "Element") {
            if (item.is_object()) walk_object(item, child_path, where);
        } else if (type == "Resource") {
            walk_resource(item, where);
        } else if (fp::is_fhir_primitive(type)) {
            ++checked;
            types_seen.insert(type);
            if (auto found = fhir::primitive_problem(type, item))
                problems.push_back(where + ": " + child_path + " (" + type + "): " + *found);
        } else if (item.is_object()) {
            walk_object(item, type, where);
        }
    }

    const fp::TypeProvider& m_types;
};

} // namespace

TEST_CASE("fhir::primitives_every_value_of_the_r4_examples_is_valid") {
    auto examples = REQUIRE_SHARED("reference/fhir/r4-examples");
    if (!examples) return;
    auto package = REQUIRE_SHARED("reference/fhir/packages/hl7.fhir.r4.core#4.0.1/package");
    if (!package) return;
    fp::PackageTypeProvider types(*package);
    ExampleWalker walker(types);
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*examples)) {
        if (entry.path().extension() != ".json") continue;
        ++files;
        walker.walk_resource(json::parse(healthdoc::test::read_file(entry.path())), entry.path().filename().string());
    }
    MESSAGE(files << " examples, " << walker.checked << " primitive values of " << walker.types_seen.size()
                  << " types checked");
    CHECK(files > 400);
    CHECK(walker.checked > 50000);
    for (auto type : {"boolean", "integer", "positiveInt", "unsignedInt", "decimal", "string", "code", "id", "uri",
                      "canonical", "date", "dateTime", "instant", "time", "base64Binary", "markdown"})
        CHECK_MESSAGE(walker.types_seen.count(type) == 1, type);
    for (std::size_t i = 0; i < walker.problems.size() && i < 20; ++i) MESSAGE(walker.problems[i]);
    CHECK(walker.problems.empty());
}
