// What the FHIRPath engine (and the FHIR validator and the XML<->JSON converter) need to know
// about FHIR types: each type's kind and base type, and each element's types, cardinality
// and choice/contentReference nature. An interface, so that definitions can come from a
// package (PackageTypeProvider) or from anything else; the engine also runs without one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::fhir::fhirpath {

enum class TypeKind { primitive, complex, resource, logical };

// One FHIR type (a StructureDefinition of derivation "specialization").
struct TypeInfo {
    std::string name;         // "Patient", "HumanName", "string"
    TypeKind kind = TypeKind::complex;
    std::string base;         // base type name ("DomainResource", "string" for code); empty at the root
    bool is_abstract = false;
};

// One element of a type's snapshot.
struct ElementInfo {
    std::string path;                // "Patient.contact.name"; choice elements without "[x]": "Observation.value"
    std::vector<std::string> types;  // type codes in order ("HumanName", "string", "BackboneElement")
    std::vector<std::string> target_profiles; // of Reference/canonical types, all types merged
    std::string content_reference;   // "Questionnaire.item" when the element reuses that definition
    int min = 0;
    std::string max = "*";           // as in the snapshot ("1", "*", "0")
    bool is_array = false;           // the base definition allows more than one (JSON arrays)
    bool is_choice = false;          // "[x]" element
    bool is_modifier = false;
    bool is_summary = false;
};

class TypeProvider {
public:
    virtual ~TypeProvider() = default;
    // The type named `name` (case-sensitive); nullptr when unknown. Thread-safe.
    virtual const TypeInfo* find_type(std::string_view name) const = 0;
    // The element at `path` ("Patient.contact.name", "HumanName.given"); nullptr when unknown.
    // Thread-safe; returned pointers stay valid as long as the provider lives.
    virtual const ElementInfo* find_element(std::string_view path) const = 0;
};

// True when `type` is `ancestor` or derives from it (code -> string, Age -> Quantity,
// Patient -> DomainResource -> Resource). Uses `provider` when given, otherwise a built-in
// table of the primitive types' bases.
bool is_type_or_subtype(const TypeProvider* provider, std::string_view type, std::string_view ancestor);

// True for FHIR primitive type names ("string", "dateTime", "positiveInt", "xhtml"...).
bool is_fhir_primitive(std::string_view type);

// The FHIRPath System type a FHIR primitive maps to ("Boolean", "Integer", "Decimal",
// "String", "Date", "DateTime", "Time"); "String" for unknown names.
std::string_view system_type_of(std::string_view fhir_primitive);

// The FHIR type named by a choice suffix ("Quantity" -> "Quantity", "DateTime" -> "dateTime",
// "String" -> "string"); empty when `suffix` names no R4 data type.
std::string choice_suffix_type(std::string_view suffix);

} // namespace healthdoc::fhir::fhirpath
