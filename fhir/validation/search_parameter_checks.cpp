// SearchParameter rules of the reference validator (SearchParameterValidator): a parameter
// derived from another keeps to its base resources, its expression compiles and starts from
// the resources it is defined on, a composite parameter has components.
#include "fhir/fhirpath/errors.hpp"
#include "fhir/fhirpath/expression.hpp"
#include "fhir/validation/conformance_resources.hpp"
#include "fhir/validation/json_members.hpp"

#include <algorithm>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

std::vector<std::string> strings_of(const json& object, const char* key) {
    std::vector<std::string> out;
    if (!object.is_object()) return out;
    auto found = object.find(key);
    if (found == object.end() || !found->is_array()) return out;
    for (const auto& item : *found)
        if (item.is_string()) out.push_back(item.get<std::string>());
    return out;
}

// The identifiers an expression starts its paths from, evaluated on the resource itself
// (function arguments are evaluated on other items and are not followed).
void collect_root_names(const fhirpath::Expr* expr, std::vector<const fhirpath::Expr*>& out, int depth) {
    using Kind = fhirpath::Expr::Kind;
    if (!expr || depth > 200) return;
    switch (expr->kind) {
    case Kind::identifier: out.push_back(expr); break;
    case Kind::member:
    case Kind::indexer:
    case Kind::type_op:
    case Kind::call: collect_root_names(expr->input.get(), out, depth + 1); break;
    case Kind::unary:
    case Kind::binary:
        for (const auto& arg : expr->args) collect_root_names(arg.get(), out, depth + 1);
        break;
    default: break;
    }
}

void check_expression(Run& run, const json& parameter, const std::vector<std::string>& bases, const std::string& path) {
    auto at = parameter.find("expression");
    if (at == parameter.end() || !at->is_string()) return;
    const std::string& text = at->get_ref<const std::string&>();
    fhirpath::Expression expression;
    try {
        expression = fhirpath::parse(text);
    } catch (const fhirpath::FhirPathError& error) {
        run.report(Severity::error, "fhir.conformance.search-expression",
                   "Error in search expression '" + text + "': " + error.what(), path + ".expression", &*at);
        return;
    }
    const fhirpath::TypeProvider& types = run.definitions.types();
    for (const auto& base : bases)
        if (!types.find_type(base)) return; // a base we do not know: nothing to compare with
    if (bases.empty()) return;
    std::vector<const fhirpath::Expr*> names;
    collect_root_names(expression.root(), names, 0);
    for (const auto* name : names) {
        const std::string& identifier = name->name;
        // Elements start in lower case; a capitalised name at the start of a path names a type.
        if (identifier.empty() || !(identifier[0] >= 'A' && identifier[0] <= 'Z')) continue;
        const bool valid = std::any_of(bases.begin(), bases.end(), [&](const std::string& base) {
            return fhirpath::is_type_or_subtype(&types, base, identifier);
        });
        if (valid) continue;
        std::string listed;
        for (const auto& base : bases) listed += (listed.empty() ? "" : ", ") + base;
        run.report(Severity::error, "fhir.conformance.search-expression",
                   "Error in search expression '" + text + "': the name '" + identifier +
                       "' is not valid for any of the possible types: " + listed + ".",
                   path + ".expression", &*at);
        return;
    }
}

} // namespace

void check_search_parameter(Run& run, const json& parameter, const std::string& path) {
    const std::vector<std::string> bases = strings_of(parameter, "base");
    if (const std::string derived_from = text_of(parameter, "derivedFrom"); !derived_from.empty()) {
        const json* parent = run.definitions.find("SearchParameter", derived_from);
        if (!parent && derived_from.find('|') != std::string::npos)
            parent = run.definitions.find("SearchParameter", derived_from.substr(0, derived_from.find('|')));
        if (parent) {
            const std::vector<std::string> parent_bases = strings_of(*parent, "base");
            for (const auto& base : bases)
                if (std::find(parent_bases.begin(), parent_bases.end(), base) == parent_bases.end())
                    run.report(Severity::error, "fhir.conformance.search-derived-base",
                               "The resource type " + base +
                                   " is not listed as a base in the SearchParameter this is derived from (" +
                                   derived_from + ").",
                               path, &parameter);
        }
    }
    check_expression(run, parameter, bases, path);
    if (text_of(parameter, "type") == "composite") {
        auto components = parameter.find("component");
        const std::size_t count = components != parameter.end() && components->is_array() ? components->size() : 0;
        if (count < 2)
            run.report(Severity::error, "fhir.conformance.search-composite-components",
                       "When the SearchParameter has a type of 'composite', then the SearchParameter must define two "
                       "or more components.",
                       path, &parameter);
    }
}

} // namespace healthdoc::fhir::validation
