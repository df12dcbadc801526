#include "cli/app.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "formats/errors.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace healthdoc::cli {

int not_implemented(const std::string& command) {
    std::cerr << "healthdoc " << command << ": not implemented yet\n";
    return k_exit_usage;
}

int run(int argc, char** argv) {
    CLI::App app{"healthdoc: convert, validate and push health documents (HL7 CDA R2, FHIR R4)", "healthdoc"};
    app.set_version_flag("--version", std::string("healthdoc ") + HEALTHDOC_VERSION);
    app.require_subcommand(1);
    app.fallthrough();

    CommandContext context;
    app.add_flag("-q,--quiet", context.global.quiet, "Print no summary line on standard error");
    app.add_flag("-v,--verbose", context.global.verbose, "Explain what is done, on standard error");
    app.add_option("--color", context.global.color, "Colour the text output")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    app.add_option("-j,--jobs", context.global.jobs, "Documents processed in parallel (0 = one per core)")
        ->capture_default_str();

    setup_validate(app, context);
    setup_convert(app, context);
    setup_inspect(app, context);
    setup_push(app, context);
    setup_sandbox(app, context);
    setup_packages(app, context);
    setup_fhirpath(app, context);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e); // prints CLI11's message; its own codes are mapped to ours
        return k_exit_usage;
    } catch (const UsageError& e) {
        std::cerr << "healthdoc: " << e.what() << '\n';
        return k_exit_usage;
    } catch (const InputError& e) {
        std::cerr << "healthdoc: " << e.what() << '\n';
        return k_exit_usage;
    } catch (const OutputError& e) {
        std::cerr << "healthdoc: " << e.what() << '\n';
        return k_exit_usage;
    } catch (const TransportError& e) {
        std::cerr << "healthdoc: " << e.what() << '\n';
        return k_exit_transport;
    } catch (const std::exception& e) {
        std::cerr << "healthdoc: internal error: " << e.what() << '\n';
        return k_exit_usage;
    }
    return context.exit_code;
}

} // namespace healthdoc::cli
