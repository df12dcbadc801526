#include "fhir/fhirpath/type_provider.hpp"

#include <map>

namespace healthdoc::fhir::fhirpath {

namespace {

// The primitive types and their base types (FHIR R4 StructureDefinitions).
const std::map<std::string, std::string, std::less<>>& primitive_bases() {
    static const std::map<std::string, std::string, std::less<>> table = {
        {"boolean", ""}, {"integer", ""}, {"string", ""}, {"decimal", ""}, {"uri", ""},
        {"base64Binary", ""}, {"instant", ""}, {"date", ""}, {"dateTime", ""}, {"time", ""},
        {"xhtml", ""}, {"code", "string"}, {"id", "string"}, {"markdown", "string"},
        {"url", "uri"}, {"canonical", "uri"}, {"oid", "uri"}, {"uuid", "uri"},
        {"positiveInt", "integer"}, {"unsignedInt", "integer"},
    };
    return table;
}

// R4 data types that may appear as choice suffixes.
const char* const k_complex_types[] = {
    "Address", "Age", "Annotation", "Attachment", "CodeableConcept", "Coding", "ContactPoint", "Count",
    "Distance", "Duration", "HumanName", "Identifier", "Money", "Period", "Quantity", "Range", "Ratio",
    "Reference", "SampledData", "Signature", "Timing", "ContactDetail", "Contributor", "DataRequirement",
    "Expression", "ParameterDefinition", "RelatedArtifact", "TriggerDefinition", "UsageContext", "Dosage",
    "Meta", "Extension", "Narrative", "Element", "BackboneElement", "MarketingStatus", "Population",
    "ProdCharacteristic", "ProductShelfLife", "SubstanceAmount", "MoneyQuantity", "SimpleQuantity"};

} // namespace

bool is_fhir_primitive(std::string_view type) {
    // Called for every value the validator walks: primitive type names start with a lower-case
    // letter, every other type name with a capital, so most calls end at the first character.
    if (type.empty() || type[0] < 'a' || type[0] > 'z') return false;
    return primitive_bases().count(type) != 0;
}

std::string_view system_type_of(std::string_view type) {
    if (type == "boolean") return "Boolean";
    if (type == "integer" || type == "positiveInt" || type == "unsignedInt") return "Integer";
    if (type == "decimal") return "Decimal";
    if (type == "date") return "Date";
    if (type == "dateTime" || type == "instant") return "DateTime";
    if (type == "time") return "Time";
    return "String";
}

std::string choice_suffix_type(std::string_view suffix) {
    if (suffix.empty()) return {};
    std::string lowered(suffix);
    lowered[0] = static_cast<char>(lowered[0] - 'A' + 'a');
    if (suffix[0] >= 'A' && suffix[0] <= 'Z' && is_fhir_primitive(lowered)) return lowered;
    for (const char* name : k_complex_types)
        if (suffix == name) return std::string(suffix);
    return {};
}

bool is_type_or_subtype(const TypeProvider* provider, std::string_view type, std::string_view ancestor) {
    std::string current(type);
    for (int depth = 0; depth < 16 && !current.empty(); ++depth) {
        if (current == ancestor) return true;
        if (provider) {
            if (const TypeInfo* info = provider->find_type(current)) {
                current = info->base;
                continue;
            }
        }
        auto found = primitive_bases().find(current);
        if (found == primitive_bases().end()) return false;
        current = found->second;
    }
    return false;
}

} // namespace healthdoc::fhir::fhirpath
