#include "cda/rules_pack.hpp"
#include "cda/validation.hpp"
#include "cli/commands.hpp"
#include "formats/errors.hpp"
#include "formats/input_files.hpp"

#include <chrono>
#include <iostream>
#include <memory>

namespace healthdoc::cli {
namespace {

struct ValidateOptions {
    std::vector<std::string> inputs;
    ReportOptions report;
    std::string schemas;
    std::string rules; // "" = all when an ANS pack is installed (or --rules-pack given), else builtin
    std::string rules_pack;
    std::vector<std::string> schematrons;
    std::string phase;
    std::string value_sets;
    std::string package_cache;
    std::vector<std::string> implementation_guides;
    std::vector<std::string> profiles;
    std::string references = "found";
    bool assume_valid_rest_references = false;
    std::size_t max_depth = formats::XmlLimits{}.max_depth;
    std::size_t max_megabytes = formats::XmlLimits{}.max_bytes / (1024 * 1024);
};

int run_validate(const ValidateOptions& options, const GlobalOptions& global) {
    auto started = std::chrono::steady_clock::now();
    cda::ValidationSettings settings;
    if (!options.schemas.empty()) settings.schemas = options.schemas;
    if (!options.value_sets.empty()) settings.value_sets = options.value_sets;
    std::string rules = options.rules;
    if (rules.empty()) rules = !options.rules_pack.empty() || cda::find_ans_pack() ? "all" : "builtin";
    settings.cisis_header_rules = rules == "builtin" || rules == "all";
    settings.official_rules = rules == "official" || rules == "all";
    if (!options.rules_pack.empty()) settings.rules_pack = options.rules_pack;
    settings.schematrons = options.schematrons;
    settings.phase = options.phase;
    if (!options.package_cache.empty()) settings.fhir_package_cache = options.package_cache;
    settings.fhir_implementation_guides = options.implementation_guides;
    settings.fhir_profiles = options.profiles;
    settings.fhir_references = options.references == "exists"            ? fhir::ReferenceChecking::exists
                               : options.references == "exists-and-type" ? fhir::ReferenceChecking::exists_and_type
                                                                         : fhir::ReferenceChecking::found_targets;
    settings.fhir_assume_valid_rest_references = options.assume_valid_rest_references;
    settings.limits.max_depth = options.max_depth;
    settings.limits.max_bytes = options.max_megabytes * 1024 * 1024;

    formats::RunReport run;
    run.command = "validate";
    cda::Validator validator(settings, run.run_diagnostics);
    auto inputs = formats::expand_inputs(options.inputs);
    if (global.verbose) {
        auto schema = validator.schema_path();
        std::cerr << "healthdoc: CDA schema: " << (schema.empty() ? std::string("none (layer skipped)") : schema)
                  << '\n'
                  << "healthdoc: CI-SIS header rules: " << (settings.cisis_header_rules ? "built-in" : "off") << '\n'
                  << "healthdoc: official schematrons: "
                  << (validator.official_pack().empty() ? std::string("off") : validator.official_pack()) << '\n'
                  << "healthdoc: " << inputs.size() << " input(s), jobs: "
                  << (global.jobs == 0 ? std::string("one per core") : std::to_string(global.jobs)) << '\n';
    }

    run.documents = validator.validate_all(inputs, global.jobs);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return finish_run(run, options.report, global);
}

} // namespace

void setup_validate(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ValidateOptions>();
    auto* command =
        app.add_subcommand("validate", "Check documents: well-formedness, CDA schema, and the rules that apply");
    command->add_option("inputs", options->inputs, "Files, directories (recursive: *.xml, *.json), or - for stdin")
        ->required();
    add_report_options(*command, options->report);
    command->add_option(
        "--schemas", options->schemas,
        "XSD file or folder to validate CDA against (default: $HEALTHDOC_SCHEMAS, then the installed rules pack)");
    command
        ->add_option("--rules", options->rules,
                     "CDA rules to run after the schema: builtin (the CI-SIS header rules), official (the ANS "
                     "pack's schematrons: IHE, terminologies, content models, header, the document's model), all "
                     "(both; the default when an ANS pack is installed), or none")
        ->check(CLI::IsMember({"builtin", "official", "all", "none"}));
    command->add_option("--rules-pack", options->rules_pack,
                        "ANS CI-SIS kit folder (holding schematrons/) to take the official rules from, instead of "
                        "the installed pack");
    command->add_option("--schematron", options->schematrons, "Also run this ISO Schematron file on every XML input")
        ->check(CLI::ExistingFile);
    command->add_option("--phase", options->phase,
                        "Schematron phase for --schematron files (default: each one's "
                        "defaultPhase; #ALL for every pattern)");
    command->add_option("--value-sets", options->value_sets,
                        "Folder of IHE SVS value-set files (ANS JDV) replacing the built-in and installed sets");
    command->add_option("--package-cache", options->package_cache,
                        "FHIR package cache folder (default: $HEALTHDOC_PACKAGE_CACHE, then ~/.fhir/packages)");
    command->add_option("--ig", options->implementation_guides,
                        "FHIR implementation guide to load with its dependencies: id#version or id from the package "
                        "cache, or a package .tgz (repeatable)");
    command->add_option("--profile", options->profiles,
                        "Also validate every FHIR resource against this profile (canonical URL; repeatable)");
    command
        ->add_option("--references", options->references,
                     "FHIR references to resources the document does not hold (nothing is fetched): found (only "
                     "the targets found are checked), exists (such a reference is an error), exists-and-type (and "
                     "the type a RESTful URL names must be allowed)")
        ->check(CLI::IsMember({"found", "exists", "exists-and-type"}))
        ->capture_default_str();
    command->add_flag("--assume-valid-rest-references", options->assume_valid_rest_references,
                      "Take RESTful FHIR references ([base/]Type/id) to exist on their server; the type they name "
                      "is still checked");
    command->add_option("--max-depth", options->max_depth, "Deepest XML element nesting accepted")
        ->capture_default_str();
    command->add_option("--max-size", options->max_megabytes, "Largest input accepted, in MiB")->capture_default_str();
    command->callback([options, &context] { context.exit_code = run_validate(*options, context.global); });
}

} // namespace healthdoc::cli
