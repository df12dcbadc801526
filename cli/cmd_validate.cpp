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
    std::string rules = "builtin";
    std::string value_sets;
    std::size_t max_depth = formats::XmlLimits{}.max_depth;
    std::size_t max_megabytes = formats::XmlLimits{}.max_bytes / (1024 * 1024);
};

int run_validate(const ValidateOptions& options, const GlobalOptions& global) {
    auto started = std::chrono::steady_clock::now();
    cda::ValidationSettings settings;
    if (!options.schemas.empty()) settings.schemas = options.schemas;
    if (!options.value_sets.empty()) settings.value_sets = options.value_sets;
    settings.cisis_header_rules = options.rules == "builtin";
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
                     "CDA rules to run after the schema: builtin (the CI-SIS header rules) or none")
        ->check(CLI::IsMember({"builtin", "none"}))
        ->capture_default_str();
    command->add_option("--value-sets", options->value_sets,
                        "Folder of IHE SVS value-set files (ANS JDV) replacing the built-in and installed sets");
    command->add_option("--max-depth", options->max_depth, "Deepest XML element nesting accepted")
        ->capture_default_str();
    command->add_option("--max-size", options->max_megabytes, "Largest input accepted, in MiB")->capture_default_str();
    command->callback([options, &context] { context.exit_code = run_validate(*options, context.global); });
}

} // namespace healthdoc::cli
