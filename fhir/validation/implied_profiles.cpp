// Profiles the FHIR specification imposes on a resource by its content rather than by a claim:
// R4's vital signs (Observation chapter, "Vital Signs"): an Observation whose code is one of the
// vital sign LOINC codes (or their SNOMED CT equivalents) must conform to the matching core
// vital sign profile. The code lists and their order follow the reference validator
// (org.hl7.fhir.validation ObservationValidator): the first group with a matching coding wins.
// Also the profiles a reference's targetProfile imposes on the resource it resolves to (in the
// bundle or the contained resources).
#include "fhir/validation/json_members.hpp"
#include "fhir/validation/run.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

constexpr std::string_view k_loinc = "http://loinc.org";
constexpr std::string_view k_snomed = "http://snomed.info/sct";

struct VitalSignGroup {
    std::string_view system;
    std::string_view profile; // empty: the group matches but names no profile
    std::string_view name;
    std::initializer_list<std::string_view> codes;
};

const std::array<VitalSignGroup, 20>& vital_sign_groups() {
    static const std::array<VitalSignGroup, 20> groups{{
        {k_loinc, "http://hl7.org/fhir/StructureDefinition/vitalspanel", "Vital Signs Panel", {"85353-1"}},
        {k_loinc,
         "http://hl7.org/fhir/StructureDefinition/resprate",
         "Respiratory Rate",
         {"9279-1", "76170-0", "76172-6", "76171-8", "19840-8", "33438-3", "76270-8", "11291-2"}},
        {k_loinc,
         "http://hl7.org/fhir/StructureDefinition/heartrate",
         "Heart rate",
         {"60978-4", "73795-7", "73799-9", "76476-1", "76477-9", "8867-4", "8889-8", "8890-6", "8891-4", "8892-2",
          "8893-0", "40443-4", "55425-3", "68999-2", "11328-2", "69000-8", "8886-4"}},
        {k_loinc,
         "http://hl7.org/fhir/StructureDefinition/oxygensat",
         "Oxygen saturation",
         {"2708-6", "19224-5", "20564-1", "2709-4", "2710-2", "2711-0", "2713-6", "51733-4", "59408-5", "59417-6",
          "89276-0", "97549-0"}},
        {k_loinc,
         "http://hl7.org/fhir/StructureDefinition/bodytemp",
         "Body temperature",
         {"8310-5",  "60834-9", "60835-6", "60836-4", "60838-0", "60955-2", "61009-7", "75539-7",
          "75987-8", "76010-8", "76011-6", "76278-1", "8309-7",  "8328-7",  "8329-5",  "8330-3",
          "8331-1",  "8332-9",  "8333-7",  "8334-5",  "91371-5", "98657-0", "98663-8"}},
        {k_loinc,
         "http://hl7.org/fhir/StructureDefinition/bodyheight",
         "Body height",
         {"8302-2", "3137-7", "3138-5", "8306-3", "8308-9"}},
        {k_loinc, "http://hl7.org/fhir/StructureDefinition/headcircum", "Head circumference", {"9843-4", "8287-5"}},
        {k_loinc,
         "http://hl7.org/fhir/StructureDefinition/bodyweight",
         "Body weight",
         {"29463-7", "3141-9", "3142-7", "75292-3", "79348-9", "8350-1", "8351-9"}},
        {k_loinc, "http://hl7.org/fhir/StructureDefinition/bmi", "Body mass index", {"39156-5", "59574-4", "89270-3"}},
        {k_loinc,
         "http://hl7.org/fhir/StructureDefinition/bp",
         "Blood pressure systolic and diastolic",
         {"85354-9", "35094-2", "8459-0", "76534-7", "55284-4", "8480-6"}},
        {k_snomed, "http://hl7.org/fhir/StructureDefinition/vitalspanel", "Vital Signs Panel", {"46680005"}},
        // The reference validator names no loadable profile for these respiratory rate codes
        // (it passes a title where the URL goes), so they end the search without a profile.
        {k_snomed, "", "Respiratory Rate", {"86290005", "271625008", "271306003"}},
        {k_snomed,
         "http://hl7.org/fhir/StructureDefinition/heartrate",
         "Heart rate",
         {"271306003", "249043002", "444981005", "399017001", "251670001", "429525003", "429614003"}},
        {k_snomed,
         "http://hl7.org/fhir/StructureDefinition/oxygensat",
         "Oxygen saturation",
         {"103228002", "442349007", "442476006", "442440005", "431314004", "442734002", "713194001"}},
        {k_snomed,
         "http://hl7.org/fhir/StructureDefinition/bodytemp",
         "Body temperature",
         {"386725007", "276885007", "300076005", "1222808002", "364246006", "307047009", "708499008", "431598003",
          "698831002", "698832009", "415882003", "415974002", "415929009", "415945006"}},
        {k_snomed,
         "http://hl7.org/fhir/StructureDefinition/bodyheight",
         "Body height",
         {"1153637007", "1162419008", "50373000", "1162418000", "1230278008", "1162392001", "1162417005"}},
        {k_snomed,
         "http://hl7.org/fhir/StructureDefinition/headcircum",
         "Head circumference",
         {"363812007", "169876006", "1269262007", "363811000"}},
        {k_snomed,
         "http://hl7.org/fhir/StructureDefinition/bodyweight",
         "Body weight",
         {"363811000", "60621009", "735395000", "425024002", "424927000", "784399000", "1162416001", "1162415002"}},
        {k_snomed, "http://hl7.org/fhir/StructureDefinition/bmi", "Body mass index", {"60621009"}},
        {k_snomed,
         "http://hl7.org/fhir/StructureDefinition/bp",
         "Blood pressure systolic and diastolic",
         {"75367002", "251076008", "163033001", "163035008", "386534000", "386536003", "271649006", "271650006",
          "407556006", "407554009", "716579001", "399304008"}},
    }};
    return groups;
}

// The first coding of `codings` in the group's system with one of its codes, or "".
std::string matching_code(const json& codings, const VitalSignGroup& group) {
    for (const auto& coding : codings) {
        if (text_of(coding, "system") != group.system) continue;
        const std::string code = text_of(coding, "code");
        if (std::find(group.codes.begin(), group.codes.end(), code) != group.codes.end()) return code;
    }
    return {};
}

} // namespace

void add_implied_profiles(Run& run, const json& resource, const ResourceFrame& frame,
                          std::vector<std::string>& profiles) {
    if (text_of(resource, "resourceType") != "Observation") return;
    auto code = resource.find("code");
    if (code == resource.end() || !code->is_object()) return;
    auto codings = code->find("coding");
    if (codings == code->end() || !codings->is_array()) return;
    for (const auto& group : vital_sign_groups()) {
        const std::string found = matching_code(*codings, group);
        if (found.empty()) continue;
        if (group.profile.empty()) return;
        run.report(Severity::information, "fhir.profile.vital-signs",
                   "The Observation is validated against the " + std::string(group.name) + " profile (" +
                       std::string(group.profile) + ") which the FHIR specification requires for the " +
                       (group.system == k_loinc ? "LOINC" : "SNOMED CT") + " code " + found + ".",
                   frame.path, &resource);
        profiles.emplace_back(group.profile);
        return;
    }
}

void relax_vital_signs_component_units(CompiledProfile& profile) {
    // The R4 vital signs profiles bind every component value to the vital sign units, which the
    // reference validator's loader backs off to extensible (the published binding wrongly
    // applies to all the types of Observation.component.value[x]).
    constexpr std::string_view vital_signs = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
    if (profile.type != "Observation" || !profile.definition) return;
    if (profile.url.rfind("http://hl7.org/fhir/StructureDefinition/", 0) != 0) return;
    if (text_of(*profile.definition, "version") != "4.0.1") return;
    if (profile.url != vital_signs && text_of(*profile.definition, "baseDefinition") != vital_signs) return;
    for (auto& element : profile.elements)
        if (element.path == "Observation.component.value[x]" && element.binding &&
            element.binding->value_set == "http://hl7.org/fhir/ValueSet/ucum-vitals-common|4.0.1")
            element.binding->strength = "extensible";
}

void check_target_profiles(Run& run, const std::vector<std::string>& target_profiles, const json& target,
                           const Item& item, const ResourceFrame& frame) {
    // Targets reference further targets: a few levels say whether a resource conforms, and
    // bound the work on reference cycles.
    constexpr int max_nesting = 2;
    thread_local int nesting = 0;
    if (nesting >= max_nesting) return;
    const std::string type = text_of(target, "resourceType");
    std::vector<std::string> candidates;
    for (const auto& url : target_profiles) {
        auto profile = run.profiles.get(url);
        if (!profile) return; // an unknown profile is not held against the target
        if (profile->type == "Resource" || profile->type == "DomainResource") return;
        if (profile->type != type) continue;
        if (profile->derivation != "constraint") return; // the base definition: any resource of the type
        candidates.push_back(url);
    }
    if (candidates.empty()) return;
    struct Nesting {
        int& level;
        explicit Nesting(int& l) : level(l) { ++level; }
        ~Nesting() { --level; }
    } guard(nesting);
    for (const auto& url : candidates) {
        formats::Diagnostics scratch;
        Run trial{run.definitions, run.terminology, run.profiles,           run.environment, run.once, run.document,
                  run.file,        false,           run.allow_example_urls, scratch,         {},       {},
                  run.depth};
        ResourceFrame inner;
        inner.resource = &target;
        inner.root = frame.resource && frame.root != &target && item.value &&
                             text_of(*item.value, "reference").rfind('#', 0) == 0
                         ? frame.root
                         : &target;
        inner.bundle = frame.bundle;
        inner.bundle_index = frame.bundle_index;
        inner.path = type;
        validate_resource(trial, target, inner, {url});
        if (!scratch.has_at_least(Severity::error)) return;
    }
    std::string names;
    for (const auto& url : candidates) names += (names.empty() ? "" : ", ") + url;
    run.report(Severity::error, "fhir.reference.target-profile",
               "The resource the reference points to conforms to none of its target profiles (" + names + ").",
               item.path, item.anchor);
}

} // namespace healthdoc::fhir::validation
