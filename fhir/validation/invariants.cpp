// Invariants: each constraint of an element evaluated with FHIRPath on the value, with
// %resource and %rootResource set as the reference validator sets them. ele-1 and ext-1, which
// hold on almost every value, are checked directly on the JSON (same meaning, no evaluation).
#include "fhir/validation/run.hpp"

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

bool has_member_other_than_id(const json& object) {
    for (auto it = object.begin(); it != object.end(); ++it)
        if (it.key() != "id" && it.key() != "resourceType") return true;
    return false;
}

// ele-1: hasValue() or (children().count() > id.count())
bool element_has_content(const Item& item) {
    if (item.value) {
        if (!item.value->is_object() && !item.value->is_array()) return true;
        if (item.value->is_object() && has_member_other_than_id(*item.value)) return true;
    }
    return item.extras && item.extras->is_object() && has_member_other_than_id(*item.extras);
}

// ext-1: extension.exists() != value.exists()
bool extension_or_value(const Item& item) {
    if (!item.value || !item.value->is_object()) return true;
    bool extension = false, value = false;
    for (auto it = item.value->begin(); it != item.value->end(); ++it) {
        const std::string& key = it.key();
        if (key == "extension")
            extension = true;
        else if (key.size() > 5 && key.compare(0, 5, "value") == 0 && key[5] >= 'A' && key[5] <= 'Z')
            value = true;
    }
    return extension != value;
}

// ref-1: reference.startsWith('#').not() or (reference.substring(1) in %rootResource.contained.id)
// holds at once for every reference that is not local ("#id"): most of them.
bool not_a_local_reference(const Item& item) {
    if (!item.value || !item.value->is_object()) return false;
    auto reference = item.value->find("reference");
    return reference == item.value->end() || !reference->is_string() ||
           reference->get_ref<const std::string&>().rfind('#', 0) != 0;
}

// Whether the object has a member `name` names: itself, its "_name" object or a choice ("valueQuantity").
bool has_member(const json& object, const std::string& name) {
    for (auto it = object.begin(); it != object.end(); ++it) {
        std::string_view key = it.key();
        if (!key.empty() && key[0] == '_') key.remove_prefix(1);
        if (key.size() < name.size() || key.compare(0, name.size(), name) != 0) continue;
        if (key.size() == name.size() || (key[name.size()] >= 'A' && key[name.size()] <= 'Z')) return true;
    }
    return false;
}

// True when the item is an object without any of the members the constraint reads: its result
// is then the constraint's outcome_without_members.
bool lacks_members(const Constraint& constraint, const Item& item) {
    if (!constraint.members || !item.value || !item.value->is_object() || item.extras) return false;
    for (const auto& name : *constraint.members)
        if (has_member(*item.value, name)) return false;
    return true;
}

// True for expressions comparing with <, <=, > or >= and depending on nothing that may be
// unknown offline (terminology, profiles, references outside the document).
bool orders_values(const std::string& expression) {
    for (const char* name : {"memberOf(", "conformsTo(", "resolve(", "htmlChecks", " implies "})
        if (expression.find(name) != std::string::npos) return false;
    for (const char* comparison : {" <= ", " >= ", " < ", " > "})
        if (expression.find(comparison) != std::string::npos) return true;
    return false;
}

} // namespace

fhirpath::Value node_of(const Item& item, const std::string& definition_path, const ResourceFrame& frame) {
    fhirpath::Node node;
    node.value = item.value;
    node.extras = item.extras;
    node.type = item.type;
    node.path = definition_path;
    node.resource = frame.resource;
    node.root = frame.root;
    return fhirpath::Value(std::move(node));
}

void check_invariants(Run& run, const std::vector<Constraint>& constraints, const Item& item,
                      const std::string& definition_path, const ResourceFrame& frame, std::set<std::string>& done) {
    if (constraints.empty()) return;
    std::optional<fhirpath::Collection> context;
    std::optional<fhirpath::Value> resource, root;
    for (const Constraint& constraint : constraints) {
        if (!done.insert(constraint.key).second) continue;
        std::optional<bool> holds;
        if (constraint.key == "ele-1") {
            holds = element_has_content(item);
        } else if (constraint.key == "ext-1" && constraint.expression == "extension.exists() != value.exists()") {
            holds = extension_or_value(item);
        } else if (constraint.key == "ref-1" && not_a_local_reference(item) &&
                   constraint.expression.rfind("reference.startsWith('#').not() or", 0) == 0) {
            holds = true;
        } else if (!constraint.compiled) {
            if (run.once.first("invariant-parse|" + constraint.key))
                run.report(Severity::information, "fhir.invariant.not-evaluated",
                           constraint.key + " was not checked: its expression does not parse (" +
                               constraint.parse_error + ").",
                           item.path, item.anchor);
            continue;
        } else {
            using Outcome = Constraint::Outcome;
            const bool without_members = lacks_members(constraint, item);
            const Outcome known = without_members ? constraint.outcome_without_members->load() : Outcome::unknown;
            try {
                if (known == Outcome::unknown) {
                    if (!context) {
                        context = fhirpath::Collection{node_of(item, definition_path, frame)};
                        resource = fhirpath::resource_node(*frame.resource);
                        std::get<fhirpath::Node>(resource->data).root = frame.root;
                        root = fhirpath::resource_node(*(frame.bundle ? frame.bundle : frame.root));
                    }
                    holds =
                        fhirpath::evaluate_boolean(*constraint.compiled, *context, &*resource, &*root, run.environment);
                    if (without_members)
                        constraint.outcome_without_members->store(!holds   ? Outcome::empty
                                                                  : *holds ? Outcome::is_true
                                                                           : Outcome::is_false);
                } else if (known != Outcome::empty) {
                    holds = known == Outcome::is_true;
                }
            } catch (const std::exception& error) {
                if (run.once.first("invariant-eval|" + constraint.key))
                    run.report(Severity::information, "fhir.invariant.not-evaluated",
                               constraint.key + " could not be evaluated: " + error.what(), item.path, item.anchor);
                continue;
            }
        }
        // An ordering comparison of values with different precisions (per-1: a date against a
        // dateTime) is empty, which the reference validator reads as a failure.
        if (!holds && constraint.compiled && orders_values(constraint.expression)) holds = false;
        if (holds && !*holds)
            run.report(constraint.severity, "fhir.invariant." + constraint.key,
                       constraint.key + ": " + constraint.human, item.path, item.anchor);
    }
}

} // namespace healthdoc::fhir::validation
