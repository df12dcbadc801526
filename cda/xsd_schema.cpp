#include "cda/xsd_schema.hpp"

#include "cda/xsd_messages.hpp"
#include "formats/errors.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <algorithm>
#include <mutex>
#include <string_view>
#include <vector>

namespace healthdoc::cda {
namespace {

xmlExternalEntityLoader g_default_loader = nullptr;

// Schemas include and import other schemas by relative path; documents never get this far
// with a DOCTYPE. Anything that is not a local file is refused, so compiling or validating
// never touches the network.
xmlParserInputPtr local_only_loader(const char* url, const char* id, xmlParserCtxtPtr context) {
    std::string_view u = url ? url : "";
    if (u.find("://") != std::string_view::npos && u.rfind("file://", 0) != 0) return nullptr;
    return g_default_loader(url, id, context);
}

void init_libxml2() {
    static std::once_flag once;
    std::call_once(once, [] {
        xmlInitParser();
        g_default_loader = xmlGetExternalEntityLoader();
        xmlSetExternalEntityLoader(local_only_loader);
    });
}

void ignore_errors(void*, xmlErrorPtr) {}

struct SchemaErrors {
    std::vector<std::string> messages;
};

void collect_schema_error(void* user, xmlErrorPtr error) {
    if (error && error->level >= XML_ERR_ERROR && error->message) {
        std::string where = error->file ? std::string(error->file) + ":" + std::to_string(error->line) + ": " : "";
        static_cast<SchemaErrors*>(user)->messages.push_back(where + error->message);
    }
}

// Walks from a libxml2 node up to the root, noting each element's index among its element
// siblings, then follows the same indices down pugixml's tree: both parsed the same text, so
// the pugixml node gives the exact line:col of the start tag (libxml2 only knows a line).
pugi::xml_node to_pugi(xmlNodePtr node, const formats::XmlDocument& document) {
    std::vector<std::size_t> indices;
    for (xmlNodePtr n = node; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        std::size_t index = 0;
        for (xmlNodePtr s = n->prev; s; s = s->prev)
            if (s->type == XML_ELEMENT_NODE) ++index;
        indices.push_back(index);
    }
    if (indices.empty()) return {};
    indices.pop_back(); // the document element itself
    pugi::xml_node current = document.root();
    for (auto it = indices.rbegin(); it != indices.rend() && current; ++it) {
        std::size_t wanted = *it;
        pugi::xml_node child = current.first_child();
        for (; child; child = child.next_sibling()) {
            if (child.type() != pugi::node_element) continue;
            if (wanted == 0) break;
            --wanted;
        }
        current = child;
    }
    return current;
}

struct ValidationRun {
    const formats::XmlDocument* document;
    formats::Diagnostics* out;
};

void report_validity_error(void* user, xmlErrorPtr error) {
    if (!error || error->level < XML_ERR_ERROR) return;
    auto* run = static_cast<ValidationRun*>(user);
    auto finding = rewrite_xsd_message(error->message ? error->message : "schema violation");
    formats::Location location{run->document->file(), static_cast<std::size_t>(error->line > 0 ? error->line : 0), 0, ""};
    auto* node = static_cast<xmlNodePtr>(error->node);
    const char* attribute_name = nullptr;
    if (node && node->type == XML_ATTRIBUTE_NODE) {
        attribute_name = reinterpret_cast<const char*>(node->name);
        node = node->parent;
    }
    if (node && node->type == XML_ELEMENT_NODE) {
        if (auto element = to_pugi(node, *run->document)) {
            if (attribute_name) {
                pugi::xml_attribute match;
                for (auto a : element.attributes())
                    if (formats::XmlDocument::local_name(a.name()) == attribute_name) match = a;
                location = match ? run->document->location_of(element, match) : run->document->location_of(element);
            } else {
                location = run->document->location_of(element);
            }
        }
    }
    run->out->report(formats::Severity::error, std::move(finding.rule), std::move(finding.message), std::move(location));
}

} // namespace

std::unique_ptr<XsdSchema> XsdSchema::load(const std::filesystem::path& path) {
    init_libxml2();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw UsageError(path.string() + ": no such schema file");
    SchemaErrors errors;
    xmlSetStructuredErrorFunc(&errors, collect_schema_error);
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
    xmlSchemaSetParserStructuredErrors(parser, collect_schema_error, &errors);
    xmlSchemaPtr schema = parser ? xmlSchemaParse(parser) : nullptr;
    xmlSchemaFreeParserCtxt(parser);
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    if (!schema) {
        std::string reason = errors.messages.empty() ? "it is not a valid XML schema" : errors.messages.front();
        while (!reason.empty() && reason.back() == '\n') reason.pop_back();
        throw UsageError(path.string() + ": the schema cannot be compiled: " + reason);
    }
    auto result = std::unique_ptr<XsdSchema>(new XsdSchema());
    result->m_path = path;
    result->m_schema = schema;
    return result;
}

XsdSchema::~XsdSchema() { xmlSchemaFree(static_cast<xmlSchemaPtr>(m_schema)); }

namespace {

void count_error(void* user, xmlErrorPtr error) {
    if (error && error->level >= XML_ERR_ERROR) ++*static_cast<int*>(user);
}

// Validates while parsing, through an empty SAX handler: no tree is built, which halves the
// cost for the common case of a valid document. Returns the number of errors seen.
int count_errors_streaming(xmlSchemaPtr schema, std::string_view text) {
    int errors = 0;
    xmlSchemaValidCtxtPtr context = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(context, count_error, &errors);
    xmlParserInputBufferPtr input =
        xmlParserInputBufferCreateMem(text.data(), static_cast<int>(text.size()), XML_CHAR_ENCODING_NONE);
    xmlSAXHandler sax{};
    sax.initialized = XML_SAX2_MAGIC;
    xmlSetStructuredErrorFunc(nullptr, ignore_errors);
    // Takes ownership of `input`.
    int status = input ? xmlSchemaValidateStream(context, input, XML_CHAR_ENCODING_NONE, &sax, nullptr) : -1;
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    xmlSchemaFreeValidCtxt(context);
    return status == 0 ? errors : std::max(errors, 1);
}

} // namespace

void XsdSchema::validate(const formats::XmlDocument& document, const pugi::xml_node& root,
                         formats::Diagnostics& out) const {
    init_libxml2();
    auto schema = static_cast<xmlSchemaPtr>(m_schema);
    auto text = document.text();
    if (root == document.root() && count_errors_streaming(schema, text) == 0) return;

    // Errors (or an embedded ClinicalDocument): validate again on a tree, whose nodes map back
    // to pugixml's for exact line:col. Syntax problems were already reported from pugixml's
    // parse, with better messages, so libxml2's own are silenced. No NOENT, no DTDLOAD:
    // entities are never expanded, nothing is fetched.
    xmlSetStructuredErrorFunc(nullptr, ignore_errors);
    xmlDocPtr doc = xmlReadMemory(text.data(), static_cast<int>(text.size()), document.file().c_str(), nullptr,
                                  XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    if (!doc) return;

    ValidationRun run{&document, &out};
    xmlSchemaValidCtxtPtr context = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(context, report_validity_error, &run);
    if (root == document.root()) {
        xmlSchemaValidateDoc(context, doc);
    } else {
        // The ClinicalDocument inside an auto-presentable stylesheet: find the same element in
        // libxml2's tree by following pugixml's element indices.
        std::vector<std::size_t> indices;
        for (pugi::xml_node n = root; n && n != document.root(); n = n.parent()) {
            std::size_t index = 0;
            for (pugi::xml_node s = n.previous_sibling(); s; s = s.previous_sibling())
                if (s.type() == pugi::node_element) ++index;
            indices.push_back(index);
        }
        xmlNodePtr current = xmlDocGetRootElement(doc);
        for (auto it = indices.rbegin(); it != indices.rend() && current; ++it) {
            std::size_t wanted = *it;
            xmlNodePtr child = current->children;
            for (; child; child = child->next) {
                if (child->type != XML_ELEMENT_NODE) continue;
                if (wanted == 0) break;
                --wanted;
            }
            current = child;
        }
        if (current) xmlSchemaValidateOneElement(context, current);
    }
    xmlSchemaFreeValidCtxt(context);
    xmlFreeDoc(doc);
}

} // namespace healthdoc::cda
