// The official FHIR validator test suite (R4 cases of FHIR/fhir-test-cases): each case that
// runs offline with the core package is validated, and our verdict (valid = no error) and
// error count are compared with the reference (Java) validator's outcome.
#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/fhir_xml.hpp"
#include "fhir/validator.hpp"
#include "formats/source_text.hpp"
#include "formats/xml_document.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace healthdoc;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

std::unique_ptr<fhir::FhirJson> read_resource(const fs::path& path, const fhir::fhirpath::TypeProvider& types,
                                              formats::Diagnostics& diagnostics,
                                              fhir::JsonComments comments = fhir::JsonComments::refused) {
    const auto source = formats::SourceText::from_file(path.string());
    if (path.extension() == ".xml") {
        auto xml = formats::parse_xml(source, diagnostics);
        if (!xml) return nullptr;
        return fhir::read_fhir_xml(*xml, path.filename().string(), types, diagnostics);
    }
    return fhir::read_fhir_json(source, diagnostics, {}, comments);
}

// The number of error and fatal issues of the reference outcome (a file, an inline outcome,
// or an {"errorCount": n} summary); -1 when unknown.
int reference_errors(const json& java, const fs::path& outcomes) {
    json outcome;
    if (java.is_string()) {
        const fs::path file = outcomes / java.get<std::string>();
        if (!fs::exists(file)) return -1;
        std::ifstream in(file);
        outcome = json::parse(in, nullptr, false);
    } else if (java.is_object() && java.contains("errorCount") && java["errorCount"].is_number_integer()) {
        return java["errorCount"].get<int>();
    } else if (java.is_object() && java.contains("outcome")) {
        outcome = java["outcome"];
    } else {
        return -1;
    }
    if (!outcome.is_object() || !outcome.contains("issue")) return outcome.is_object() ? 0 : -1;
    int errors = 0;
    for (const auto& issue : outcome["issue"]) {
        const std::string severity = issue.value("severity", "");
        if (severity == "error" || severity == "fatal") ++errors;
    }
    return errors;
}

// True when an error of the reference outcome came from a terminology server (the Java
// validator marks those issues with the operationoutcome-issue-server extension): the verdict
// then depends on a server, not on what runs offline.
bool reference_needs_server(const json& java, const fs::path& outcomes) {
    if (!java.is_string()) return false;
    std::ifstream in(outcomes / java.get<std::string>());
    const json outcome = json::parse(in, nullptr, false);
    if (!outcome.is_object() || !outcome.contains("issue") || !outcome["issue"].is_array()) return false;
    for (const auto& issue : outcome["issue"]) {
        const std::string severity = issue.value("severity", "");
        if (severity != "error" && severity != "fatal") continue;
        if (!issue.contains("extension") || !issue["extension"].is_array()) continue;
        for (const auto& extension : issue["extension"])
            if (extension.value("url", "") == "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-server")
                return true;
    }
    return false;
}

std::string first_messages(const formats::Diagnostics& diagnostics) {
    std::string out;
    int shown = 0;
    for (const auto& d : diagnostics.items()) {
        if (d.severity < formats::Severity::error) continue;
        // HEALTHDOC_SUITE_ALL_MESSAGES=1: every finding, not only the first two.
        if (shown++ == 2 && !std::getenv("HEALTHDOC_SUITE_ALL_MESSAGES")) break;
        out += " | " + d.location.path + " [" + d.rule + "] " + d.message.substr(0, 140);
    }
    return out;
}

std::string reference_messages(const json& java, const fs::path& outcomes) {
    json outcome;
    if (java.is_string()) {
        std::ifstream in(outcomes / java.get<std::string>());
        outcome = json::parse(in, nullptr, false);
    } else if (java.is_object() && java.contains("outcome")) {
        outcome = java["outcome"];
    } else if (java.is_object() && java.contains("output")) {
        std::string out;
        for (const auto& line : java["output"])
            if (line.is_string()) out += " | " + line.get<std::string>().substr(0, 140);
        return out;
    }
    std::string out;
    int shown = 0;
    if (!outcome.is_object() || !outcome.contains("issue")) return out;
    for (const auto& issue : outcome["issue"]) {
        const std::string severity = issue.value("severity", "");
        if (severity != "error" && severity != "fatal") continue;
        if (shown++ == 2) break;
        std::string expression =
            issue.contains("expression") && issue["expression"].is_array() && !issue["expression"].empty()
                ? issue["expression"][0].get<std::string>()
                : std::string();
        const std::string text = issue.contains("details") ? issue["details"].value("text", "") : std::string();
        out += " | " + expression + " " + text.substr(0, 140);
    }
    return out;
}

} // namespace

TEST_CASE("fhir validator: official validator suite, R4 cases runnable offline") {
    auto suite = REQUIRE_SHARED("reference/fhir/validator");
    auto packages = REQUIRE_SHARED("reference/fhir/packages");
    if (!suite || !packages) return;
    std::ifstream manifest_in(*suite / "manifest.json");
    const json manifest = json::parse(manifest_in);
    const fs::path outcomes = *suite / "outcomes";
    std::map<std::string, int> skipped;
    int runs = 0, verdict_agree = 0, count_agree = 0;
    std::ostringstream disagreements;
    test::TempDir index_cache; // where local .tgz packages are unpacked
    fhir::DefinitionsOptions definition_options;
    definition_options.package_cache = packages->string();
    for (const auto& test : manifest["test-cases"]) {
        const std::string name = test.value("name", "");
        const std::string version = test.contains("version") ? test["version"].get<std::string>() : "";
        if (version.rfind("4.0", 0) != 0) {
            ++skipped["not R4"];
            continue;
        }
        if (test.contains("use-test") && test["use-test"] == false) {
            ++skipped["use-test false"];
            continue;
        }
        const std::string module = test.value("module", "");
        if (module == "tx" || module == "tx-advanced") {
            ++skipped["terminology server (tx)"];
            continue;
        }
        if (test.contains("fetcher")) {
            ++skipped["fetcher"];
            continue;
        }
        // Packages named by id need a registry; a local .tgz is loaded as an implementation guide.
        std::vector<std::string> local_packages;
        bool registry_package = false;
        if (test.contains("packages"))
            for (const auto& package : test["packages"]) {
                const fs::path file = *suite / package.get<std::string>();
                if (file.extension() == ".tgz" && fs::exists(file))
                    local_packages.push_back(file.string());
                else
                    registry_package = true;
            }
        // package-map: dependencies (id#version) the case provides as local files; loaded
        // before the packages that depend on them.
        if (test.contains("package-map") && test["package-map"].is_object())
            for (const auto& [id, file] : test["package-map"].items()) {
                const fs::path path = *suite / file.get<std::string>();
                if (fs::exists(path)) local_packages.insert(local_packages.begin(), path.string());
            }
        if (registry_package) {
            ++skipped["packages from a registry"];
            continue;
        }
        if (!test.contains("java")) {
            ++skipped["no reference outcome"];
            continue;
        }
        std::vector<fs::path> definitions_files;
        for (const char* key : {"supporting", "profiles"})
            if (test.contains(key))
                for (const auto& f : test[key]) definitions_files.push_back(*suite / f.get<std::string>());
        const fs::path input = *suite / test["file"].get<std::string>();
        bool missing = !fs::exists(input);
        for (const auto& f : definitions_files) missing = missing || !fs::exists(f);
        if (input.extension() != ".json" && input.extension() != ".xml") {
            ++skipped["input format other than JSON/XML"];
            continue;
        }
        // HEALTHDOC_SUITE_JSON_ONLY=1: JSON inputs and definitions only (to iterate without the XML reader).
        bool has_xml = input.extension() == ".xml";
        for (const auto& f : definitions_files) has_xml = has_xml || f.extension() == ".xml";
        if (std::getenv("HEALTHDOC_SUITE_JSON_ONLY") && has_xml) {
            ++skipped["XML (HEALTHDOC_SUITE_JSON_ONLY)"];
            continue;
        }
        if (missing) {
            ++skipped["missing file"];
            continue;
        }
        // One run for the case itself, one more against profile.source when given.
        struct Variant {
            std::string label;
            std::vector<std::string> profiles;
            json java;
            std::vector<fs::path> extra;
        };
        std::vector<Variant> variants;
        variants.push_back({name, {}, test["java"], {}});
        if (test.contains("profile") && test["profile"].is_object() && test["profile"].contains("source") &&
            test["profile"].contains("java")) {
            const json& profile = test["profile"];
            Variant v{name + " (profile)", {}, profile["java"], {}};
            v.extra.push_back(*suite / profile["source"].get<std::string>());
            if (profile.contains("supporting"))
                for (const auto& f : profile["supporting"]) v.extra.push_back(*suite / f.get<std::string>());
            bool ok = !(profile.contains("use-test") && profile["use-test"] == false);
            for (const auto& f : v.extra) {
                ok = ok && fs::exists(f);
                if (std::getenv("HEALTHDOC_SUITE_JSON_ONLY") && f.extension() == ".xml") ok = false;
            }
            if (ok)
                variants.push_back(std::move(v));
            else
                ++skipped["profile variant: missing file or use-test false"];
        }
        for (auto& variant : variants) {
            const int expected = reference_errors(variant.java, outcomes);
            if (expected < 0) {
                ++skipped["reference outcome unreadable"];
                continue;
            }
            // A few R4 cases carry an outcome the reference made with R5 definitions (where, for
            // one, Encounter.class is optional): not an R4 verdict.
            if (variant.java.is_string() && variant.java.get<std::string>().rfind("java/R5.", 0) == 0) {
                ++skipped["reference outcome made with R5 definitions"];
                continue;
            }
            if (reference_needs_server(variant.java, outcomes)) {
                ++skipped["reference errors from a terminology server"];
                continue;
            }
            formats::Diagnostics setup;
            fhir::DefinitionsOptions case_options = definition_options;
            case_options.implementation_guides = local_packages;
            case_options.index_cache = index_cache.path().string();
            auto definitions = fhir::Definitions::load(case_options, setup);
            std::vector<fs::path> files = definitions_files;
            files.insert(files.end(), variant.extra.begin(), variant.extra.end());
            for (const auto& file : files) {
                formats::Diagnostics ignored;
                auto resource = read_resource(file, definitions->types(), ignored);
                if (resource && resource->root.is_object()) definitions->add(resource->root);
            }
            // The profile to validate against is profile.source (the first extra file); the
            // others only support it.
            if (!variant.extra.empty()) {
                const auto& file = variant.extra.front();
                formats::Diagnostics ignored;
                auto resource = read_resource(file, definitions->types(), ignored);
                if (resource && resource->root.is_object() &&
                    resource->root.value("resourceType", "") == "StructureDefinition")
                    variant.profiles.push_back(resource->root.value("url", ""));
            }
            fhir::FhirValidationOptions options;
            options.profiles = variant.profiles;
            options.allow_example_urls = !(test.contains("examples") && test["examples"] == false);
            options.security_checks = test.contains("security-checks") && test["security-checks"] == true;
            // The reference policy of the case; assumeValidRestReferences of the case, or of
            // its profile variant for that variant, as the reference test runner reads them.
            const std::string reference_policy = test.value("validateReference", "");
            if (reference_policy == "CHECK_EXISTS")
                options.references = fhir::ReferenceChecking::exists;
            else if (reference_policy == "CHECK_EXISTS_AND_TYPE")
                options.references = fhir::ReferenceChecking::exists_and_type;
            // CHECK_VALID is left out: the reference's test fetcher finds its targets among files
            // of its own, and validates them; offline, we have neither.
            const json& settings = variant.extra.empty() ? test : test["profile"];
            options.assume_valid_rest_references = settings.value("assumeValidRestReferences", false);
            fhir::FhirValidator validator(definitions, options);
            formats::Diagnostics found;
            const auto comments =
                test.value("allow-comments", false) ? fhir::JsonComments::allowed : fhir::JsonComments::refused;
            auto document = read_resource(input, definitions->types(), found, comments);
            if (document) validator.validate(*document, input.filename().string(), found);
            found.append(validator.setup_problems());
            const int errors =
                static_cast<int>(found.count(formats::Severity::error) + found.count(formats::Severity::fatal));
            ++runs;
            const bool same_verdict = (errors == 0) == (expected == 0);
            if (same_verdict) ++verdict_agree;
            if (errors == expected) ++count_agree;
            if (!same_verdict || errors != expected)
                disagreements << (same_verdict ? "  count   " : "  VERDICT ") << variant.label << ": ours " << errors
                              << " vs reference " << expected << "\n      ours:" << first_messages(found)
                              << "\n      java:" << reference_messages(variant.java, outcomes) << "\n";
        }
    }
    std::ostringstream skips;
    for (const auto& [reason, count] : skipped) skips << reason << ": " << count << "; ";
    const double verdict = runs ? 100.0 * verdict_agree / runs : 0;
    const double count = runs ? 100.0 * count_agree / runs : 0;
    MESSAGE("validator suite: " << runs << " runs; verdict agreement " << verdict_agree << "/" << runs << " ("
                                << verdict << "%); error count agreement " << count_agree << "/" << runs << " ("
                                << count << "%)\nskipped: " << skips.str() << "\ndisagreements:\n"
                                << disagreements.str());
    // Issue 6 asks for at least 95% verdict and 85% error-count agreement. The checks hold the
    // level reached (307/316 and 285/316), a little below it so that a case added upstream does
    // not fail the build, and never below the issue's targets.
    constexpr double k_verdict_floor = 96.5, k_count_floor = 89.5;
    CHECK(verdict >= k_verdict_floor);
    CHECK(count >= k_count_floor);
}
