// `healthdoc fhirpath EXPR FILE`: evaluates a FHIRPath expression on a FHIR resource (JSON,
// or XML when the core definitions are available) and prints the result collection, one
// item per line, as text ("string: Peter") or as JSON lines.
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "fhir/fhirpath/fhirpath.hpp"
#include "fhir/fhirpath/package_type_provider.hpp"
#include "fhir/xml_to_json.hpp"
#include "formats/errors.hpp"
#include "formats/source_text.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

namespace healthdoc::cli {
namespace {

struct FhirPathOptions {
    std::string expression;
    std::string input;
    std::string format = "text";
    std::string package_cache;
    bool no_definitions = false;
};

// The R4 core package folder under the cache (--package-cache, else ~/.fhir/packages);
// empty when absent.
std::filesystem::path core_package(const FhirPathOptions& options) {
    std::filesystem::path cache = options.package_cache;
    if (cache.empty()) {
        const char* home = std::getenv("HOME");
        if (!home) return {};
        cache = std::filesystem::path(home) / ".fhir" / "packages";
    }
    for (const auto& candidate : {cache / "hl7.fhir.r4.core#4.0.1" / "package", cache / "package", cache}) {
        std::error_code error;
        if (std::filesystem::exists(candidate / "StructureDefinition-Patient.json", error)) return candidate;
    }
    return {};
}

int run_fhirpath(const FhirPathOptions& options, const GlobalOptions& global) {
    namespace fp = fhir::fhirpath;
    std::shared_ptr<const fp::PackageTypeProvider> types;
    if (!options.no_definitions) {
        const auto package = core_package(options);
        if (!package.empty()) types = fp::PackageTypeProvider::shared(package);
        else if (!options.package_cache.empty()) throw UsageError("no hl7.fhir.r4.core#4.0.1 package under " + options.package_cache);
    }
    if (global.verbose) std::cerr << "healthdoc fhirpath: " << (types ? "with" : "without") << " FHIR definitions\n";

    fp::Expression expression;
    try {
        expression = fp::parse(options.expression);
    } catch (const fp::FhirPathError& error) {
        std::cerr << "healthdoc fhirpath: syntax error: " << error.what() << '\n';
        return k_exit_usage;
    }

    const auto source = options.input == "-" ? formats::SourceText::from_stdin() : formats::SourceText::from_file(options.input);
    const std::string_view bytes = source.bytes();
    const auto first = bytes.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    nlohmann::json resource;
    if (first != std::string_view::npos && bytes[first] == '<') {
        if (!types) throw UsageError("FHIR XML input needs the hl7.fhir.r4.core package (--package-cache)");
        resource = fhir::xml_to_json(bytes, *types);
    } else {
        resource = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
        if (resource.is_discarded()) throw InputError(options.input + ": not well-formed JSON");
    }

    fp::Environment env;
    env.types = types.get();
    env.trace = [](const std::string& name, const fp::Collection& values) {
        for (const auto& value : values) std::cerr << "trace " << name << ": " << fp::describe(value) << '\n';
    };
    fp::Collection result;
    try {
        result = fp::evaluate(expression, resource, env);
    } catch (const fp::FhirPathError& error) {
        std::cerr << "healthdoc fhirpath: " << fp::to_string(error.kind()) << " error: " << error.what() << '\n';
        return k_exit_usage;
    }
    for (const auto& item : result) {
        if (options.format == "json") std::cout << fp::to_json(item).dump() << '\n';
        else std::cout << fp::describe(item) << '\n';
    }
    if (!global.quiet && global.verbose) std::cerr << "healthdoc fhirpath: " << result.size() << " item(s)\n";
    return k_exit_ok;
}

} // namespace

void setup_fhirpath(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<FhirPathOptions>();
    auto* command = app.add_subcommand("fhirpath", "Evaluate a FHIRPath expression on a FHIR resource (JSON or XML)");
    command->add_option("expression", options->expression, "FHIRPath expression, e.g. \"Patient.name.given\"")->required();
    command->add_option("file", options->input, "FHIR resource file (JSON or XML), - for standard input")->required();
    command->add_option("--format", options->format, "Output: one line per item as text, or JSON lines")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    command->add_option("--package-cache", options->package_cache,
                        "FHIR package cache holding hl7.fhir.r4.core#4.0.1 (default ~/.fhir/packages)");
    command->add_flag("--no-definitions", options->no_definitions, "Evaluate on the JSON alone, without FHIR type definitions");
    command->callback([options, &context] { context.exit_code = run_fhirpath(*options, context.global); });
}

} // namespace healthdoc::cli
