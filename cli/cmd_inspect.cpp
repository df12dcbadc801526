#include "cli/commands.hpp"

namespace healthdoc::cli {

void setup_inspect(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand("inspect", "Print what a document is and its key metadata");
    command->callback([&context] { context.exit_code = not_implemented("inspect"); });
}

} // namespace healthdoc::cli
