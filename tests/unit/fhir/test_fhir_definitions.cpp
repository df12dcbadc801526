// Unit tests of the FHIR definitions: the compact package index (scan, write, reuse), loading
// the core package and IGs (from the cache, from a .tgz, with dependencies), precedence of
// added resources, lazy look-ups by canonical URL, and the type model over the definitions.
#include "fhir/definitions.hpp"
#include "fhir/package_index.hpp"
#include "formats/errors.hpp"

#include "tests/support/test_support.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

namespace fs = std::filesystem;
using healthdoc::fhir::Definitions;
using healthdoc::fhir::DefinitionsOptions;
using healthdoc::test::TempDir;
using nlohmann::json;

namespace {

constexpr const char* core_key = "hl7.fhir.r4.core#4.0.1";

std::optional<fs::path> core_cache() { return REQUIRE_SHARED("reference/fhir/packages"); }

// A package cache holding the core package (linked, the reference is read-only) and whatever
// a test writes beside it.
struct TestCache {
    TempDir root;
    fs::path cache = root / "packages";
    fs::path index_cache = root / "index";
    explicit TestCache(const fs::path& reference) {
        fs::create_directories(cache);
        fs::create_directory_symlink(reference / core_key, cache / core_key);
    }
    DefinitionsOptions options() const {
        DefinitionsOptions options;
        options.package_cache = cache.string();
        options.index_cache = index_cache.string();
        return options;
    }
    void write_package(const std::string& id, const std::string& version, const json& dependencies,
                       const std::vector<json>& resources, const fs::path& where) const {
        const fs::path folder = where / (id + "#" + version) / "package";
        fs::create_directories(folder);
        healthdoc::test::write_file(folder / "package.json",
                                    json{{"name", id}, {"version", version}, {"dependencies", dependencies}}.dump());
        for (const auto& resource : resources)
            healthdoc::test::write_file(folder / (resource["resourceType"].get<std::string>() + "-" +
                                                  resource["id"].get<std::string>() + ".json"),
                                        resource.dump(2));
    }
};

json value_set(const std::string& id, const std::string& url, const std::string& title) {
    return json{{"resourceType", "ValueSet"}, {"id", id},       {"url", url},
                {"version", "1.0.0"},         {"title", title}, {"status", "active"}};
}

} // namespace

TEST_CASE("package index: the partial scan reads the top-level strings only") {
    auto summary = healthdoc::fhir::scan_resource_summary(R"({
      "resourceType" : "StructureDefinition", "text": {"div": "<div>\"url\": \"nope\" {[</div>"},
      "extension": [{"url": "http://nested/url", "valueString": "x"}],
      "url" : "http://example.org/sd\u0041", "name": "Ex", "kind": "resource", "abstract": false,
      "type": "Patient", "derivation": "constraint", "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Patient",
      "snapshot": {"element": [{"id": "Patient", "path": "Patient"}]}})");
    REQUIRE(summary);
    CHECK(summary->resource_type == "StructureDefinition");
    CHECK(summary->url == "http://example.org/sdA");
    CHECK(summary->type == "Patient");
    CHECK(summary->derivation == "constraint");
    CHECK(summary->base_definition == "http://hl7.org/fhir/StructureDefinition/Patient");
    CHECK_FALSE(healthdoc::fhir::scan_resource_summary("[1, 2]"));
    CHECK_FALSE(healthdoc::fhir::scan_resource_summary(R"({"resourceType": "Patient", "text": {"div": "unterminated)"));
    CHECK_FALSE(healthdoc::fhir::scan_resource_summary(R"({"id": "no-type"})"));
    // Deep nesting is skipped without recursion.
    std::string deep = R"({"resourceType": "Basic", "x": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
    CHECK(healthdoc::fhir::scan_resource_summary(deep));
}

TEST_CASE("package index: written beside a writable package, reused, rebuilt when files change") {
    TempDir dir;
    const fs::path folder = dir / "pkg#1.0.0" / "package";
    fs::create_directories(folder);
    healthdoc::test::write_file(folder / "package.json", R"({"name": "pkg", "version": "1.0.0"})");
    healthdoc::test::write_file(folder / "ValueSet-a.json", value_set("a", "http://ex.org/a", "A").dump());
    auto first = healthdoc::fhir::load_package_index(folder, "pkg#1.0.0", dir / "index");
    CHECK(first.rebuilt);
    CHECK(first.index_file == folder / ".index.json");
    REQUIRE(first.files.size() == 1);
    auto index = json::parse(healthdoc::test::read_file(folder / ".index.json"));
    CHECK(index["index-version"] == 2);
    CHECK(index["files"][0]["filename"] == "ValueSet-a.json");
    CHECK(index["files"][0]["url"] == "http://ex.org/a");

    auto second = healthdoc::fhir::load_package_index(folder, "pkg#1.0.0", dir / "index");
    CHECK_FALSE(second.rebuilt);
    CHECK(second.files.size() == 1);

    healthdoc::test::write_file(folder / "ValueSet-b.json", value_set("b", "http://ex.org/b", "B").dump());
    auto third = healthdoc::fhir::load_package_index(folder, "pkg#1.0.0", dir / "index");
    CHECK(third.rebuilt);
    CHECK(third.files.size() == 2);
}

TEST_CASE("definitions: the core package from the cache, indexed once, resources parsed on demand") {
    auto reference = core_cache();
    if (!reference) return;
    TestCache cache(*reference);
    healthdoc::formats::Diagnostics setup;

    auto started = std::chrono::steady_clock::now();
    auto definitions = Definitions::load(cache.options(), setup);
    auto first_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    CHECK(setup.empty());
    // The reference folder is read-only: the index goes to the index cache.
    CHECK(fs::exists(cache.index_cache / (std::string(core_key) + ".index.json")));
    started = std::chrono::steady_clock::now();
    auto again = Definitions::load(cache.options(), setup);
    auto cached_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    MESSAGE("core package load: first " << first_ms << " ms, with the index " << cached_ms << " ms");

    REQUIRE(definitions->packages().size() == 1);
    CHECK(definitions->packages()[0].id == "hl7.fhir.r4.core");
    CHECK(definitions->packages()[0].version == "4.0.1");
    CHECK(definitions->packages()[0].resources > 2000);
    CHECK(again->packages()[0].resources == definitions->packages()[0].resources);

    const json* patient = definitions->find("http://hl7.org/fhir/StructureDefinition/Patient");
    REQUIRE(patient);
    CHECK((*patient)["type"] == "Patient");
    CHECK(definitions->find("http://hl7.org/fhir/StructureDefinition/Patient") == patient); // parsed once, stable
    CHECK(definitions->find("http://hl7.org/fhir/StructureDefinition/Patient|4.0.1") == patient);
    CHECK_FALSE(definitions->find("http://hl7.org/fhir/StructureDefinition/Patient|3.0.2"));
    CHECK_FALSE(definitions->find("ValueSet", "http://hl7.org/fhir/StructureDefinition/Patient"));
    CHECK_FALSE(definitions->find("http://example.org/unknown"));
    const json* gender = definitions->find("ValueSet", "http://hl7.org/fhir/ValueSet/administrative-gender");
    REQUIRE(gender);
    CHECK((*gender)["resourceType"] == "ValueSet");
    CHECK(definitions->find("CodeSystem", "http://hl7.org/fhir/administrative-gender"));

    CHECK(definitions->structure_definition("Patient") == patient);
    CHECK(definitions->structure_definition("http://hl7.org/fhir/StructureDefinition/Patient") == patient);
    const json* vitals = definitions->structure_definition("http://hl7.org/fhir/StructureDefinition/vitalsigns");
    REQUIRE(vitals);
    CHECK(vitals->contains("snapshot"));
    CHECK_FALSE(definitions->structure_definition("NoSuchType"));
    CHECK(definitions->problems().empty());
}

TEST_CASE("definitions: the type model covers the core types") {
    auto reference = core_cache();
    if (!reference) return;
    TestCache cache(*reference);
    healthdoc::formats::Diagnostics setup;
    auto definitions = Definitions::load(cache.options(), setup);
    const auto& types = definitions->types();
    const auto* patient = types.find_type("Patient");
    REQUIRE(patient);
    CHECK(patient->kind == healthdoc::fhir::fhirpath::TypeKind::resource);
    CHECK(patient->base == "DomainResource");
    const auto* code = types.find_type("code");
    REQUIRE(code);
    CHECK(code->kind == healthdoc::fhir::fhirpath::TypeKind::primitive);
    CHECK(code->base == "string");
    CHECK_FALSE(types.find_type("vitalsigns")); // a constraint is not a type
    CHECK_FALSE(types.find_type("Nope"));
    const auto* name = types.find_element("Patient.name");
    REQUIRE(name);
    CHECK(name->types == std::vector<std::string>{"HumanName"});
    CHECK(name->is_array);
    const auto* value = types.find_element("Observation.value");
    REQUIRE(value);
    CHECK(value->is_choice);
    CHECK(value->types.size() == 11);
    CHECK(healthdoc::fhir::fhirpath::is_type_or_subtype(&types, "Age", "Quantity"));
    const auto* item = types.find_element("Questionnaire.item.item");
    REQUIRE(item);
    CHECK(item->content_reference == "Questionnaire.item");
}

TEST_CASE("definitions: added resources and IGs take precedence over the core package") {
    auto reference = core_cache();
    if (!reference) return;
    TestCache cache(*reference);
    const std::string gender_url = "http://hl7.org/fhir/ValueSet/administrative-gender";
    cache.write_package(
        "example.base", "1.0.0", json{{"hl7.fhir.r4.core", "4.0.1"}},
        {value_set("g1", gender_url, "from base IG"), value_set("only-base", "http://ex.org/vs/base", "base")},
        cache.cache);
    cache.write_package(
        "example.ig", "2.0.0",
        json{{"hl7.fhir.r4.core", "4.0.1"}, {"example.base", "1.0.0"}, {"example.missing", "9.9.9"}},
        {value_set("g2", gender_url, "from IG"),
         json{{"resourceType", "StructureDefinition"},
              {"id", "MyModel"},
              {"url", "http://ex.org/StructureDefinition/MyModel"},
              {"name", "MyModel"},
              {"kind", "logical"},
              {"abstract", false},
              {"type", "http://ex.org/StructureDefinition/MyModel"},
              {"derivation", "specialization"},
              {"baseDefinition", "http://hl7.org/fhir/StructureDefinition/Base"},
              {"snapshot",
               {{"element", json::array({json{{"id", "MyModel"}, {"path", "MyModel"}, {"min", 0}, {"max", "*"}},
                                         json{{"id", "MyModel.code"},
                                              {"path", "MyModel.code"},
                                              {"min", 1},
                                              {"max", "1"},
                                              {"type", json::array({json{{"code", "code"}}})}}})}}}}},
        cache.cache);
    auto options = cache.options();
    options.implementation_guides = {"example.ig"};
    healthdoc::formats::Diagnostics setup;
    auto definitions = Definitions::load(options, setup);
    REQUIRE(definitions->packages().size() == 3);
    CHECK(definitions->packages()[1].id == "example.base");
    CHECK(definitions->packages()[2].id == "example.ig");
    REQUIRE(setup.size() == 1);
    CHECK(setup.items()[0].rule == "fhir.package.missing-dependency");
    CHECK(setup.items()[0].severity == healthdoc::formats::Severity::warning);

    CHECK((*definitions->find(gender_url))["title"] == "from IG");
    CHECK((*definitions->find(gender_url + "|4.0.1"))["name"] == "AdministrativeGender");
    CHECK(definitions->find("http://ex.org/vs/base"));
    definitions->add(value_set("g3", gender_url, "added"));
    CHECK((*definitions->find("ValueSet", gender_url))["title"] == "added");

    const auto* model = definitions->types().find_type("MyModel");
    REQUIRE(model);
    CHECK(model->kind == healthdoc::fhir::fhirpath::TypeKind::logical);
    const auto* code = definitions->types().find_element("MyModel.code");
    REQUIRE(code);
    CHECK(code->min == 1);

    auto bad = cache.options();
    bad.implementation_guides = {"example.unknown"};
    CHECK_THROWS_AS(Definitions::load(bad, setup), healthdoc::UsageError);
    auto no_core = cache.options();
    no_core.core = "hl7.fhir.r4.core#9.9.9";
    CHECK_THROWS_AS(Definitions::load(no_core, setup), healthdoc::UsageError);
}

TEST_CASE("definitions: an IG given as a .tgz is extracted into the index cache") {
    auto reference = core_cache();
    if (!reference) return;
    TestCache cache(*reference);
    const fs::path staging = cache.root / "staging";
    cache.write_package("example.tgz", "0.1.0", json{{"hl7.fhir.r4.core", "4.0.1"}},
                        {value_set("t", "http://ex.org/vs/tgz", "tgz")}, staging);
    const fs::path archive = cache.root / "example.tgz";
    const std::string command =
        "tar -czf '" + archive.string() + "' -C '" + (staging / "example.tgz#0.1.0").string() + "' package";
    REQUIRE(std::system(command.c_str()) == 0);
    auto options = cache.options();
    options.implementation_guides = {archive.string()};
    healthdoc::formats::Diagnostics setup;
    auto definitions = Definitions::load(options, setup);
    CHECK(setup.empty());
    REQUIRE(definitions->packages().size() == 2);
    CHECK(definitions->packages()[1].folder == cache.index_cache / "example.tgz#0.1.0" / "package");
    CHECK(definitions->find("http://ex.org/vs/tgz"));
    // Loading again replaces the extracted copy.
    auto again = Definitions::load(options, setup);
    CHECK(again->find("http://ex.org/vs/tgz"));
}

TEST_CASE("definitions: empty() holds only what is added") {
    auto definitions = Definitions::empty();
    CHECK(definitions->packages().empty());
    CHECK_FALSE(definitions->find("http://ex.org/vs"));
    definitions->add(value_set("a", "http://ex.org/vs", "first"));
    definitions->add(value_set("b", "http://ex.org/vs", "second"));
    definitions->add(json::array()); // ignored
    CHECK((*definitions->find("http://ex.org/vs"))["title"] == "second");
    CHECK((*definitions->find("ValueSet", "http://ex.org/vs|1.0.0"))["title"] == "second");
    CHECK_FALSE(definitions->types().find_type("Patient"));
}

TEST_CASE("definitions: look-ups and snapshots from several threads at once") {
    auto reference = core_cache();
    if (!reference) return;
    TestCache cache(*reference);
    healthdoc::formats::Diagnostics setup;
    auto definitions = Definitions::load(cache.options(), setup);
    definitions->add(
        json{{"resourceType", "StructureDefinition"},
             {"url", "http://ex.org/sd/patient"},
             {"type", "Patient"},
             {"derivation", "constraint"},
             {"baseDefinition", "http://hl7.org/fhir/StructureDefinition/Patient"},
             {"differential",
              {{"element", json::array({json{{"id", "Patient.name"}, {"path", "Patient.name"}, {"min", 1}}})}}}});
    const std::vector<std::string> urls = {"http://hl7.org/fhir/StructureDefinition/Observation",
                                           "http://hl7.org/fhir/ValueSet/observation-status",
                                           "http://hl7.org/fhir/StructureDefinition/bp", "http://ex.org/sd/patient"};
    std::vector<std::vector<const json*>> seen(8);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < seen.size(); ++t)
        threads.emplace_back([&, t] {
            for (const auto& url : urls)
                seen[t].push_back(definitions->structure_definition(url) ? definitions->structure_definition(url)
                                                                         : definitions->find(url));
            seen[t].push_back(definitions->types().find_type("Observation") ? definitions->find(urls[0]) : nullptr);
        });
    for (auto& thread : threads) thread.join();
    for (std::size_t t = 1; t < seen.size(); ++t) CHECK(seen[t] == seen[0]);
    for (const json* found : seen[0]) CHECK(found);
    const json* generated = definitions->structure_definition("http://ex.org/sd/patient");
    REQUIRE(generated);
    CHECK(generated->contains("snapshot"));
    CHECK(definitions->problems().empty());
}
