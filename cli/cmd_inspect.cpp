#include "cda/inspect.hpp"
#include "cli/commands.hpp"
#include "formats/errors.hpp"
#include "formats/input_files.hpp"
#include "formats/parallel.hpp"

#include <chrono>
#include <memory>

namespace healthdoc::cli {
namespace {

struct InspectOptions {
    std::vector<std::string> inputs;
    ReportOptions report;
    std::size_t max_depth = formats::XmlLimits{}.max_depth;
    std::size_t max_megabytes = formats::XmlLimits{}.max_bytes / (1024 * 1024);
};

int run_inspect(const InspectOptions& options, const GlobalOptions& global) {
    auto started = std::chrono::steady_clock::now();
    formats::XmlLimits limits;
    limits.max_depth = options.max_depth;
    limits.max_bytes = options.max_megabytes * 1024 * 1024;

    formats::RunReport run;
    run.command = "inspect";
    // Inspect names what any file is (PDF, images...), so directories are walked for every file.
    auto inputs = formats::expand_inputs(options.inputs, {});
    run.documents.resize(inputs.size());
    formats::parallel_for(inputs.size(), global.jobs, [&](std::size_t i) {
        const auto& input = inputs[i];
        auto document_started = std::chrono::steady_clock::now();
        try {
            auto source = input.is_stdin() ? formats::SourceText::from_stdin(limits.max_bytes)
                                           : formats::SourceText::from_file(input.path, limits.max_bytes);
            run.documents[i] = cda::inspect_document(source, limits);
        } catch (const InputError& e) {
            auto& report = run.documents[i];
            report.file = input.path;
            report.unreadable = true;
            report.diagnostics.report(formats::Severity::fatal, "io.read.failed", e.what(),
                                      formats::Location{input.path, 0, 0, ""});
        }
        run.documents[i].seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - document_started).count();
    });
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return finish_run(run, options.report, global);
}

} // namespace

void setup_inspect(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<InspectOptions>();
    auto* command = app.add_subcommand("inspect", "Print what a document is and its key metadata");
    command->add_option("inputs", options->inputs, "Files, directories (recursive: every file), or - for stdin")
        ->required();
    add_report_options(*command, options->report, false);
    command->add_option("--max-depth", options->max_depth, "Deepest XML element nesting accepted")
        ->capture_default_str();
    command->add_option("--max-size", options->max_megabytes, "Largest input accepted, in MiB")->capture_default_str();
    command->callback([options, &context] { context.exit_code = run_inspect(*options, context.global); });
}

} // namespace healthdoc::cli
