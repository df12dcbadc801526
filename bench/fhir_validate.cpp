// Validates every FHIR JSON file of a folder (the shared R4 examples) in one run, the way
// `healthdoc validate` does: read, parse with positions, validate against the core package.
// Prints start-up time (loading the definitions until the validator is ready), the time of the
// first resource (which prepares the definitions it needs), then resources per second and the
// mean time per resource over the following runs, on one thread (CPU time) and on every core
// (wall time), and peak memory.
//   fhir_validate PACKAGE_CACHE EXAMPLES_DIR [runs]
#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/validator.hpp"
#include "formats/parallel.hpp"
#include "formats/source_text.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace healthdoc;
namespace fs = std::filesystem;

namespace {

double cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

double wall_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Totals {
    std::size_t resources = 0, errors = 0, invalid = 0;
};

void validate_file(const fhir::FhirValidator& validator, const fs::path& file, Totals& totals) {
    formats::Diagnostics out;
    auto source = formats::SourceText::from_file(file.string());
    auto resource = fhir::read_fhir_json(source, out);
    if (resource) validator.validate(*resource, file.string(), out);
    auto errors = out.count(formats::Severity::error) + out.count(formats::Severity::fatal);
    ++totals.resources;
    totals.errors += errors;
    totals.invalid += errors > 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: fhir_validate PACKAGE_CACHE EXAMPLES_DIR [runs]\n");
        return 2;
    }
    const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(argv[2]))
        if (entry.path().extension() == ".json" && entry.path().filename() != "package.json")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());

    const double start_wall = wall_ms();
    formats::Diagnostics setup;
    fhir::DefinitionsOptions options;
    options.package_cache = argv[1];
    auto definitions = fhir::Definitions::load(options, setup);
    fhir::FhirValidator validator(definitions);
    const double startup = wall_ms() - start_wall;

    Totals first;
    double t = wall_ms();
    validate_file(validator, files.front(), first);
    const double first_ms = wall_ms() - t;

    // The first pass prepares every definition the examples need; the timed runs follow.
    Totals warm;
    for (const auto& file : files) validate_file(validator, file, warm);

    double cpu = cpu_ms();
    Totals totals;
    for (int run = 0; run < runs; ++run)
        for (const auto& file : files) validate_file(validator, file, totals);
    const double single_ms = (cpu_ms() - cpu) / runs;

    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    t = wall_ms();
    for (int run = 0; run < runs; ++run) {
        std::vector<Totals> per(files.size());
        formats::parallel_for(files.size(), cores, [&](std::size_t i) { validate_file(validator, files[i], per[i]); });
    }
    const double parallel_ms = (wall_ms() - t) / runs;

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("resources: %zu (%zu with errors, %zu errors)\n", files.size(), warm.invalid, warm.errors);
    std::printf("start-up (definitions loaded, validator ready): %.1f ms\n", startup);
    std::printf("first resource (prepares its definitions): %.1f ms\n", first_ms);
    std::printf("one thread: %.1f ms for all, %.3f ms per resource, %.0f resources/s (CPU time, mean of %d runs)\n",
                single_ms, single_ms / files.size(), files.size() * 1000.0 / single_ms, runs);
    std::printf("%u threads: %.1f ms for all, %.0f resources/s (wall time)\n", cores, parallel_ms,
                files.size() * 1000.0 / parallel_ms);
    std::printf("peak memory: %.1f MB\n", usage.ru_maxrss / 1024.0);
    std::printf("SUMMARY startup_ms=%.1f per_resource_ms=%.4f all_ms=%.1f peak_mb=%.1f\n", startup,
                single_ms / files.size(), single_ms, usage.ru_maxrss / 1024.0);
    return 0;
}
