// The command-line front end: parses options with CLI11, calls the library, renders the
// report and returns the exit code. Nothing else in the project includes CLI11.
#pragma once

namespace healthdoc::cli {

// Runs healthdoc with the process arguments and returns the exit code (see exit_codes.hpp).
int run(int argc, char** argv);

} // namespace healthdoc::cli
