// An element whose type lists several profiles: the value must conform to at least one of
// them (ElementDefinition.type.profile is an any-of). When none fits, one finding says so and
// the findings of every candidate follow, as the reference validator reports them.
#include "fhir/validation/run.hpp"

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

// Copies a finding of a trial run into the run, keeping its location.
void forward(Run& run, const formats::Diagnostic& d) {
    if (!run.seen.insert(d.rule + '|' + d.location.path + '|' + d.message).second) return;
    run.out.report(d.severity, d.rule, d.message, d.location);
}

} // namespace

bool validate_any_profile(Run& run, std::vector<std::string>& urls, const Item& item, const std::string& type,
                          const ResourceFrame& frame, std::set<std::string>& done) {
    if (!item.value) return false;
    std::vector<std::pair<std::string, std::shared_ptr<const CompiledProfile>>> candidates;
    for (const auto& url : urls)
        if (auto compiled = run.profiles.get(url)) candidates.emplace_back(url, std::move(compiled));
    if (candidates.empty()) return false;
    std::vector<formats::Diagnostics> findings(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const CompiledProfile& candidate = *candidates[i].second;
        Run trial{run.definitions, run.terminology, run.profiles,           run.environment, run.once, run.document,
                  run.file,        run.positions,   run.allow_example_urls, findings[i],     {},       {},
                  run.depth};
        trial.security_checks = run.security_checks;
        validate_children(trial, candidate, 0, *item.value, item.path, frame, false);
        std::set<std::string> trial_done = done;
        check_invariants(trial, candidate.root().constraints, item, type, frame, trial_done);
        if (!findings[i].has_at_least(Severity::error)) {
            // The first profile that fits: its warnings and hints are the element's.
            for (const auto& d : findings[i].items()) forward(run, d);
            done.insert(trial_done.begin(), trial_done.end());
            urls.clear();
            return true;
        }
    }
    std::string names;
    for (const auto& [url, compiled] : candidates) names += (names.empty() ? "" : ", ") + url;
    run.report(Severity::error, "fhir.profile.no-match",
               "Unable to find a match for the specified profile among choices: " + names + ".", item.path,
               item.anchor);
    for (const auto& list : findings)
        for (const auto& d : list.items()) forward(run, d);
    urls.clear();
    return true;
}

std::vector<std::string> choose_resource_profile(Run& run, const json& resource, const ResourceFrame& frame,
                                                 const std::vector<std::string>& urls) {
    auto rt = resource.find("resourceType");
    if (!resource.is_object() || rt == resource.end() || !rt->is_string()) return urls;
    std::vector<std::string> known;
    std::vector<formats::Diagnostics> findings;
    for (const auto& url : urls) {
        auto compiled = run.profiles.get(url);
        if (!compiled || compiled->type != rt->get<std::string>()) continue;
        known.push_back(url);
        findings.emplace_back();
        Run trial{run.definitions, run.terminology, run.profiles,           run.environment, run.once, run.document,
                  run.file,        run.positions,   run.allow_example_urls, findings.back(), {},       {},
                  run.depth};
        trial.security_checks = run.security_checks;
        validate_children(trial, *compiled, 0, resource, frame.path, frame, true);
        Item self;
        self.value = &resource;
        self.type = compiled->type;
        self.path = frame.path;
        self.anchor = &resource;
        std::set<std::string> done;
        check_invariants(trial, compiled->root().constraints, self, compiled->type, frame, done);
        if (!findings.back().has_at_least(Severity::error)) return {url};
    }
    if (known.size() < 2) return urls;
    std::string names;
    for (const auto& url : known) names += (names.empty() ? "" : ", ") + url;
    run.report(Severity::error, "fhir.profile.no-match",
               "Unable to find a match for the specified profile among choices: " + names + ".", frame.path, &resource);
    return urls;
}

} // namespace healthdoc::fhir::validation
