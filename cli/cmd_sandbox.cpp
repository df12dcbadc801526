#include "cli/commands.hpp"

#include <memory>

namespace healthdoc::cli {

namespace {
struct SandboxOptions {
    int port = 8080;
    std::string db;
};
} // namespace

void setup_sandbox(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<SandboxOptions>();
    auto* command = app.add_subcommand("sandbox", "Serve a local stand-in of the health-space API on 127.0.0.1");
    command->add_option("--port", options->port, "TCP port on 127.0.0.1")->capture_default_str();
    command->add_option("--db", options->db, "SQLite file holding the stored documents");
    command->callback([&context] { context.exit_code = not_implemented("sandbox"); });
}

} // namespace healthdoc::cli
