// A native XPath 2.0 engine over pugixml documents, namespace-aware, for ISO Schematron with
// queryBinding="xslt2". Compile once (Expression::compile, Pattern::compile), evaluate many
// times from any number of threads: compiled objects are immutable, evaluation state lives on
// the stack. See xpath/README.md for what is supported.
//
//   xpath::StaticContext sc;
//   sc.namespaces["cda"] = "urn:hl7-org:v3";
//   sc.variables = {"jdv"};
//   auto e = xpath::Expression::compile("count(cda:id[@root = $jdv]) = 1", sc);
//   xpath::DocumentIndex index(xml);                 // once per document, before evaluating
//   xpath::Variables vars{{"jdv", {xpath::Atomic::string("1.2.3")}}};
//   xpath::DynamicContext dc;
//   dc.item = pugi::xpath_node(xml.dom());           // the context node
//   dc.variables = &vars;
//   bool ok = e.test(dc);                            // throws xpath::Error
#pragma once

#include "formats/errors.hpp"
#include "xpath/value.hpp"

#include <pugixml.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::formats {
class XmlDocument;
}

namespace healthdoc::xpath {

// Every failure of compilation or evaluation. `code` is the W3C error code (XPST0003 syntax,
// XPST0008 unknown variable, XPST0017 unknown function, XPST0081 unknown prefix, XPTY0004 type,
// FORG0001 cast, FOAR0001 division by zero, FODC0002 document not found, FORX0002 bad regex...)
// or HDXP0001 for the engine's own resource limits (nesting depth, sequence or range size, regex
// time) and HDXP0002 for features left out. `offset` is the byte offset in the expression text
// where the problem was found (static errors), or no_offset. A healthdoc::Error, so one that
// escapes reaches the CLI's single catch with its message.
class Error : public ::healthdoc::Error {
public:
    static constexpr std::size_t no_offset = static_cast<std::size_t>(-1);
    Error(std::string code_, const std::string& message, std::size_t offset_ = no_offset);
    std::string code;
    std::size_t offset;
};

struct StaticContext {
    // prefix -> namespace URI, for name tests, QNames, casts and function names. xml, xs, xsi,
    // fn and err are predeclared unless given here.
    std::map<std::string, std::string> namespaces;
    // Namespace of unprefixed element name tests: "" (none) as XPath and Schematron want.
    std::string default_element_namespace;
    // Base URI for doc()/document() relative paths: the file the expression came from (its
    // folder is used) or a folder ending in '/'. A plain path or a file:// URI.
    std::string base_uri;
    // Names of the variables the caller will bind ($name written without the '$'); any other
    // variable reference is XPST0008 at compile time.
    std::vector<std::string> variables;
};

// Variables bound by the caller, by name as written in the expression (without '$').
using Variables = std::map<std::string, Sequence, std::less<>>;

// Where doc()/document() get their documents. Implementations must be thread-safe: load() is
// called from every evaluating thread. The returned document must stay alive (and be indexed,
// see DocumentIndex) for as long as expressions may return its nodes.
class DocumentProvider {
public:
    virtual ~DocumentProvider() = default;
    // `absolute_path` is a resolved local file path. nullptr when it cannot be read or parsed.
    virtual const formats::XmlDocument* load(const std::string& absolute_path) = 0;
};

class DocumentIndex;

// Reads files with formats::parse_xml (hostile XML refused), keeps each document (and its
// index) for the provider's lifetime, loads each path once even under concurrent calls. Never
// touches the network: only local paths reach it (http:// and others are refused earlier).
class FileDocumentProvider : public DocumentProvider {
public:
    FileDocumentProvider();
    ~FileDocumentProvider() override;
    const formats::XmlDocument* load(const std::string& absolute_path) override;

private:
    struct Entry;
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<Entry>> m_entries;
};

// What the engine needs to know about each node of one document and pugixml does not say:
// namespace URI of elements and attributes (the prefixes resolved once), document order, and
// which attributes are namespace declarations (not attributes in the data model). Built in one
// iterative walk by the constructor; immutable afterwards, so one index serves every thread.
// While it lives it is registered for its document: create one per document before evaluating,
// destroy it before the document. Evaluating over a document without an index still works but
// builds a temporary index for each evaluation (slow).
class DocumentIndex {
public:
    explicit DocumentIndex(const pugi::xml_document& document);
    explicit DocumentIndex(const formats::XmlDocument& document);
    ~DocumentIndex();
    DocumentIndex(const DocumentIndex&) = delete;
    DocumentIndex& operator=(const DocumentIndex&) = delete;

    struct Data;
    const Data& data() const noexcept { return *m_data; }

private:
    std::unique_ptr<Data> m_data;
};

struct DynamicContext {
    // The context item (usually a node; an empty xpath_node means "absent": XPDY0002 when used).
    pugi::xpath_node item;
    // Or an atomic context item (rare: used when `item` is empty and this is set).
    std::optional<Atomic> atomic_item;
    const Variables* variables = nullptr;
    // doc()/document(); nullptr makes every doc() fail with FODC0002 and doc-available false.
    DocumentProvider* documents = nullptr;
    // XSLT current(): the node the Schematron rule fired on; defaults to `item` when empty.
    pugi::xpath_node current;
};

namespace detail {
struct Compiled;
struct CompiledPattern;
} // namespace detail

class Expression {
public:
    // Throws Error (static errors, with the offset) when `text` is not a valid expression for
    // `context`. The context is copied: it need not outlive the expression.
    static Expression compile(std::string_view text, const StaticContext& context);

    Sequence evaluate(const DynamicContext& context) const;
    // Effective boolean value of the result, short-circuiting where it can (schematron assert).
    bool test(const DynamicContext& context) const;
    // Result as a string: items' string values joined by " " (schematron value-of).
    std::string evaluate_string(const DynamicContext& context) const;

    const std::string& text() const noexcept;
    // External variables the expression refers to (to order schematron lets, for instance).
    const std::vector<std::string>& variables_used() const noexcept;

private:
    std::shared_ptr<const detail::Compiled> m_impl;
};

// An XSLT 2.0 match pattern (schematron rule context): unions of path patterns made of child
// and attribute steps joined by / or //, optionally starting with / or //, with predicates:
// "cda:ClinicalDocument", "a/b[c]", "//x", "@attr", "node()", "*", "/", "a | b".
// id() and key() patterns are not supported (HDXP0002).
class Pattern {
public:
    static Pattern compile(std::string_view text, const StaticContext& context);
    bool matches(const pugi::xpath_node& node, const DynamicContext& context) const;

    struct Name {
        std::string uri;
        std::string local;
        bool operator<(const Name& other) const { return uri != other.uri ? uri < other.uri : local < other.local; }
    };
    // For indexing rules by element name: the expanded names of the elements the pattern can
    // match (it matches nothing else), or nullopt when it may match other nodes (wildcards,
    // node(), attributes, "/").
    const std::optional<std::vector<Name>>& element_names() const noexcept;
    const std::string& text() const noexcept;

private:
    std::shared_ptr<const detail::CompiledPattern> m_impl;
};

Sequence evaluate(const Expression& expression, const DynamicContext& context);
// Throws FORG0006 when the EBV is not defined (e.g. a sequence of two atomic values).
bool effective_boolean_value(const Sequence& sequence);
// The string value of a node (concatenated descendant text for elements) or the cast to
// xs:string of an atomic value.
std::string string_value(const Item& item);
// Items' string values joined by " " (as XSLT value-of).
std::string string_value(const Sequence& sequence);

} // namespace healthdoc::xpath
