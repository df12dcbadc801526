#include "cli/common_options.hpp"

#include "cli/exit_codes.hpp"
#include "formats/atomic_file.hpp"

#include <iostream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace healthdoc::cli {

void add_report_options(CLI::App& command, ReportOptions& options, bool with_warnings_as_errors) {
    std::vector<std::string> names = {"text", "json", "operationoutcome", "junit", "sarif"};
    // SVRL reports Schematron findings: only validate runs Schematron.
    if (command.get_name() == "validate") names.emplace_back("svrl");
    command.add_option("--format", options.format, "Report format")
        ->check(CLI::IsMember(names))
        ->capture_default_str();
    command.add_option("-o,--output", options.output, "Write the report to FILE instead of standard output");
    if (with_warnings_as_errors)
        command.add_flag("--warnings-as-errors", options.warnings_as_errors,
                         "Count warnings as errors for the exit code");
}

bool use_color(const std::string& color_option, bool to_terminal) {
    if (color_option == "always") return true;
    if (color_option == "never") return false;
    return to_terminal && std::getenv("NO_COLOR") == nullptr;
}

int exit_code_for(const formats::RunReport& run, bool warnings_as_errors) {
    auto t = formats::totals(run);
    if (t.unreadable > 0) return k_exit_usage;
    if (t.fatals + t.errors > 0) return k_exit_findings;
    if (warnings_as_errors && t.warnings > 0) return k_exit_findings;
    return k_exit_ok;
}

int finish_run(const formats::RunReport& run, const ReportOptions& report, const GlobalOptions& global) {
    auto format = formats::parse_output_format(report.format).value_or(formats::OutputFormat::text);
    formats::RenderOptions render_options;
    render_options.tool_version = HEALTHDOC_VERSION;
    if (report.output.empty() || report.output == "-") {
        render_options.color =
            format == formats::OutputFormat::text && use_color(global.color, ::isatty(STDOUT_FILENO));
        formats::render(run, format, render_options, std::cout);
        std::cout.flush();
    } else {
        std::ostringstream buffer;
        formats::render(run, format, render_options, buffer);
        formats::write_file_atomically(report.output, buffer.str());
    }
    if (!global.quiet) std::cerr << formats::summary_line(run) << '\n';
    return exit_code_for(run, report.warnings_as_errors);
}

} // namespace healthdoc::cli
