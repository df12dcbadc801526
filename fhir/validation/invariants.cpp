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
        const std::string rule = "fhir.invariant." + constraint.key;
        std::optional<bool> holds;
        if (constraint.key == "ele-1") {
            holds = element_has_content(item);
        } else if (constraint.key == "ext-1" && constraint.expression == "extension.exists() != value.exists()") {
            holds = extension_or_value(item);
        } else if (!constraint.compiled) {
            if (run.once.first("invariant-parse|" + constraint.key))
                run.report(Severity::information, "fhir.invariant.not-evaluated",
                           constraint.key + " was not checked: its expression does not parse (" +
                               constraint.parse_error + ").",
                           item.path, item.anchor);
            continue;
        } else {
            if (!context) {
                context = fhirpath::Collection{node_of(item, definition_path, frame)};
                resource = fhirpath::resource_node(*frame.resource);
                std::get<fhirpath::Node>(resource->data).root = frame.root;
                root = fhirpath::resource_node(*(frame.bundle ? frame.bundle : frame.root));
            }
            try {
                holds = fhirpath::evaluate_boolean(*constraint.compiled, *context, &*resource, &*root, run.environment);
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
            run.report(constraint.severity, rule, constraint.key + ": " + constraint.human, item.path, item.anchor);
    }
}

} // namespace healthdoc::fhir::validation
