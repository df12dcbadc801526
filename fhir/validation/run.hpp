// The state of one validate() call and the steps of the instance walk, shared by the files of
// fhir/validation/ (walker, invariants, bindings, slicing, extensions, bundles).
#pragma once

#include "fhir/definitions.hpp"
#include "fhir/fhir_json.hpp"
#include "fhir/fhirpath/fhirpath.hpp"
#include "fhir/terminology.hpp"
#include "fhir/validation/compiled_profile.hpp"
#include "fhir/validator.hpp"
#include "formats/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace healthdoc::fhir::validation {

// What outlives one validate() call: reports made once per run (unknown profiles, value sets
// that cannot be expanded, invariants that cannot be evaluated).
struct RunOnce {
    std::mutex mutex;
    std::set<std::string> reported;
    formats::Diagnostics diagnostics; // setup problems (unknown profiles)

    // True the first time `key` is seen.
    bool first(const std::string& key) {
        std::lock_guard lock(mutex);
        return reported.insert(key).second;
    }
};

// The resource a value belongs to, for %resource, %rootResource and reference resolution.
struct ResourceFrame {
    const nlohmann::json* resource = nullptr; // nearest enclosing resource
    const nlohmann::json* root = nullptr;     // nearest resource that is not a contained one
    const nlohmann::json* bundle = nullptr;   // outermost resource (the Bundle, for resolve())
    std::string path;                         // the resource's FHIRPath location
    struct BundleIndex* bundle_index = nullptr;
};

// fullUrl -> entry resource, and Type/id -> entry resource, built once per Bundle.
struct BundleIndex {
    const nlohmann::json* bundle = nullptr;
    std::string type;
    std::unordered_map<std::string, const nlohmann::json*> by_full_url;
    std::unordered_map<std::string, std::vector<std::pair<std::string, const nlohmann::json*>>>
        by_type_id;                                                     // Type/id -> (fullUrl, resource)
    std::unordered_map<const nlohmann::json*, std::string> full_url_of; // entry resource -> its fullUrl
    struct Entry {
        const nlohmann::json* entry = nullptr;
        const nlohmann::json* resource = nullptr;
        std::string full_url, type, id;
    };
    std::vector<Entry> entries; // in order; entries without a resource too
    // fullUrl (and fullUrl/_history/versionId) -> entry indexes; Type/id (and .../_history/v) -> entry indexes.
    std::unordered_map<std::string, std::vector<std::size_t>> entries_by_url, entries_by_type_id;
    std::unordered_map<const nlohmann::json*, std::size_t> entry_of; // entry resource -> its index
    std::unordered_set<const nlohmann::json*> reported_links;        // references with a bundle finding
};

struct Run {
    const Definitions& definitions;
    const Terminology& terminology;
    const ProfileCache& profiles;
    const fhirpath::Environment& environment;
    RunOnce& once;
    const FhirJson& document;
    const std::string& file;
    bool positions = true;
    bool allow_example_urls = true;
    formats::Diagnostics& out;
    std::unordered_set<std::string> seen; // rule|path|message already reported for this document
    std::vector<std::unique_ptr<BundleIndex>> bundles;
    int depth = 0;
    bool security_checks = false; // strings with embedded HTML tags are errors
    std::map<std::pair<const nlohmann::json*, std::string>, const nlohmann::json*> element_ids{}; // (resource, id)
    const FhirValidationOptions* options = nullptr; // set by FhirValidator::validate
    // bound_displays.cpp: value sets bound to the coded element being walked; codings whose display
    // a bound value set gives; wrong displays decided once the document is walked.
    std::vector<const nlohmann::json*> bound_value_sets{};
    std::unordered_set<const nlohmann::json*> accepted_displays{};
    std::vector<std::pair<const nlohmann::json*, std::string>> deferred_displays{};
    bool deciding_displays = false;

    // Reports once per document and location; `at` gives line:col when the map knows it.
    void report(formats::Severity severity, const std::string& rule, const std::string& message,
                const std::string& path, const nlohmann::json* at);
};

// One value to check against an element definition.
struct Item {
    const nlohmann::json* value = nullptr;  // the JSON value (nullptr when only "_name" exists)
    const nlohmann::json* extras = nullptr; // the "_name" object of a primitive
    std::string type;                       // its FHIR type
    std::string path;                       // FHIRPath location
    const nlohmann::json* anchor = nullptr; // where to report (value, else extras, else the parent)
};

// walker.cpp
// Validates a resource (top level, contained, Bundle entry, Parameters.resource) against its
// base definition, its meta.profile and `extra_profiles`.
void validate_resource(Run& run, const nlohmann::json& resource, ResourceFrame frame,
                       const std::vector<std::string>& extra_profiles);
// Validates `item` against element `index` of `profile`.
void validate_item(Run& run, const CompiledProfile& profile, int index, const Item& item, const ResourceFrame& frame);
// Validates the members of the object `object` against the children of element `index` of `profile`.
void validate_children(Run& run, const CompiledProfile& profile, int index, const nlohmann::json& object,
                       const std::string& path, const ResourceFrame& frame, bool resource_root);

// invariants.cpp
// Evaluates `constraints` on the item; keys in `done` are skipped and added.
void check_invariants(Run& run, const std::vector<Constraint>& constraints, const Item& item,
                      const std::string& definition_path, const ResourceFrame& frame, std::set<std::string>& done);
fhirpath::Value node_of(const Item& item, const std::string& definition_path, const ResourceFrame& frame);

// bindings.cpp
void check_binding(Run& run, const ElementDef& element, const Item& item);
// Codes of known, complete code systems (Coding.system|code) are checked wherever they are.
void check_coding_in_system(Run& run, const nlohmann::json& coding, const std::string& path);

// bound_displays.cpp: while alive, the value set bound to a Coding or CodeableConcept element
// gives its codes' displays too; a display no code system or bound value set gives is reported
// by report_deferred_displays once the document is walked.
class BoundValueSetScope {
public:
    BoundValueSetScope(Run& run, const CompiledProfile& profile, const ElementDef& element, const std::string& type);
    ~BoundValueSetScope();
    BoundValueSetScope(const BoundValueSetScope&) = delete;
    BoundValueSetScope& operator=(const BoundValueSetScope&) = delete;

private:
    Run& m_run;
    bool m_pushed = false;
};
// True when the display check of `coding` is settled here (accepted, or deferred to the end).
bool display_decided_by_binding(Run& run, const nlohmann::json& coding, const std::string& system,
                                const std::string& code, const std::string& display, const std::string& path);
void report_deferred_displays(Run& run);

// questionnaire.cpp
// A Questionnaire's enableWhen links; a QuestionnaireResponse against its Questionnaire.
void check_questionnaire_rules(Run& run, const nlohmann::json& resource, const ResourceFrame& frame);

// measure.cpp (+ measure_report.cpp): a Measure's CQL criteria against its libraries; a
// MeasureReport against its Measure.
void check_measure_rules(Run& run, const nlohmann::json& resource, const ResourceFrame& frame);

// conformance_resources.cpp: the rules for a resource that is itself a conformance resource.
void check_conformance_resource(Run& run, const nlohmann::json& resource, const ResourceFrame& frame);

// fixed_pattern.cpp
void check_fixed_pattern(Run& run, const ElementDef& element, const Item& item);
// True when `value` contains everything `pattern` has (arrays: each pattern item matched by an item).
bool matches_pattern(const nlohmann::json& value, const nlohmann::json& pattern);

// min_max.cpp
// minValue[x] / maxValue[x] (quantities after UCUM conversion; maxValueDuration from now).
void check_min_max(Run& run, const ElementDef& element, const Item& item);

// slicing.cpp
// Assigns the occurrences of a sliced element to its slices, checks slice cardinality and the
// rules, and validates each occurrence against its slice.
void check_slicing(Run& run, const CompiledProfile& profile, int index, const std::vector<Item>& items,
                   const std::string& parent_path, const ResourceFrame& frame);

// profile_choice.cpp
// Validates `item` against the several profiles its type lists, any one sufficing; returns
// true (and empties `urls`) when it did, false when no profile is known.
bool validate_any_profile(Run& run, std::vector<std::string>& urls, const Item& item, const std::string& type,
                          const ResourceFrame& frame, std::set<std::string>& done);
// Of the profiles a resource element's type lists, the first the resource conforms to; all of
// them (after reporting that none matched) when it conforms to none.
std::vector<std::string> choose_resource_profile(Run& run, const nlohmann::json& resource, const ResourceFrame& frame,
                                                 const std::vector<std::string>& urls);

// extensions.cpp
// Validates an Extension value against the definition its url names (when the element's own
// definition is the base Extension).
void check_extension(Run& run, const Item& item, const ResourceFrame& frame, bool modifier);

// extension_context.cpp
// Reports an extension used where its definition's context[] / contextInvariant[] does not allow it.
void check_extension_context(Run& run, const CompiledProfile& definition, const Item& item, const ResourceFrame& frame);

// bundle.cpp
void check_bundle(Run& run, const nlohmann::json& bundle, ResourceFrame& frame);
// References: resolvable targets inside the bundle or contained resources, target profiles.
void check_reference(Run& run, const ElementDef& element, const Item& item, const ResourceFrame& frame);
// bundle_links.cpp: a document's links resolved by the bundle rules, every entry reachable.
void check_document_links(Run& run, BundleIndex& index, const std::string& bundle_path);
// True when `url` looks like a RESTful server URL ([base/]Type/id[/_history/v]).
bool is_restful_url(const Run& run, const std::string& url);
// references.cpp: a relative "Type/id" naming the resource of another parameter of the same
// Parameters; what the options' reference checking asks of a reference `target` (nullptr when
// the document does not hold it).
const nlohmann::json* resolve_in_parameters(const ResourceFrame& frame, const std::string& reference);
void check_reference_policy(Run& run, const ElementDef& element, const Item& item, const std::string& reference,
                            const nlohmann::json* target);
// contained.cpp: dom-3, each contained resource referenced from its container (or referring to it).
void check_contained_referenced(Run& run, const nlohmann::json& resource, const ResourceFrame& frame);
const nlohmann::json* resolve_in_bundle(const BundleIndex& index, const std::string& reference,
                                        const std::string& from_full_url);

// True for the URLs the reference validator treats as examples (example.org, acme.com...).
bool is_example_url(const std::string& url);

// value_control.cpp: rules a constraint profile states in extensions of an element definition
// (mustHaveValue, valueAlternatives; narrative language control; additional bindings).
void check_element_extensions(Run& run, const CompiledProfile& profile, int index, const Item& item,
                              const ResourceFrame& frame);
// The snapshot element of `profile` compiled as element `index`, or nullptr.
const nlohmann::json* element_definition_json(const CompiledProfile& profile, int index);
// narrative_control.cpp: the narrative-language-control extensions of a Narrative element.
void check_narrative_language_control(Run& run, const CompiledProfile& profile, const nlohmann::json& extensions,
                                      const Item& item, const ResourceFrame& frame);
// additional_bindings.cpp: the additional-binding extensions of an ElementDefinition.binding.
void check_additional_bindings(Run& run, const nlohmann::json& binding_extensions, const Item& item);
// implied_profiles.cpp: profiles the specification imposes by content (R4 vital signs).
void add_implied_profiles(Run& run, const nlohmann::json& resource, const ResourceFrame& frame,
                          std::vector<std::string>& profiles);
// The reference validator's correction of the R4 vital signs profiles, applied when compiling.
void relax_vital_signs_component_units(CompiledProfile& profile);
// implied_profiles.cpp: a resolved reference target against the reference's targetProfile(s).
void check_target_profiles(Run& run, const std::vector<std::string>& target_profiles, const nlohmann::json& target,
                           const Item& item, const ResourceFrame& frame);

// paths.cpp
std::string child_path(const std::string& parent, const std::string& name, bool repeats, std::size_t index);

} // namespace healthdoc::fhir::validation
