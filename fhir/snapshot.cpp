#include "fhir/snapshot.hpp"

namespace healthdoc::fhir {

std::optional<nlohmann::json> generate_snapshot(const nlohmann::json& profile, const StructureLookup& lookup,
                                                formats::Diagnostics& problems) {
    (void)lookup;
    auto url = profile.find("url");
    problems.report(formats::Severity::warning, "fhir.snapshot.not-generated",
                    "The StructureDefinition " +
                        (url != profile.end() && url->is_string() ? url->get<std::string>() : std::string("(no url)")) +
                        " has no snapshot and snapshot generation is not available yet.");
    return std::nullopt;
}

} // namespace healthdoc::fhir
