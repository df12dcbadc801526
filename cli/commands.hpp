// One set-up function per subcommand (cmd_<name>.cpp). Set-up only declares options and
// installs a callback; it does no I/O. The callback stores its exit code in `exit_code`.
#pragma once

#include "cli/common_options.hpp"

#include <CLI/CLI.hpp>

namespace healthdoc::cli {

struct CommandContext {
    GlobalOptions global;
    int exit_code = 0;
};

void setup_validate(CLI::App& app, CommandContext& context);
void setup_convert(CLI::App& app, CommandContext& context);
void setup_inspect(CLI::App& app, CommandContext& context);
void setup_push(CLI::App& app, CommandContext& context);
void setup_sandbox(CLI::App& app, CommandContext& context);
void setup_packages(CLI::App& app, CommandContext& context);
void setup_fhirpath(CLI::App& app, CommandContext& context);

// Prints "healthdoc <command>: not implemented yet" and returns the usage exit code, for
// subcommands whose issue has not landed.
int not_implemented(const std::string& command);

} // namespace healthdoc::cli
