#include "cda/header.hpp"
#include "cda/n1_document.hpp"
#include "cda/n1_metadata.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/submission_options.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/fhir_xml.hpp"
#include "fhir/fhirpath/package_type_provider.hpp"
#include "fhir/package_cache.hpp"
#include "fhir/xml_element_order.hpp"
#include "formats/atomic_file.hpp"
#include "formats/detect.hpp"
#include "formats/errors.hpp"
#include "formats/xml_document.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace healthdoc::cli {

namespace {

// Header fields that can be given on the command line; they win over the metadata file.
struct FieldOptions {
    std::string title, type_code, type_display, author_rpps, effective_time, confidentiality;
    std::string service_start, service_end, id_root, document_id;
};

struct ReplacementOptions {
    std::string replaces, previous, set_id, previous_version;
};

struct ConvertOptions {
    std::string input;
    std::string to;
    std::string output;
    std::string metadata;
    std::string format = "text";
    std::string report;
    FieldOptions fields;
    ReplacementOptions replacement;
    SubmissionOptions submission; // --to mhd|xds
    std::string package_cache;    // --to fhir-xml|fhir-json
};

void apply_field_options(const FieldOptions& f, cda::N1Metadata& m) {
    auto set = [](const std::string& option, std::string& field) {
        if (!option.empty()) field = option;
    };
    set(f.title, m.title);
    set(f.type_code, m.type_code.code);
    set(f.type_display, m.type_code.displayName);
    if (!f.type_code.empty() && m.type_code.codeSystem.empty()) m.type_code.codeSystem = "2.16.840.1.113883.6.1";
    set(f.author_rpps, m.author.rpps);
    set(f.effective_time, m.effective_time);
    set(f.confidentiality, m.confidentiality);
    set(f.service_start, m.service_start);
    set(f.service_end, m.service_end);
    set(f.id_root, m.id_root);
    if (!f.document_id.empty()) m.document_id = cda::parse_identifier(f.document_id);
}

// --replaces with --previous (the replaced document, whose id, setId and versionNumber are
// read) or with --set-id and --previous-version. Findings go to `out`.
void apply_replacement(const ReplacementOptions& r, cda::N1Metadata& m, formats::Diagnostics& out) {
    if (r.replaces.empty() && r.previous.empty()) {
        if (!r.set_id.empty() || !r.previous_version.empty())
            throw UsageError("--set-id and --previous-version describe the document that --replaces names");
        return;
    }
    cda::N1Replacement replacement;
    replacement.replaced_id = cda::parse_identifier(r.replaces);
    replacement.set_id = cda::parse_identifier(r.set_id);
    replacement.previous_version = r.previous_version;
    if (!r.previous.empty()) {
        auto source = formats::SourceText::from_file(r.previous);
        auto document = formats::parse_xml(source, out);
        auto clinical_document = document ? cda::find_clinical_document(document->root()) : pugi::xml_node();
        if (!clinical_document) {
            out.report(formats::Severity::error, "cda.n1.previous-not-cda",
                       "the previous document is not a CDA document", formats::Location{r.previous, 0, 0, ""});
        } else {
            auto previous = cda::read_header(clinical_document);
            if (!r.replaces.empty() && previous.id != replacement.replaced_id)
                out.report(formats::Severity::error, "cda.n1.replaces-mismatch",
                           "--replaces names another document than the id of the --previous document",
                           formats::Location{r.previous, 0, 0, "/ClinicalDocument/id"});
            replacement.replaced_id = previous.id;
            if (replacement.set_id.root.empty()) replacement.set_id = previous.set_id;
            if (replacement.previous_version.empty()) replacement.previous_version = previous.version_number;
        }
    }
    m.replaces = replacement;
}

// Renders the report where it cannot mix with the document: --report FILE, else standard
// output, else (the document itself went to standard output) standard error.
void render_report(const formats::RunReport& run, const ConvertOptions& options, const GlobalOptions& global,
                   bool document_on_stdout) {
    auto format = formats::parse_output_format(options.format).value_or(formats::OutputFormat::text);
    formats::RenderOptions render_options;
    render_options.tool_version = HEALTHDOC_VERSION;
    if (!options.report.empty() && options.report != "-") {
        std::ostringstream buffer;
        formats::render(run, format, render_options, buffer);
        formats::write_file_atomically(options.report, buffer.str());
    } else if (document_on_stdout) {
        render_options.color =
            format == formats::OutputFormat::text && use_color(global.color, ::isatty(STDERR_FILENO));
        formats::render(run, format, render_options, std::cerr);
    } else {
        render_options.color =
            format == formats::OutputFormat::text && use_color(global.color, ::isatty(STDOUT_FILENO));
        formats::render(run, format, render_options, std::cout);
        std::cout.flush();
    }
    if (!global.quiet) std::cerr << formats::summary_line(run) << '\n';
}

// One conversion: its input, its one-document report, and where its output goes.
class Conversion {
public:
    explicit Conversion(const ConvertOptions& options)
        : m_options(options), m_started(std::chrono::steady_clock::now()),
          m_on_stdout(options.output.empty() || options.output == "-") {
        m_run.command = "convert";
        report().file = options.input;
        m_source =
            options.input == "-" ? formats::SourceText::from_stdin() : formats::SourceText::from_file(options.input);
        m_format = formats::detect_format(m_source).format;
        report().kind = std::string(formats::to_string(m_format));
    }
    formats::DocumentReport& report() { return m_run.documents.front(); }
    const formats::SourceText& source() const { return m_source; }
    formats::Format format() const { return m_format; }
    // Writes the converted bytes to -o (atomically) or standard output.
    void write(const std::string& bytes) {
        if (m_on_stdout) {
            std::cout << bytes;
            std::cout.flush();
        } else {
            formats::write_file_atomically(m_options.output, bytes);
        }
        report().details["output"] = m_on_stdout ? "-" : m_options.output;
    }
    int finish(const GlobalOptions& global) {
        report().seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
        m_run.seconds = report().seconds;
        render_report(m_run, m_options, global, m_on_stdout);
        return exit_code_for(m_run, false);
    }

private:
    const ConvertOptions& m_options;
    std::chrono::steady_clock::time_point m_started;
    bool m_on_stdout;
    formats::RunReport m_run{"convert", {formats::DocumentReport{}}, {}, 0.0};
    formats::SourceText m_source;
    formats::Format m_format = formats::Format::unknown;
};

int run_convert_to_cda(const ConvertOptions& options, const GlobalOptions& global) {
    Conversion conversion(options);
    auto& report = conversion.report();
    auto format = conversion.format();
    cda::N1Metadata metadata;
    if (!cda::n1_media_type(format)) {
        // Not a document healthdoc can wrap: the same status as an unrecognised input.
        report.unreadable = true;
        report.diagnostics.report(formats::Severity::fatal, "cda.n1.unsupported-media",
                                  "--to cda wraps PDF, plain text, RTF, JPEG or TIFF; the input is " + report.kind);
        return conversion.finish(global);
    }
    bool metadata_read = true;
    if (!options.metadata.empty()) {
        auto parsed = cda::parse_n1_metadata(formats::SourceText::from_file(options.metadata), report.diagnostics);
        if (parsed) metadata = *parsed;
        metadata_read = parsed.has_value();
    }
    apply_field_options(options.fields, metadata);
    apply_replacement(options.replacement, metadata, report.diagnostics);
    if (metadata_read && !report.diagnostics.has_at_least(formats::Severity::error)) {
        auto document =
            cda::convert_to_n1(conversion.source().bytes(), format, metadata, options.metadata, report.diagnostics);
        if (document) {
            conversion.write(*document);
            report.details["mediaType"] = *cda::n1_media_type(format);
        }
    }
    return conversion.finish(global);
}

// CDA or FHIR document -> the payload of a transport: the ITI-65 Bundle (mhd) or the
// ProvideAndRegisterDocumentSetRequest (xds), exactly what `push` would send.
int run_convert_to_payload(const ConvertOptions& options, const GlobalOptions& global) {
    Conversion conversion(options);
    auto& report = conversion.report();
    auto settings = transport_settings(options.submission, "");
    auto transport = options.to == "xds" ? push::make_xds_transport(settings) : push::make_mhd_transport(settings);
    if (auto prepared = push::prepare_input(conversion.source(), report.diagnostics, settings)) {
        if (auto payload = transport->payload(*prepared, report.diagnostics)) {
            conversion.write(*payload);
            report.details["documentId"] = prepared->entry.unique_id;
        }
    } else {
        report.unreadable = true;
    }
    return conversion.finish(global);
}

// The folder of the R4 core package, whose definitions say which elements repeat, which are
// numbers and in which order XML writes them.
std::filesystem::path core_package_folder(const ConvertOptions& options) {
    std::optional<std::string> cache;
    if (!options.package_cache.empty()) cache = options.package_cache;
    auto core = fhir::find_package("hl7.fhir.r4.core#4.0.1", cache);
    if (!core)
        throw UsageError("convert --to " + options.to + " needs the FHIR package hl7.fhir.r4.core#4.0.1 in " +
                         fhir::package_cache_directory(cache).string() +
                         ": install it with `healthdoc packages install hl7.fhir.r4.core#4.0.1` or name the cache "
                         "with --package-cache");
    std::error_code error;
    auto folder = core->path / "package";
    return std::filesystem::is_directory(folder, error) ? folder : core->path;
}

bool looks_like_xml(std::string_view bytes) {
    const auto first = bytes.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    return first != std::string_view::npos && bytes[first] == '<';
}

// FHIR JSON <-> FHIR XML (docs/convert.md). The input's form is read from its first character;
// the output is written unless the input could not be read as a resource.
int run_convert_fhir(const ConvertOptions& options, const GlobalOptions& global) {
    const auto folder = core_package_folder(options);
    fhir::set_xml_element_order_source(folder);
    const auto types = fhir::fhirpath::PackageTypeProvider::shared(folder);
    Conversion conversion(options);
    auto& report = conversion.report();
    auto& diagnostics = report.diagnostics;
    const std::string& file = conversion.source().name();
    std::unique_ptr<fhir::FhirJson> resource;
    std::unique_ptr<formats::XmlDocument> xml;
    if (looks_like_xml(conversion.source().bytes())) {
        xml = formats::parse_xml(conversion.source(), diagnostics);
        if (xml) resource = fhir::read_fhir_xml(*xml, file, *types, diagnostics);
    } else {
        resource = fhir::read_fhir_json(conversion.source(), diagnostics);
        if (resource && !(resource->root.is_object() && resource->root.contains("resourceType") &&
                          resource->root["resourceType"].is_string())) {
            diagnostics.report(formats::Severity::fatal, "fhir.json.not-a-resource",
                               "the JSON is not a FHIR resource: it has no resourceType",
                               formats::Location{file, 1, 1, ""});
            resource.reset();
        }
    }
    if (!resource) {
        report.unreadable = true;
        return conversion.finish(global);
    }
    report.details["resourceType"] = resource->root["resourceType"].get<std::string>();
    std::string bytes = options.to == "fhir-xml" ? fhir::write_fhir_xml(resource->root, &resource->map, *types)
                                                 : fhir::write_fhir_json(resource->root, &resource->map, types.get());
    if (!bytes.empty() && bytes.back() != '\n') bytes += '\n';
    conversion.write(bytes);
    return conversion.finish(global);
}

} // namespace

void setup_convert(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ConvertOptions>();
    auto* command =
        app.add_subcommand("convert", "Convert a document: PDF to CDA N1, CDA to MHD/XDS payloads, FHIR JSON<->XML");
    command->add_option("input", options->input, "Input file, or - for stdin")->required();
    command->add_option("--to", options->to, "Target kind")
        ->required()
        ->check(CLI::IsMember({"cda", "mhd", "xds", "fhir-json", "fhir-xml"}));
    command->add_option("-o,--output", options->output, "Output file (written atomically); default stdout");
    command->add_option("--metadata", options->metadata, "N1 metadata JSON file (docs/n1-metadata.md)");
    command->add_option("--format", options->format, "Report format")
        ->check(CLI::IsMember({"text", "json", "operationoutcome", "junit", "sarif"}))
        ->capture_default_str();
    command->add_option("--report", options->report,
                        "Write the report to FILE (default: standard output, or standard error when the "
                        "document goes to standard output)");
    auto& f = options->fields;
    command->add_option("--title", f.title, "Document title (document.title)");
    command->add_option("--type-code", f.type_code, "LOINC document type code (document.typeCode.code)");
    command->add_option("--type-display", f.type_display, "Display name of the type code");
    command->add_option("--effective-time", f.effective_time, "Creation time, HL7 TS with zone (default: now)");
    command->add_option("--confidentiality", f.confidentiality, "N, R or V (default N)");
    command->add_option("--author-rpps", f.author_rpps, "Author's RPPS number, 11 digits (author.rpps)");
    command->add_option("--service-start", f.service_start, "Start of the act, HL7 TS (service.start)");
    command->add_option("--service-end", f.service_end, "End of the act, HL7 TS (service.end)");
    command->add_option("--document-id", f.document_id, "Document id: ROOT or ROOT^EXTENSION (default: generated)");
    command->add_option("--id-root", f.id_root, "OID under which ids are generated (default: a UUID OID)");
    auto& r = options->replacement;
    command->add_option("--replaces", r.replaces, "Id of the document this one replaces: ROOT or ROOT^EXTENSION");
    command->add_option("--previous", r.previous, "The replaced document (its id, setId and versionNumber are read)");
    command->add_option("--set-id", r.set_id, "setId of the replaced document, without --previous");
    command->add_option("--previous-version", r.previous_version,
                        "versionNumber of the replaced document, without --previous");
    add_submission_options(*command, options->submission);
    command->add_option("--package-cache", options->package_cache,
                        "FHIR package cache holding hl7.fhir.r4.core#4.0.1, for --to fhir-xml|fhir-json "
                        "(default: $HEALTHDOC_PACKAGE_CACHE, then ~/.fhir/packages)");
    command->callback([options, &context] {
        if (options->to == "mhd" || options->to == "xds") {
            context.exit_code = run_convert_to_payload(*options, context.global);
            return;
        }
        if (options->to == "fhir-xml" || options->to == "fhir-json") {
            context.exit_code = run_convert_fhir(*options, context.global);
            return;
        }
        context.exit_code = run_convert_to_cda(*options, context.global);
    });
}

} // namespace healthdoc::cli
