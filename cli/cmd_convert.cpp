#include "cli/commands.hpp"

#include <memory>

namespace healthdoc::cli {

namespace {
struct ConvertOptions {
    std::string input;
    std::string to;
    std::string output;
};
} // namespace

void setup_convert(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ConvertOptions>();
    auto* command = app.add_subcommand("convert", "Convert a document: PDF to CDA N1, CDA to MHD/XDS payloads, FHIR JSON<->XML");
    command->add_option("input", options->input, "Input file, or - for stdin")->required();
    command->add_option("--to", options->to, "Target kind")
        ->required()
        ->check(CLI::IsMember({"cda", "mhd", "xds", "fhir-json", "fhir-xml"}));
    command->add_option("-o,--output", options->output, "Output file (written atomically); default stdout");
    command->callback([&context] { context.exit_code = not_implemented("convert"); });
}

} // namespace healthdoc::cli
