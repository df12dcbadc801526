// Runs the official FHIRPath R4 test suite (reference/fhir/fhirpath/tests-fhir-r4.xml) and
// requires at least 98% of it to pass; the failures are listed in the test output.
#include "fhir/fhirpath/fhirpath.hpp"
#include "fhir/fhirpath/package_type_provider.hpp"
#include "fhir/xml_to_json.hpp"

#include "tests/support/test_support.hpp"

#include <pugixml.hpp>

#include <map>
#include <sstream>

namespace fp = healthdoc::fhir::fhirpath;
using nlohmann::json;

namespace {

// The output family of an item as the suite names it ("boolean", "integer", "decimal",
// "string" for every string-like FHIR primitive, "date", "dateTime", "time", "Quantity").
std::string family(const fp::Value& item) {
    const fp::TypeSpecifier type = fp::type_of(item);
    std::string name = type.name;
    if (type.ns == "FHIR") {
        if (!fp::is_fhir_primitive(name)) return name;
        name = std::string(fp::system_type_of(name));
    }
    if (name == "Boolean") return "boolean";
    if (name == "Integer") return "integer";
    if (name == "Decimal") return "decimal";
    if (name == "String") return "string";
    if (name == "Date") return "date";
    if (name == "DateTime") return "dateTime";
    if (name == "Time") return "time";
    return name;
}

std::string expected_family(const std::string& type) {
    if (type == "code" || type == "id" || type == "uri") return "string";
    return type;
}

// Text of an item in the suite's notation: dates with '@', quantities as 1 'mg'.
std::string suite_text(const fp::Value& item) {
    auto system = fp::to_system(item);
    const fp::Value& value = system ? *system : item;
    if (const auto* t = std::get_if<fp::Temporal>(&value.data)) return t->to_literal();
    return fp::to_text(item).value_or(fp::to_json(item).dump());
}

struct Outcome {
    bool passed = false;
    std::string detail;
};

Outcome run_test(const pugi::xml_node& test, const json& input, const fp::TypeProvider& types) {
    const pugi::xml_node expression = test.child("expression");
    const std::string text = expression.text().get();
    const bool invalid = expression.attribute("invalid") || test.attribute("invalid");
    fp::Environment env;
    env.types = &types;
    const std::string mode = test.attribute("mode").value();
    env.options.strict = mode == "strict" || std::string(expression.attribute("mode").value()) == "strict";
    fp::Collection result;
    try {
        const fp::Expression parsed = fp::parse(text);
        result = fp::evaluate(parsed, input, env);
        if (std::string(test.attribute("predicate").value()) == "true") result = {fp::Value(!result.empty())};
    } catch (const fp::FhirPathError& error) {
        if (invalid) return {true, ""};
        return {false, std::string("error: ") + error.what()};
    }
    if (invalid) return {false, "expected an error, got " + std::to_string(result.size()) + " item(s)"};
    std::vector<std::pair<std::string, std::string>> expected;
    for (pugi::xml_node output = test.child("output"); output; output = output.next_sibling("output"))
        expected.emplace_back(output.attribute("type").value(), output.text().get());
    std::ostringstream got;
    for (const auto& item : result) got << family(item) << ":" << suite_text(item) << " ";
    if (result.size() != expected.size()) return {false, "expected " + std::to_string(expected.size()) + " item(s), got [" + got.str() + "]"};
    const bool ordered = std::string(test.attribute("ordered").value()) != "false";
    std::vector<bool> used(result.size(), false);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        auto matches = [&](const fp::Value& item) {
            const auto& [type, value] = expected[i];
            if (!type.empty() && expected_family(type) != family(item)) return false;
            return suite_text(item) == value;
        };
        bool found = false;
        if (ordered) {
            found = matches(result[i]);
        } else {
            for (std::size_t j = 0; j < result.size() && !found; ++j)
                if (!used[j] && matches(result[j])) used[j] = found = true;
        }
        if (!found) return {false, "got [" + got.str() + "]"};
    }
    return {true, ""};
}

} // namespace

TEST_CASE("fhir::fhirpath_r4_suite") {
    auto suite = REQUIRE_SHARED("reference/fhir/fhirpath/tests-fhir-r4.xml");
    if (!suite) return;
    auto package = REQUIRE_SHARED("reference/fhir/packages/hl7.fhir.r4.core#4.0.1/package");
    if (!package) return;
    auto types = fp::PackageTypeProvider::shared(*package);

    pugi::xml_document document;
    REQUIRE(document.load_file(suite->c_str()));
    std::map<std::string, json> inputs;
    auto input_of = [&](const std::string& name) -> const json& {
        auto found = inputs.find(name);
        if (found != inputs.end()) return found->second;
        const std::string content = healthdoc::test::read_file(suite->parent_path() / name);
        json parsed = name.size() > 5 && name.substr(name.size() - 5) == ".json" ? json::parse(content)
                                                                                 : healthdoc::fhir::xml_to_json(content, *types);
        return inputs.emplace(name, std::move(parsed)).first->second;
    };

    std::size_t total = 0, passed = 0;
    std::ostringstream failures;
    for (pugi::xml_node group : document.document_element().children("group")) {
        for (pugi::xml_node test : group.children("test")) {
            ++total;
            const std::string file = test.attribute("inputfile").value();
            const json empty = json::object();
            const Outcome outcome = run_test(test, file.empty() ? empty : input_of(file), *types);
            if (outcome.passed) {
                ++passed;
            } else {
                failures << "  " << group.attribute("name").value() << "/" << test.attribute("name").value() << ": "
                         << test.child("expression").text().get() << " -> " << outcome.detail << "\n";
            }
        }
    }
    const double rate = total ? static_cast<double>(passed) / static_cast<double>(total) : 0.0;
    MESSAGE("FHIRPath R4 suite: " << passed << "/" << total << " passed (" << rate * 100.0 << "%), 0 skipped");
    if (passed != total) MESSAGE("failures:\n" << failures.str());
    CHECK(total >= 900);
    CHECK(rate >= 0.98);
}
