// Times the ANS kit's official schematron stack run natively: compiling each layer, then running
// the five shared layers and the document's model schematron over every shared example on one
// thread. Prints compile times, the mean and the slowest time per document (CPU milliseconds:
// they hold on a loaded machine, and the runs are single-threaded), and peak memory.
//   schematron_stack KIT_DIR [runs]      (KIT_DIR: .../reference/cda/ans-testcontenucda)
#include "cda/schematron/engine.hpp"
#include "cda/schematron/loader.hpp"
#include "formats/source_text.hpp"
#include "formats/xml_document.hpp"
#include "xpath/xpath.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace healthdoc;
namespace fs = std::filesystem;
// CPU time of this process: the figure that holds on a loaded machine (the runs are one thread).
struct Clock {
    using time_point = double;
    static double now() {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
    }
};

namespace {

double ms_since(Clock::time_point start) { return Clock::now() - start; }

std::shared_ptr<const cda::schematron::CompiledSchema> compile(const fs::path& file, double& ms) {
    auto start = Clock::now();
    formats::Diagnostics out;
    auto schema = cda::schematron::load_schema(file, out);
    std::shared_ptr<const cda::schematron::CompiledSchema> compiled;
    if (schema) compiled = cda::schematron::CompiledSchema::compile(std::move(*schema), "", out);
    ms = ms_since(start);
    return compiled;
}

// The model schematron of an example, by its file name (as the kit's reference run chose it).
std::string model_of(const fs::path& schematrons, const std::string& document) {
    std::string best;
    for (const auto& entry : fs::directory_iterator(schematrons)) {
        std::string name = entry.path().filename().string();
        if (name.rfind("CI-SIS_", 0) != 0 || entry.path().extension() != ".sch") continue;
        std::string model = name.substr(7, name.size() - 11);
        if (document.rfind(model, 0) == 0 && model.size() > best.size()) best = model;
    }
    return best.empty() ? "" : "CI-SIS_" + best + ".sch";
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s KIT_DIR [runs]\n", argv[0]);
        return 2;
    }
    fs::path kit = argv[1];
    int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    fs::path schematrons = kit / "schematrons";
    const char* shared_layers[] = {"profils/IHE.sch", "profils/terminologies/schematron/terminologie.sch",
                                   "profils/CI-SIS_ModelesDeContenusCDA.sch",
                                   "profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch",
                                   "profils/CI-SIS_Modeles_ANS.sch"};
    std::vector<std::shared_ptr<const cda::schematron::CompiledSchema>> shared;
    double shared_ms = 0;
    std::size_t shared_checks = 0;
    for (const char* layer : shared_layers) {
        double ms = 0;
        shared.push_back(compile(schematrons / layer, ms));
        shared_ms += ms;
        shared_checks += shared.back() ? shared.back()->check_count() : 0;
        std::printf("compile %-58s %8.1f ms  %6zu checks\n", layer, ms,
                    shared.back() ? shared.back()->check_count() : 0);
    }
    std::map<std::string, std::shared_ptr<const cda::schematron::CompiledSchema>> models;
    double largest_model_ms = 0;
    std::string largest_model;
    std::size_t largest_checks = 0;
    for (const auto& entry : fs::directory_iterator(schematrons)) {
        if (entry.path().extension() != ".sch") continue;
        double ms = 0;
        auto compiled = compile(entry.path(), ms);
        if (compiled && compiled->check_count() >= largest_checks) {
            largest_checks = compiled->check_count();
            largest_model = entry.path().filename().string();
            largest_model_ms = ms;
        }
        models[entry.path().filename().string()] = std::move(compiled);
    }
    std::printf("compile the five shared layers: %.1f ms (%zu checks)\n", shared_ms, shared_checks);
    std::printf("largest model %s: %.1f ms (%zu checks); its whole stack: %.1f ms\n", largest_model.c_str(),
                largest_model_ms, largest_checks, shared_ms + largest_model_ms);

    std::vector<std::pair<std::string, std::unique_ptr<formats::XmlDocument>>> documents;
    std::size_t bytes = 0;
    for (const auto& entry : fs::directory_iterator(kit / "ExemplesCDA")) {
        auto source = formats::SourceText::from_file(entry.path().string());
        bytes += source.bytes().size();
        formats::Diagnostics parse;
        if (auto xml = formats::parse_xml(source, parse))
            documents.emplace_back(entry.path().stem().string(), std::move(xml));
    }
    std::sort(documents.begin(), documents.end());
    xpath::FileDocumentProvider provider;
    std::vector<double> per_document(documents.size(), 1e300);
    std::size_t findings = 0;
    std::vector<double> per_layer(6, 0.0); // the five shared layers, then the model's
    double first_run_ms = 0;
    for (int run = 0; run < runs; ++run) {
        auto run_start = Clock::now();
        for (std::size_t i = 0; i < documents.size(); ++i) {
            auto start = Clock::now();
            std::vector<const cda::schematron::CompiledSchema*> stack;
            for (const auto& layer : shared) stack.push_back(layer.get());
            if (auto model = model_of(schematrons, documents[i].first); !model.empty())
                stack.push_back(models[model].get());
            std::size_t found = 0;
            for (std::size_t l = 0; l < stack.size(); ++l) {
                if (!stack[l]) continue;
                auto layer_start = Clock::now();
                found += stack[l]->run(*documents[i].second, &provider).findings.size();
                if (run == runs - 1) per_layer[std::min<std::size_t>(l, 5)] += ms_since(layer_start);
            }
            per_document[i] = std::min(per_document[i], ms_since(start));
            if (run == 0) findings += found;
        }
        if (run == 0) first_run_ms = ms_since(run_start);
    }
    double total = 0, slowest = 0;
    std::string slowest_name;
    for (std::size_t i = 0; i < documents.size(); ++i) {
        total += per_document[i];
        if (per_document[i] > slowest) {
            slowest = per_document[i];
            slowest_name = documents[i].first;
        }
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%zu documents (%.1f MB), full stack, one thread, best of %d runs:\n", documents.size(), bytes / 1e6,
                runs);
    std::printf("  mean %.1f ms per document (target < 50), slowest %.1f ms (%s)\n", total / documents.size(), slowest,
                slowest_name.c_str());
    std::printf("  first run (value-set files read on first use): %.1f ms in all\n", first_run_ms);
    std::printf("  mean per layer (last run):");
    for (double ms : per_layer) std::printf(" %.1f", ms / documents.size());
    std::printf(" ms (IHE, terminologies, ModelesDeContenusCDA, StructurationMinimale, Modeles_ANS, model)\n");
    std::printf("  %zu findings; peak memory %.0f MB\n", findings, usage.ru_maxrss / 1024.0);
    return 0;
}
