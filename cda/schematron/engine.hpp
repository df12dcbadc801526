// Runs a loaded Schematron schema (cda/schematron/model.hpp) over XML documents with the native
// XPath 2.0 engine, the way the ISO skeleton's XSLT 2 stylesheet does under Saxon:
//   - each active pattern visits the document node and every element in document order; a node
//     is matched by the first rule of the pattern whose context matches it (rules are indexed by
//     element name, so a node is only tried against the rules that can match it);
//   - schema and pattern lets are global variables, rule lets local ones; both are evaluated when
//     first used (as Saxon does), so a let that cannot be evaluated only costs the checks that
//     need it;
//   - a failed assert or a successful report is a finding with the context node's location
//     ("/ClinicalDocument/component[2]/section": names as written, a position only after a
//     same-named preceding sibling) and its message with value-of and name evaluated.
// A check whose evaluation fails (a document() that cannot be read, a type error...) is "not
// evaluated": counted and reported once per cause, never a finding and never the end of the run.
// Compile once, run over many documents from many threads.
#pragma once

#include "cda/schematron/model.hpp"
#include "formats/diagnostic.hpp"
#include "formats/xml_document.hpp"
#include "xpath/xpath.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::cda::schematron {

// One failed assert or successful report.
struct Finding {
    bool is_report = false;
    std::string id, role, flag, see;
    std::string pattern; // the pattern's id ("" when it has none)
    std::string test;
    std::string location;                 // SVRL location of the context node
    std::string message;                  // the message with value-of and name evaluated, white space folded
    std::vector<std::string> diagnostics; // texts of the diagnostics the check names
    pugi::xml_node node;                  // the context node (for line:col)
    formats::Location written_at;         // where the check is written in the schema
};

struct RunResult {
    std::vector<Finding> findings; // in the order the skeleton reports them (pattern by pattern)
    std::size_t fired_rules = 0;   // rule firings (nodes matched)
    std::size_t checks_run = 0;    // asserts and reports evaluated
    std::size_t not_evaluated = 0; // checks skipped because something they need failed
    formats::Diagnostics problems; // why (cda.schematron.not-evaluated), once per cause
};

struct CompiledSchemaData;

class CompiledSchema {
public:
    // Compiles the patterns `phase` activates ("" = the default phase; see active_patterns) and
    // every global let. An expression that does not compile is reported (error
    // cda.schematron.compile-error at its .sch location) and only what holds it is left out.
    static std::shared_ptr<const CompiledSchema> compile(Schema schema, std::string_view phase,
                                                         formats::Diagnostics& out);
    ~CompiledSchema();

    // Runs over `document` (already parsed; an xpath::DocumentIndex is built for the run).
    // `documents` serves doc()/document() (thread-safe, shared by every run); it may be null.
    RunResult run(const formats::XmlDocument& document, xpath::DocumentProvider* documents) const;

    const Schema& schema() const noexcept;
    const std::string& phase() const noexcept; // the phase run ("" when all patterns run)
    std::size_t pattern_count() const noexcept;
    std::size_t check_count() const noexcept;

private:
    CompiledSchema();
    std::unique_ptr<CompiledSchemaData> m_data;
};

// The SVRL location of a node (ISO skeleton "full path 2"): /name/name[n]/..., n only when a
// preceding sibling has the same name; "/@name" appended for an attribute.
std::string svrl_location(const pugi::xpath_node& node);

} // namespace healthdoc::cda::schematron
