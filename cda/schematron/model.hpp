// The resolved model of an ISO Schematron schema (ISO/IEC 19757-3), as the loader
// (cda/schematron/loader.hpp) leaves it: every include expanded, abstract patterns instantiated,
// abstract rules merged into the rules that extend them. Expressions stay as strings: evaluating
// them is the XPath engine's job, and this folder must not depend on it (nor on anything above
// cda/). Every element keeps the file:line:col where it is written (an included file, not the
// top-level one).
#pragma once

#include "formats/diagnostic.hpp"

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace healthdoc::cda::schematron {

// One piece of a message (sch:assert, sch:report, sch:diagnostic), in document order. White
// space only text between two elements is not kept: XSLT strips it from the stylesheet the
// reference implementation compiles, so "<value-of/> <value-of/>" prints the two values joined.
struct MessagePart {
    enum class Kind {
        text,     // literal text (`text`), surrounding white space kept as written
        value_of, // sch:value-of: `expression` is @select
        name,     // sch:name: `expression` is @path, "" for the name of the context node
        emph,     // sch:emph, sch:dir, sch:span: literal `text` with a presentation hint
        dir,
        span,
    };
    Kind kind = Kind::text;
    std::string text;
    std::string expression;
};

// sch:let: a variable bound to the value of an expression.
struct Let {
    std::string name; // leading/trailing white space removed (Saxon accepts "name " as a QName)
    std::string value;
    formats::Location where;
};

// sch:assert (fails when `test` is false) or sch:report (fires when `test` is true).
struct Check {
    bool is_report = false;
    std::string test;
    std::string id, role, flag, see, subject, icon, fpi; // "" when absent
    std::vector<MessagePart> message;
    // Ids of Schema::diagnostics this check names, in order; unknown ids were reported and dropped.
    std::vector<std::string> diagnostics;
    // The abstract rule the check is written in when it came through sch:extends ("" when it is
    // written in the rule itself).
    std::string extended_from;
    formats::Location where;
};

// A concrete sch:rule. Its lets are evaluated, in order, before its checks: the rule's own lets
// and those of the abstract rules it extends, in document order with each sch:extends expanded
// where it stands (the order the ISO skeleton emits them).
struct Rule {
    std::string context;
    std::string id, role, flag, see, subject, icon, fpi;
    std::vector<Let> lets;
    std::vector<Check> checks;
    formats::Location where;
};

// A concrete sch:pattern, or an instance of an abstract one (`is_a` set: its lets and rules are
// copies of the abstract pattern's with the parameters substituted, and keep the abstract
// pattern's file:line; `where` is the instance's). Pattern-level lets are global variables in
// the XSLT the ISO skeleton generates, and the ANS packs rely on that: an instance's parameter
// may be `$jdv_x`, a let of another pattern ("variables").
struct Pattern {
    std::string id; // "" when the schema gives none (such a pattern is only active in "#ALL")
    std::string title;
    std::string documents; // ISO 2016 @documents, "" when absent
    std::string is_a;
    std::vector<Let> lets;
    std::vector<Rule> rules;
    formats::Location where;
};

// sch:active: a pattern a phase activates, by id.
struct ActivePattern {
    std::string pattern;
    formats::Location where;
};

// sch:phase: the patterns it activates, as written (an id no pattern has was reported at load).
struct Phase {
    std::string id;
    std::vector<ActivePattern> active;
    std::vector<Let> lets;
    formats::Location where;
};

// sch:diagnostic: a message an assert or report names in its @diagnostics.
struct DiagnosticMessage {
    std::string id;
    std::string role, see, icon, fpi;
    std::vector<MessagePart> message;
    formats::Location where;
};

// An XSLT element (xsl:function, xsl:key, xsl:include...) found in the schema. The model does not
// carry XSLT: the engine must refuse (or warn about) expressions that depend on it.
struct XsltElement {
    std::string name; // local name: "function", "key"...
    formats::Location where;
};

struct Schema {
    std::filesystem::path file; // the top-level .sch as it was named to load_schema()
    // The directory document()/doc() resolve relative URIs against: the top-level file's,
    // whatever file the expression is written in. The ISO include step copies included
    // elements without xml:base, so in the stylesheet the reference run compiles every
    // expression has the top-level schema's base URI, and the ANS packs are written for that
    // (include/.../*.sch say doc('include/voc-...xml') meaning profils/structurationMinimale/include/).
    std::filesystem::path base_uri;
    std::string id, title, query_binding, schema_version, default_phase; // "" when absent
    std::map<std::string, std::string> namespaces;                       // sch:ns, prefix -> URI
    std::vector<Let> lets;                                               // schema-level lets
    std::vector<Pattern> patterns; // concrete patterns in document order (includes expanded)
    std::vector<Phase> phases;
    std::map<std::string, DiagnosticMessage> diagnostics;
    std::vector<XsltElement> xslt;
    std::vector<std::filesystem::path> files; // every file read, the top-level one first
    formats::Location where;                  // the sch:schema element
};

// How big a schema is, for the record.
struct Inventory {
    std::size_t patterns = 0, rules = 0, asserts = 0, reports = 0, lets = 0, phases = 0;
};

// Counts the concrete patterns, rules, asserts, reports and lets (schema, phase, pattern and
// rule level) of `schema`.
Inventory inventory(const Schema& schema);

} // namespace healthdoc::cda::schematron
