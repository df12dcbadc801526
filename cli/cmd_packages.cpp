#include "cli/commands.hpp"

namespace healthdoc::cli {

void setup_packages(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand("packages", "Install and list FHIR packages and CDA rules packs");
    command->require_subcommand(1);
    command->add_subcommand("install", "Install a package or pack from a path or URL")
        ->callback([&context] { context.exit_code = not_implemented("packages install"); });
    command->add_subcommand("list", "List installed packages and packs")
        ->callback([&context] { context.exit_code = not_implemented("packages list"); });
}

} // namespace healthdoc::cli
