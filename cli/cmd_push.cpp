#include "cli/commands.hpp"

#include <memory>

namespace healthdoc::cli {

namespace {
struct PushOptions {
    std::vector<std::string> inputs;
    std::string endpoint;
    std::string transport = "mhd";
    ReportOptions report;
};
} // namespace

void setup_push(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<PushOptions>();
    auto* command = app.add_subcommand("push", "Send documents to the health space (MHD ITI-65 or XDS.b ITI-41)");
    command->add_option("inputs", options->inputs, "Files or directories")->required();
    command->add_option("--endpoint", options->endpoint, "FHIR base or XDS.b repository URL")->required();
    command->add_option("--transport", options->transport, "mhd or xds")
        ->check(CLI::IsMember({"mhd", "xds"}))
        ->capture_default_str();
    add_report_options(*command, options->report);
    command->callback([&context] { context.exit_code = not_implemented("push"); });
}

} // namespace healthdoc::cli
