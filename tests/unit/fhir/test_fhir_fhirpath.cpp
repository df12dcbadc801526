// Unit tests of the FHIRPath engine: parsing, evaluation with and without FHIR definitions,
// limits on hostile expressions, resolve() in bundles, and the FHIR XML -> JSON conversion.
#include "fhir/fhirpath/fhirpath.hpp"
#include "fhir/fhirpath/package_type_provider.hpp"
#include "fhir/xml_to_json.hpp"

#include "tests/support/test_support.hpp"

namespace fp = healthdoc::fhir::fhirpath;
using nlohmann::json;

namespace {

// Evaluates `expression` on `resource` and renders each item with describe().
std::vector<std::string> run(const std::string& expression, const json& resource = json::object(), const fp::Environment& env = {}) {
    std::vector<std::string> out;
    for (const auto& item : fp::evaluate(fp::parse(expression), resource, env)) out.push_back(fp::describe(item));
    return out;
}

std::string one(const std::string& expression, const json& resource = json::object(), const fp::Environment& env = {}) {
    auto items = run(expression, resource, env);
    REQUIRE(items.size() == 1);
    return items[0];
}

const json k_patient = json::parse(R"({
  "resourceType": "Patient", "id": "x", "active": true,
  "name": [{"use": "official", "family": "Doe", "given": ["Jane", "Mary"]}, {"use": "nickname", "given": ["JJ"]}],
  "birthDate": "1970-03-01",
  "_birthDate": {"extension": [{"url": "http://example.org/time", "valueTime": "10:00:00"}]},
  "deceasedBoolean": false,
  "extension": [{"url": "http://example.org/weight", "valueDecimal": 1.5}]
})");

} // namespace

TEST_CASE("fhir::fhirpath_parse") {
    SUBCASE("syntax errors carry the position") {
        try {
            fp::parse("name.where(use = 'x'");
            FAIL("no error");
        } catch (const fp::FhirPathError& e) {
            CHECK(e.kind() == fp::ErrorKind::syntax);
            CHECK(e.position() == 20);
        }
        CHECK_THROWS_AS(fp::parse("'unterminated"), fp::FhirPathError);
        CHECK_THROWS_AS(fp::parse("2 + 2 /* open"), fp::FhirPathError);
        CHECK_THROWS_AS(fp::parse("1 +"), fp::FhirPathError);
        CHECK_THROWS_AS(fp::parse("a ; b"), fp::FhirPathError);
        CHECK_THROWS_AS(fp::parse("$thing"), fp::FhirPathError);
    }
    SUBCASE("deep nesting and long chains are rejected, not crashed on") {
        CHECK_THROWS_AS(fp::parse(std::string(5000, '(') + "1" + std::string(5000, ')')), fp::FhirPathError);
        std::string chain = "a";
        for (int i = 0; i < 20000; ++i) chain += ".a";
        CHECK_THROWS_AS(fp::parse(chain), fp::FhirPathError);
        std::string sum = "1";
        for (int i = 0; i < 20000; ++i) sum += "+1";
        CHECK_THROWS_AS(fp::parse(sum), fp::FhirPathError);
        CHECK_THROWS_AS(fp::parse(std::string(100000, '-') + "1"), fp::FhirPathError);
    }
    SUBCASE("literals") {
        CHECK(one("@2015-02-04T14:34:28.123+10:00") == "DateTime: 2015-02-04T14:34:28.123+10:00");
        CHECK(one("@T14:34") == "Time: 14:34");
        CHECK(one("4 days") == "Quantity: 4 days");
        CHECK(one("10.50 'mg'") == "Quantity: 10.50 'mg'");
        CHECK(one("'a\\u0062\\'c'") == "String: ab'c");
        CHECK(one("1.50") == "Decimal: 1.50");
    }
}

TEST_CASE("fhir::fhirpath_evaluate_without_definitions") {
    SUBCASE("navigation, arrays, choice elements and primitive extensions") {
        CHECK(run("Patient.name.given", k_patient) == std::vector<std::string>{"string: Jane", "string: Mary", "string: JJ"});
        CHECK(one("deceased", k_patient) == "boolean: false");
        CHECK(one("birthDate.extension.value", k_patient) == "time: 10:00:00");
        CHECK(one("extension('http://example.org/weight').value + 1", k_patient) == "Decimal: 2.5");
        CHECK(one("birthDate < @1971", k_patient) == "Boolean: true");
        CHECK(one("name.where(use = 'official').given.count()", k_patient) == "Integer: 2");
        CHECK(run("name.suffix", k_patient).empty());
    }
    SUBCASE("three-valued logic and empty propagation") {
        CHECK(run("{} and true").empty());
        CHECK(one("{} and false") == "Boolean: false");
        CHECK(run("{} implies false").empty());
        CHECK(one("false implies {}") == "Boolean: true");
        CHECK(run("1 = {}").empty());
        CHECK(one("{} ~ {}") == "Boolean: true");
    }
    SUBCASE("decimals keep their precision") {
        CHECK(one("1.10 = 1.1") == "Boolean: true");
        CHECK(one("0.1 + 0.2 = 0.3") == "Boolean: true");
        CHECK(one("1.2 / 1.8 ~ 0.67") == "Boolean: true");
        CHECK(one("10 / 4") == "Decimal: 2.5");
        CHECK(one("7 div 2") == "Integer: 3");
        CHECK(one("-7 mod 2") == "Integer: -1");
        CHECK(run("5 div 0").empty());
        CHECK(one("1234567890987654321.5 + 0.5") == "Decimal: 1234567890987654322.0");
    }
    SUBCASE("quantities and dates") {
        CHECK(one("1 'kg' = 1000 'g'") == "Boolean: true");
        CHECK(one("1 '[lb_av]' < 1 'kg'") == "Boolean: true");
        CHECK(one("1 'cm' + 1 'm'") == "Quantity: 101 'cm'");
        CHECK(run("1 year = 1 'a'").empty());
        CHECK(one("@2020-01-31 + 1 month") == "Date: 2020-02-29");
        CHECK(one("@2020-03-01T10:00:00Z - 2 hours") == "DateTime: 2020-03-01T08:00:00Z");
        CHECK(run("@2020 = @2020-01").empty());
        CHECK_THROWS_AS(run("@2020 + 1 'mo'", json::object()), fp::FhirPathError);
    }
    SUBCASE("errors are exceptions, never crashes") {
        CHECK_THROWS_AS(run("(1 | 2) + 1", json::object()), fp::FhirPathError);
        CHECK_THROWS_AS(run("'a' < 1", json::object()), fp::FhirPathError);
        CHECK_THROWS_AS(run("nosuchfunction()", json::object()), fp::FhirPathError);
        CHECK_THROWS_AS(run("%nosuchvariable", json::object()), fp::FhirPathError);
        CHECK_THROWS_AS(run("9223372036854775807 + 1", json::object()), fp::FhirPathError);
    }
}

TEST_CASE("fhir::fhirpath_hostile_expressions") {
    fp::Environment env;
    env.options.max_collection = 100000;
    env.options.max_steps = 2'000'000;
    SUBCASE("exponential growth hits the collection bound") {
        CHECK_THROWS_AS(run("(1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10))))))", json::object(), env),
                        fp::FhirPathError);
    }
    SUBCASE("the deepest accepted expressions evaluate without exhausting the stack") {
        std::string nested = "1";
        for (int i = 0; i < 30; ++i) nested = "(" + nested + ").where($this = 1).select($this)";
        CHECK(one(nested, json::object(), env) == "Integer: 1");
        std::string chain = "1";
        for (int i = 0; i < 390; ++i) chain += ".first()";
        CHECK(one(chain, json::object(), env) == "Integer: 1");
    }
    SUBCASE("repeat() on a cycle of values ends") {
        CHECK(run("(1 | 2).repeat($this)", json::object(), env).size() == 2);
    }
    SUBCASE("catastrophic regular expressions are refused") {
        CHECK_THROWS_AS(run("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('(a+)+b')", json::object(), env), fp::FhirPathError);
        CHECK(one("'A\nB'.matches('A.B')", json::object(), env) == "Boolean: true");
        // Long inputs (std::regex would overflow the stack) go to the POSIX matcher.
        const json long_text = {{"resourceType", "Basic"}, {"s", std::string(60000, 'a') + " 7"}};
        CHECK(one("s.matches('^(a|b)*\\s\\d$')", long_text, env) == "Boolean: true");
        CHECK(one("s.matchesFull('a+')", long_text, env) == "Boolean: false");
        CHECK_THROWS_AS(run("s.replaceMatches('a', 'b')", long_text, env), fp::FhirPathError);
    }
    SUBCASE("deep data is walked with bounded work") {
        json deep = json::object();
        json* cursor = &deep;
        for (int i = 0; i < 200; ++i) {
            (*cursor)["item"] = json::object();
            cursor = &(*cursor)["item"];
        }
        CHECK(one("repeat(item).count()", deep, env) == "Integer: 200");
        CHECK(one("descendants().count()", deep, env) == "Integer: 200");
    }
}

TEST_CASE("fhir::fhirpath_resolve_and_variables") {
    const auto bundle = json::parse(healthdoc::test::read_file(healthdoc::test::source_path("tests/data/fhir/fhirpath-bundle.json")));
    CHECK(one("entry.resource.ofType(Observation).subject.resolve().id", bundle) == "string: p1");
    CHECK(one("entry.resource.ofType(Patient).managingOrganization.resolve().name", bundle) == "string: Contained Org");
    CHECK(one("entry[1].resource.value > 70 'kg'", bundle) == "Boolean: true");
    CHECK(one("entry[1].resource.value.value", bundle) == "decimal: 72.5");
    CHECK(one("%ucum") == "String: http://unitsofmeasure.org");
    CHECK(one("%`vs-administrative-gender`") == "String: http://hl7.org/fhir/ValueSet/administrative-gender");
    fp::Environment env;
    env.variables["limit"] = {fp::Value(std::int64_t{3})};
    CHECK(one("%limit * 2", json::object(), env) == "Integer: 6");
    std::vector<std::string> traced;
    env.trace = [&](const std::string& name, const fp::Collection& values) { traced.push_back(name + std::to_string(values.size())); };
    CHECK(one("(1 | 2).trace('t').count()", json::object(), env) == "Integer: 2");
    CHECK(traced == std::vector<std::string>{"t2"});
}

TEST_CASE("fhir::fhirpath_with_definitions") {
    auto package = REQUIRE_SHARED("reference/fhir/packages/hl7.fhir.r4.core#4.0.1/package");
    if (!package) return;
    auto types = fp::PackageTypeProvider::shared(*package);
    fp::Environment env;
    env.types = types.get();
    SUBCASE("type provider") {
        const fp::ElementInfo* contact = types->find_element("Patient.contact");
        REQUIRE(contact);
        CHECK(contact->is_array);
        CHECK(contact->types == std::vector<std::string>{"BackboneElement"});
        const fp::ElementInfo* value = types->find_element("Observation.value");
        REQUIRE(value);
        CHECK(value->is_choice);
        const fp::ElementInfo* item = types->find_element("Questionnaire.item.item");
        REQUIRE(item);
        CHECK(item->content_reference == "Questionnaire.item");
        CHECK(fp::is_type_or_subtype(types.get(), "code", "string"));
        CHECK(fp::is_type_or_subtype(types.get(), "Patient", "Resource"));
        CHECK(types->find_type("NoSuchType") == nullptr);
        CHECK(types->find_type("vitalsigns") == nullptr); // a profile, not a type
    }
    SUBCASE("types drive is/as and primitive conversion") {
        CHECK(one("birthDate.is(date)", k_patient, env) == "Boolean: true");
        CHECK(one("birthDate.type().name", k_patient, env) == "String: date");
        CHECK(one("active is FHIR.boolean", k_patient, env) == "Boolean: true");
        CHECK(one("name.given.first().is(string)", k_patient, env) == "Boolean: true");
        CHECK_THROWS_AS(run("name.given1", k_patient, env), fp::FhirPathError);
        CHECK_THROWS_AS(run("deceasedBoolean", k_patient, env), fp::FhirPathError);
        env.options.check_element_names = false;
        CHECK(run("deceasedBoolean", k_patient, env).empty());
    }
    SUBCASE("FHIR XML to JSON") {
        const char* xml = R"(<Patient xmlns="http://hl7.org/fhir"><id value="a"/>
          <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></div></text>
          <active value="true"/><name><given value="A"/><given id="g2"><extension url="http://x"><valueString value="y"/></extension></given></name>
          <multipleBirthInteger value="2"/><contained><Organization><id value="o"/></Organization></contained></Patient>)";
        const json converted = healthdoc::fhir::xml_to_json(xml, *types);
        CHECK(converted["resourceType"] == "Patient");
        CHECK(converted["active"] == true);
        CHECK(converted["multipleBirthInteger"] == 2);
        CHECK(converted["name"][0]["given"] == json::parse(R"(["A", null])"));
        CHECK(converted["name"][0]["_given"][1]["id"] == "g2");
        CHECK(converted["name"][0]["_given"][1]["extension"][0]["valueString"] == "y");
        CHECK(converted["contained"][0]["resourceType"] == "Organization");
        CHECK(converted["text"]["div"].get<std::string>().find("<p>Hi</p>") != std::string::npos);
        CHECK(one("text.div.htmlChecks()", converted, env) == "Boolean: true");
        CHECK_THROWS_AS(healthdoc::fhir::xml_to_json("<Patient", *types), healthdoc::InputError);
    }
}
