#include "cda/rules_pack_install.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "fhir/package_cache.hpp"
#include "formats/archive.hpp"
#include "formats/errors.hpp"
#include "formats/source_text.hpp"
#include "push/fetch.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

namespace fs = std::filesystem;

namespace healthdoc::cli {
namespace {

struct PackagesOptions {
    std::string source;
    std::string name;
    std::string package_cache;
    std::string rules_dir;
    std::string format = "text";
};

std::optional<std::string> given(const std::string& value) {
    return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

// The name a pack gets when --name is not given: its folder or file name without extensions.
std::string default_pack_name(const std::string& source) {
    std::string base = fs::path(source).filename().string();
    if (base.empty()) base = fs::path(source).parent_path().filename().string();
    for (const char* ext : {".zip", ".tgz", ".tar.gz"})
        if (base.size() > std::string(ext).size() && base.ends_with(ext)) base.resize(base.size() - std::string(ext).size());
    return base;
}

int run_install(const PackagesOptions& options, const GlobalOptions& global) {
    std::string source = options.source;
    if (source.rfind("file://", 0) == 0) source = source.substr(7);
    std::error_code ec;
    if (!push::is_url(source) && fs::is_directory(source, ec)) {
        auto pack = cda::install_rules_pack_folder(source, options.name.empty() ? default_pack_name(source) : options.name,
                                                   given(options.rules_dir));
        if (!global.quiet) std::cerr << "installed CDA rules pack " << pack.name << " in " << pack.path.string() << '\n';
        return k_exit_ok;
    }
    std::string bytes = push::is_url(source) ? push::fetch_url(source)
                                             : std::string(formats::SourceText::from_file(source, std::size_t{1} << 30).bytes());
    if (fhir::is_fhir_package_archive(bytes)) {
        auto package = fhir::install_package_archive(bytes, given(options.package_cache));
        if (!global.quiet)
            std::cerr << "installed FHIR package " << package.id << "#" << package.version << " in "
                      << package.path.string() << '\n';
        return k_exit_ok;
    }
    if (formats::looks_like_archive(bytes)) {
        auto pack = cda::install_rules_pack_archive(
            bytes, options.name.empty() ? default_pack_name(source) : options.name, given(options.rules_dir));
        if (!global.quiet) std::cerr << "installed CDA rules pack " << pack.name << " in " << pack.path.string() << '\n';
        return k_exit_ok;
    }
    throw UsageError(options.source + ": neither a FHIR package (.tgz with package/package.json) nor a CDA rules "
                                      "pack (a folder or .zip holding .xsd or .sch files)");
}

int run_list(const PackagesOptions& options) {
    auto packages = fhir::installed_packages(given(options.package_cache));
    auto packs = cda::installed_packs(given(options.rules_dir));
    if (options.format == "json") {
        nlohmann::ordered_json out;
        out["fhirPackages"] = nlohmann::ordered_json::array();
        for (const auto& p : packages)
            out["fhirPackages"].push_back(
                {{"id", p.id}, {"version", p.version}, {"fhirVersions", p.fhir_versions}, {"path", p.path.string()}});
        out["cdaRulesPacks"] = nlohmann::ordered_json::array();
        for (const auto& p : packs) {
            auto contents = cda::count_pack_contents(p.path);
            out["cdaRulesPacks"].push_back({{"name", p.name},
                                            {"kind", p.is_ans() ? "ans-cisis" : "other"},
                                            {"schemas", contents.schemas},
                                            {"schematrons", contents.schematrons},
                                            {"valueSets", contents.value_sets},
                                            {"path", p.path.string()}});
        }
        std::cout << out.dump(2) << '\n';
        return k_exit_ok;
    }
    std::cout << "FHIR packages (" << fhir::package_cache_directory(given(options.package_cache)).string() << "):\n";
    if (packages.empty()) std::cout << "  none\n";
    for (const auto& p : packages) {
        std::cout << "  " << p.id << "#" << p.version;
        if (!p.fhir_versions.empty()) std::cout << "  (FHIR " << p.fhir_versions.front() << ")";
        std::cout << '\n';
    }
    std::cout << "CDA rules packs (" << cda::rules_directory(given(options.rules_dir)).string() << "):\n";
    if (packs.empty()) std::cout << "  none\n";
    for (const auto& p : packs) {
        auto contents = cda::count_pack_contents(p.path);
        std::cout << "  " << p.name << "  " << (p.is_ans() ? "ANS CI-SIS kit" : "rules pack") << ", " << contents.schemas
                  << " schemas, " << contents.schematrons << " schematrons, " << contents.value_sets << " value sets\n";
    }
    return k_exit_ok;
}

void add_location_options(CLI::App& command, PackagesOptions& options) {
    command.add_option("--package-cache", options.package_cache,
                       "FHIR package cache (default: $HEALTHDOC_PACKAGE_CACHE, then ~/.fhir/packages)");
    command.add_option("--rules-dir", options.rules_dir,
                       "CDA rules packs folder (default: $HEALTHDOC_RULES_DIR, then ~/.local/share/healthdoc/rules)");
}

} // namespace

void setup_packages(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<PackagesOptions>();
    auto* command = app.add_subcommand("packages", "Install and list FHIR packages and CDA rules packs");
    command->require_subcommand(1);
    auto* install = command->add_subcommand("install", "Install a FHIR package (.tgz) or a CDA rules pack (folder or .zip)");
    install->add_option("source", options->source, "Path, file:// or http(s):// URL")->required();
    install->add_option("--name", options->name, "Name of a CDA rules pack (default: the folder or file name)");
    add_location_options(*install, *options);
    install->callback([options, &context] { context.exit_code = run_install(*options, context.global); });
    auto* list = command->add_subcommand("list", "List installed FHIR packages and CDA rules packs");
    list->add_option("--format", options->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    add_location_options(*list, *options);
    list->callback([options, &context] { context.exit_code = run_list(*options); });
}

} // namespace healthdoc::cli
