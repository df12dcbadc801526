// Options shared by the subcommands that produce a report, and the code that renders that
// report and turns it into an exit code.
#pragma once

#include "formats/render.hpp"
#include "formats/report.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace healthdoc::cli {

struct GlobalOptions {
    bool quiet = false;
    bool verbose = false;
    std::string color = "auto";
    unsigned jobs = 0; // 0 = one per core
};

struct ReportOptions {
    std::string format = "text";
    std::string output; // -o FILE; empty = stdout
    bool warnings_as_errors = false;
};

// Adds --format, -o/--output and --warnings-as-errors to `command`.
void add_report_options(CLI::App& command, ReportOptions& options, bool with_warnings_as_errors = true);

// Renders `run` to stdout or the -o file (written atomically), prints the summary line on
// stderr unless --quiet, and returns the exit code the run deserves.
int finish_run(const formats::RunReport& run, const ReportOptions& report, const GlobalOptions& global);

// The exit code of a finished run: 2 if an input was unreadable, 1 if errors (or warnings with
// --warnings-as-errors), else 0.
int exit_code_for(const formats::RunReport& run, bool warnings_as_errors);

// True when text output to `stderr_or_stdout` should be coloured under --color.
bool use_color(const std::string& color_option, bool to_terminal);

} // namespace healthdoc::cli
