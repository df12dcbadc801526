// The parsed form of a FHIRPath expression (abstract syntax tree) and parse(). An Expression
// is immutable and cheap to copy; parse once, evaluate many times (also from several threads).
#pragma once

#include "fhir/fhirpath/value.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::fhir::fhirpath {

struct FunctionSpec;

struct Expr {
    enum class Kind {
        literal,     // `value` (an empty collection when `is_empty`)
        identifier,  // `name` at the start of a path: element of $this, or $this's type name
        member,      // `input`.`name`
        call,        // [`input`.]`name`(`args`...)
        indexer,     // `input`[`args[0]`]
        unary,       // `name` ("+" or "-") applied to `args[0]`
        binary,      // `args[0]` `name` `args[1]` (name: "and", "=", "|", "div"...)
        type_op,     // `input` is|as `type_name` (name: "is"/"as")
        this_value,  // $this
        index_value, // $index
        total_value, // $total
        variable,    // %`name`
    };
    Kind kind = Kind::literal;
    std::size_t position = 0;
    std::string name;
    Value value;
    bool is_empty = false;
    std::string type_name; // qualified as written: "Quantity", "FHIR.Patient", "System.Boolean"
    int height = 1;        // levels of the subtree (bounded by the parser)
    // For calls: the function `name` names, looked up once by the parser (nullptr when unknown,
    // which evaluation reports).
    const FunctionSpec* function = nullptr;
    std::unique_ptr<Expr> input;
    std::vector<std::unique_ptr<Expr>> args;
};

class Expression {
public:
    Expression() = default;
    Expression(std::shared_ptr<const Expr> root, std::string text) : m_root(std::move(root)), m_text(std::move(text)) {}
    // The tree; nullptr for a default-constructed Expression.
    const Expr* root() const noexcept { return m_root.get(); }
    // The text it was parsed from.
    const std::string& text() const noexcept { return m_text; }

private:
    std::shared_ptr<const Expr> m_root;
    std::string m_text;
};

// Parses FHIRPath text. Throws FhirPathError(syntax) with the offending position on any
// error, including trees deeper than 400 levels and expressions over 1 MB.
Expression parse(std::string_view text);

} // namespace healthdoc::fhir::fhirpath
