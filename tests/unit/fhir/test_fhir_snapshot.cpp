// Unit tests of snapshot generation: the core package's constraint profiles, which ship both a
// differential and the snapshot the HL7 tools generated, are regenerated from their
// differential and compared element by element; the validator test cases' profiles (published
// without snapshots) are generated through Definitions.
#include "fhir/definitions.hpp"
#include "fhir/snapshot.hpp"

#include "tests/support/test_support.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using healthdoc::fhir::Definitions;
using healthdoc::fhir::DefinitionsOptions;
using nlohmann::json;

namespace {

std::string text_of(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// What the comparison looks at in one element: cardinality, types with profiles, fixed and
// pattern values, binding strength and value set, slicing.
json essentials(const json& element) {
    json out = json::object();
    out["path"] = element.value("path", "");
    out["min"] = element.contains("min") ? element["min"] : json();
    out["max"] = element.contains("max") ? element["max"] : json();
    json types = json::array();
    if (element.contains("type"))
        for (const auto& type : element["type"]) {
            json t = json::object();
            t["code"] = type.value("code", "");
            if (type.contains("profile")) t["profile"] = type["profile"];
            if (type.contains("targetProfile")) t["targetProfile"] = type["targetProfile"];
            types.push_back(t);
        }
    out["type"] = types;
    for (const auto& [key, value] : element.items())
        if (key.rfind("fixed", 0) == 0 || key.rfind("pattern", 0) == 0) out[key] = value;
    if (element.contains("binding")) {
        out["binding"] = json{{"strength", element["binding"].value("strength", "")},
                              {"valueSet", element["binding"].value("valueSet", "")}};
    }
    if (element.contains("slicing")) {
        out["slicing"] = json{{"discriminator", element["slicing"].value("discriminator", json::array())},
                              {"rules", element["slicing"].value("rules", "")}};
    }
    return out;
}

struct Comparison {
    std::vector<std::string> differences; // "<id> <field>"
};

Comparison compare_snapshots(const json& expected, const json& generated) {
    Comparison result;
    std::map<std::string, json> want, got;
    std::vector<std::string> order;
    for (const auto& element : expected["snapshot"]["element"]) {
        want[text_of(element, "id")] = essentials(element);
        order.push_back(text_of(element, "id"));
    }
    for (const auto& element : generated["snapshot"]["element"]) got[text_of(element, "id")] = essentials(element);
    for (const auto& id : order) {
        auto found = got.find(id);
        if (found == got.end()) {
            result.differences.push_back(id + " missing");
            continue;
        }
        for (const auto& [key, value] : want[id].items()) {
            if (!found->second.contains(key) || found->second[key] != value)
                result.differences.push_back(id + " " + key);
        }
        for (const auto& [key, value] : found->second.items())
            if (!want[id].contains(key)) result.differences.push_back(id + " extra-" + key);
    }
    for (const auto& [id, value] : got)
        if (!want.count(id)) result.differences.push_back(id + " unexpected");
    return result;
}

std::optional<json> read_json(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    auto parsed = json::parse(in, nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    return parsed;
}

std::shared_ptr<Definitions> core_definitions(const fs::path& packages, const healthdoc::test::TempDir& index) {
    DefinitionsOptions options;
    options.package_cache = packages.string();
    options.index_cache = index.path().string();
    healthdoc::formats::Diagnostics setup;
    return Definitions::load(options, setup);
}

} // namespace

TEST_CASE("snapshot: the core constraint profiles regenerate as published") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    healthdoc::test::TempDir index;
    auto definitions = core_definitions(*packages, index);
    const fs::path folder = *packages / "hl7.fhir.r4.core#4.0.1" / "package";
    auto lookup = [&](std::string_view url) { return definitions->structure_definition(url); };

    std::size_t profiles = 0, identical = 0, total_elements = 0, total_differences = 0, unmatched = 0;
    std::map<std::string, std::size_t> by_kind;
    std::map<std::string, std::vector<std::string>> differing;
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("StructureDefinition-", 0) != 0) continue;
        auto sd = read_json(entry.path());
        if (!sd || text_of(*sd, "derivation") != "constraint" || !sd->contains("snapshot") ||
            !sd->contains("differential"))
            continue;
        ++profiles;
        json stripped = *sd;
        stripped.erase("snapshot");
        healthdoc::formats::Diagnostics problems;
        auto generated = healthdoc::fhir::generate_snapshot(stripped, lookup, problems);
        REQUIRE_MESSAGE(generated, name);
        for (const auto& problem : problems.items())
            if (problem.rule == "fhir.snapshot.unmatched-element") ++unmatched;
        auto comparison = compare_snapshots(*sd, *generated);
        total_elements += (*sd)["snapshot"]["element"].size();
        total_differences += comparison.differences.size();
        if (comparison.differences.empty())
            ++identical;
        else
            differing[text_of(*sd, "id")] = comparison.differences;
        for (const auto& difference : comparison.differences) ++by_kind[difference.substr(difference.rfind(' ') + 1)];
    }
    std::ostringstream summary;
    summary << profiles << " profiles, " << identical << " identical, " << total_differences
            << " differing fields over " << total_elements << " elements, " << unmatched
            << " unmatched differential elements; by field:";
    for (const auto& [kind, count] : by_kind) summary << " " << kind << "=" << count;
    for (const auto& [id, differences] : differing) {
        summary << "\n  " << id << ": " << differences.size() << " (";
        for (std::size_t i = 0; i < differences.size() && i < 4; ++i) summary << (i ? ", " : "") << differences[i];
        summary << ")";
    }
    MESSAGE(summary.str());
    CHECK(profiles > 400);
    CHECK(unmatched == 0);
    for (const char* id : {"vitalsigns", "bp", "bodyweight", "bodyheight", "heartrate", "lipidprofile", "cholesterol",
                           "triglyceride", "hdlcholesterol", "ldlcholesterol", "patient-nationality", "us-core-race"})
        CHECK_MESSAGE(!differing.count(id), id);
    // Known differences, all quirks of the snapshots published in 4.0.1: catalog and
    // familymemberhistory-genetic slice non-repeating elements without slicing and the
    // publisher dropped the sliced element; elementdefinition-de expands two extension slices
    // from their profiles where other profiles do not; the *-type extensions have types
    // written with `_code` only.
    const std::set<std::string> known = {"catalog",
                                         "elementdefinition-de",
                                         "familymemberhistory-genetic",
                                         "structuredefinition-json-type",
                                         "structuredefinition-rdf-type",
                                         "structuredefinition-xml-type"};
    for (const auto& [id, differences] : differing) CHECK_MESSAGE(known.count(id), id);
    CHECK(total_differences <= 29);
}

TEST_CASE("snapshot: the validator cases' profiles get snapshots through Definitions") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    auto validator = REQUIRE_SHARED("reference/fhir/validator");
    if (!packages || !validator) return;
    healthdoc::test::TempDir index;
    auto definitions = core_definitions(*packages, index);
    std::vector<std::string> urls;
    for (const auto& entry : fs::directory_iterator(*validator)) {
        if (entry.path().extension() != ".json") continue;
        auto resource = read_json(entry.path());
        if (!resource || !resource->is_object() || text_of(*resource, "resourceType") != "StructureDefinition")
            continue;
        if (resource->contains("snapshot")) continue;
        urls.push_back(text_of(*resource, "url"));
        definitions->add(std::move(*resource));
    }
    std::size_t generated = 0;
    for (const auto& url : urls) {
        const json* sd = definitions->structure_definition(url);
        if (sd && sd->contains("snapshot")) ++generated;
    }
    std::map<std::string, std::size_t> by_rule;
    std::set<std::string> with_unmatched;
    const auto problems = definitions->problems();
    for (const auto& problem : problems.items()) {
        ++by_rule[problem.rule];
        if (problem.rule == "fhir.snapshot.unmatched-element") with_unmatched.insert(problem.location.file);
    }
    std::ostringstream summary;
    summary << urls.size() << " profiles without snapshot, " << generated << " generated, " << with_unmatched.size()
            << " with unmatched elements;";
    for (const auto& [rule, count] : by_rule) summary << " " << rule << "=" << count;
    for (const auto& problem : problems.items()) summary << "\n  " << problem.message;
    MESSAGE(summary.str());
    CHECK(generated * 10 >= urls.size() * 9);
    CHECK(with_unmatched.size() * 5 <= urls.size());
}

TEST_CASE("snapshot: slices, renamed choices and unrolled types on a small profile") {
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!packages) return;
    healthdoc::test::TempDir index;
    auto definitions = core_definitions(*packages, index);
    definitions->add(json::parse(R"({
      "resourceType": "StructureDefinition", "url": "http://ex.org/sd/obs", "name": "Obs", "status": "draft",
      "kind": "resource", "abstract": false, "type": "Observation", "derivation": "constraint",
      "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Observation",
      "differential": {"element": [
        {"id": "Observation.code.coding", "path": "Observation.code.coding", "min": 1},
        {"id": "Observation.code.coding.system", "path": "Observation.code.coding.system", "fixedUri": "http://loinc.org"},
        {"id": "Observation.component", "path": "Observation.component",
         "slicing": {"discriminator": [{"type": "pattern", "path": "code"}], "rules": "open"}},
        {"id": "Observation.component:systolic", "path": "Observation.component", "sliceName": "systolic", "min": 1, "max": "1"},
        {"id": "Observation.component:systolic.code", "path": "Observation.component.code",
         "patternCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]}},
        {"id": "Observation.component:systolic.valueQuantity", "path": "Observation.component.valueQuantity"},
        {"id": "Observation.component:systolic.valueQuantity.unit", "path": "Observation.component.valueQuantity.unit", "min": 1},
        {"id": "Observation.nothing", "path": "Observation.nothing", "min": 1}
      ]}})"));
    const json* sd = definitions->structure_definition("http://ex.org/sd/obs");
    REQUIRE(sd);
    REQUIRE(sd->contains("snapshot"));
    std::map<std::string, json> by_id;
    std::vector<std::string> ids;
    for (const auto& element : (*sd)["snapshot"]["element"]) {
        by_id[element["id"]] = element;
        ids.push_back(element["id"]);
    }
    CHECK(by_id["Observation.code.coding"]["min"] == 1);
    CHECK(by_id["Observation.code.coding.system"]["fixedUri"] == "http://loinc.org");
    CHECK(by_id["Observation.code.coding.system"]["path"] == "Observation.code.coding.system");
    CHECK(by_id["Observation.component:systolic"]["sliceName"] == "systolic");
    CHECK(by_id["Observation.component:systolic"]["min"] == 1);
    CHECK(by_id["Observation.component:systolic.code"]["path"] == "Observation.component.code");
    // Inside a slice a renamed choice narrows the choice itself (as the R4 tools publish it).
    CHECK(by_id["Observation.component:systolic.value[x]"]["type"] == json::parse(R"([{"code": "Quantity"}])"));
    CHECK(by_id["Observation.component:systolic.value[x].unit"]["min"] == 1);
    CHECK(by_id["Observation.component:systolic.value[x].unit"]["path"] == "Observation.component.value[x].unit");
    CHECK(by_id["Observation.component.value[x]"]["type"].size() == 11);
    // Slices follow their sliced element's children; the slice's children follow the slice.
    auto position = [&](const std::string& id) { return std::find(ids.begin(), ids.end(), id) - ids.begin(); };
    CHECK(position("Observation.component.referenceRange") < position("Observation.component:systolic"));
    CHECK(position("Observation.component:systolic") < position("Observation.component:systolic.code"));
    CHECK(by_id.count("Observation.component.code"));
    auto problems = definitions->problems();
    REQUIRE(problems.size() == 1);
    CHECK(problems.items()[0].rule == "fhir.snapshot.unmatched-element");
    // A definition that derives from itself is reported, not followed forever.
    definitions->add(
        json::parse(R"({"resourceType": "StructureDefinition", "url": "http://ex.org/sd/loop", "type": "Patient",
      "derivation": "constraint", "baseDefinition": "http://ex.org/sd/loop", "differential": {"element": [{"id": "Patient", "path": "Patient"}]}})"));
    const json* loop = definitions->structure_definition("http://ex.org/sd/loop");
    CHECK((loop == nullptr || !loop->contains("snapshot")));
}
