#include "cda/xsd_schema.hpp"

#include "cda/xsd_messages.hpp"
#include "formats/errors.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <string_view>
#include <vector>

namespace healthdoc::cda {
namespace {

xmlExternalEntityLoader g_default_loader = nullptr;
// The last URL the loader refused on this thread, so the compile error can say why.
thread_local std::string t_refused_url;

// True for "http://...", "ftp:..." and other URLs with a scheme, but not for "file:" URLs nor
// Windows drive letters ("C:\\...").
bool is_remote(std::string_view url) {
    auto colon = url.find(':');
    if (colon == std::string_view::npos || colon < 2) return false;
    auto scheme = url.substr(0, colon);
    if (!std::isalpha(static_cast<unsigned char>(scheme.front()))) return false;
    for (char c : scheme)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
    std::string lower(scheme);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower != "file";
}

// Schemas include and import other schemas by relative path; documents never reach libxml2's
// parser (pugixml parses them and refuses any DOCTYPE). Anything that is not a local file is
// refused, so compiling or validating never touches the network.
xmlParserInputPtr local_only_loader(const char* url, const char* id, xmlParserCtxtPtr context) {
    if (url && is_remote(url)) {
        t_refused_url = url;
        return nullptr;
    }
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

struct SchemaErrors {
    std::vector<std::string> messages;
};

void collect_schema_error(void* user, xmlErrorPtr error) {
    if (error && error->level >= XML_ERR_ERROR && error->message) {
        std::string where = error->file ? std::string(error->file) + ":" + std::to_string(error->line) + ": " : "";
        static_cast<SchemaErrors*>(user)->messages.push_back(where + error->message);
    }
}

std::shared_ptr<void> compile(const std::filesystem::path& path) {
    SchemaErrors errors;
    t_refused_url.clear();
    xmlSetStructuredErrorFunc(&errors, collect_schema_error);
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
    if (parser) xmlSchemaSetParserStructuredErrors(parser, collect_schema_error, &errors);
    xmlSchemaPtr schema = parser ? xmlSchemaParse(parser) : nullptr;
    xmlSchemaFreeParserCtxt(parser);
    xmlSetStructuredErrorFunc(nullptr, nullptr);
    if (!t_refused_url.empty()) {
        xmlSchemaFree(schema);
        throw UsageError(path.string() + ": the schema refers to " + t_refused_url +
                         ", and healthdoc never fetches schemas over the network; save that file next to the "
                         "schema and refer to it by a relative path");
    }
    if (!schema) {
        std::string reason = errors.messages.empty() ? "it is not a valid XML schema" : errors.messages.front();
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
        throw UsageError(path.string() + ": the schema cannot be compiled: " + reason);
    }
    return std::shared_ptr<void>(schema, [](void* p) { xmlSchemaFree(static_cast<xmlSchemaPtr>(p)); });
}

// Compiled schemas are kept for the life of the process, keyed by file and modification time:
// compiling CDA_extended.xsd is the most expensive step of a small run and freeing it costs a
// third as much again, and a test binary or the sandbox server that builds several validators
// over one schema then compiles it once. The registry is never destroyed, on purpose.
std::shared_ptr<void> compiled(const std::filesystem::path& path) {
    static auto* mutex = new std::mutex;
    static auto* registry = new std::map<std::string, std::pair<std::filesystem::file_time_type, std::shared_ptr<void>>>;
    std::error_code ec;
    auto key = std::filesystem::weakly_canonical(path, ec).string();
    if (ec) key = path.string();
    auto modified = std::filesystem::last_write_time(path, ec);
    std::lock_guard lock(*mutex);
    auto found = registry->find(key);
    if (found != registry->end() && found->second.first == modified) return found->second.second;
    auto schema = compile(path);
    (*registry)[key] = {modified, schema};
    return schema;
}

} // namespace

std::unique_ptr<XsdSchema> XsdSchema::load(const std::filesystem::path& path) {
    init_libxml2();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw UsageError(path.string() + ": no such schema file");
    auto result = std::unique_ptr<XsdSchema>(new XsdSchema());
    result->m_path = path;
    result->m_schema = compiled(path);
    return result;
}

XsdSchema::~XsdSchema() = default;

namespace {

// Feeds pugixml's tree to libxml2's schema validator as SAX2 events (xmlSchemaSAXPlug), so
// the document is parsed once, and every finding is raised while the element it concerns is
// the current one: its location is exact without any mapping.
class SaxFeeder {
public:
    SaxFeeder(xmlSchemaPtr schema, const formats::XmlDocument& document, formats::Diagnostics& out)
        : m_document(document), m_out(out) {
        m_context = xmlSchemaNewValidCtxt(schema);
        if (!m_context) throw std::bad_alloc();
        xmlSchemaSetValidStructuredErrors(m_context, on_error, this);
        m_sax = &m_empty_sax;
        m_empty_sax.initialized = XML_SAX2_MAGIC;
        m_user = nullptr;
        m_plug = xmlSchemaSAXPlug(m_context, &m_sax, &m_user);
    }
    ~SaxFeeder() {
        if (m_plug) xmlSchemaSAXUnplug(m_plug);
        xmlSchemaFreeValidCtxt(m_context);
    }
    SaxFeeder(const SaxFeeder&) = delete;
    SaxFeeder& operator=(const SaxFeeder&) = delete;

    void run(const pugi::xml_node& root) {
        if (!m_plug) return;
        // Namespace declarations in scope above the validated element (auto-presentable case).
        std::vector<pugi::xml_node> ancestors;
        for (auto a = root.parent(); a && a.type() == pugi::node_element; a = a.parent()) ancestors.push_back(a);
        for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) declare(*it, nullptr);
        m_inherited = m_bindings.size();
        walk(root);
    }

private:
    static std::string_view prefix_of(const char* qname) {
        std::string_view q(qname);
        auto colon = q.find(':');
        return colon == std::string_view::npos ? std::string_view() : q.substr(0, colon);
    }

    // Records the xmlns declarations of `element`; fills `declared` (prefix, URI pairs) for SAX.
    void declare(const pugi::xml_node& element, std::vector<const xmlChar*>* declared) {
        for (auto a : element.attributes()) {
            std::string_view name(a.name());
            if (name == "xmlns" || name.rfind("xmlns:", 0) == 0) {
                const char* prefix = name.size() > 6 ? a.name() + 6 : nullptr;
                m_bindings.emplace_back(prefix ? std::string_view(prefix) : std::string_view(), a.value());
                if (declared) {
                    declared->push_back(reinterpret_cast<const xmlChar*>(prefix));
                    declared->push_back(reinterpret_cast<const xmlChar*>(a.value()));
                }
            }
        }
    }

    const char* resolve(std::string_view prefix) const {
        for (auto it = m_bindings.rbegin(); it != m_bindings.rend(); ++it)
            if (it->first == prefix) return it->second.empty() ? nullptr : it->second.data();
        if (prefix == "xml") return "http://www.w3.org/XML/1998/namespace";
        return nullptr;
    }

    void start(const pugi::xml_node& element) {
        m_current = element;
        auto& declared = m_declared;
        declared.clear();
        // The validator resolves xsi:type QNames only through the declarations it is given, so
        // the first element also carries those inherited from the stylesheet around it.
        auto inherited = m_inherited;
        m_inherited = 0;
        declare(element, &declared);
        for (std::size_t i = inherited; i-- > 0;) {
            const auto& [prefix, uri] = m_bindings[i];
            bool shadowed = false;
            for (std::size_t j = i + 1; j < m_bindings.size() && !shadowed; ++j) shadowed = m_bindings[j].first == prefix;
            if (shadowed) continue;
            declared.push_back(prefix.empty() ? nullptr : reinterpret_cast<const xmlChar*>(prefix.data()));
            declared.push_back(reinterpret_cast<const xmlChar*>(uri.data()));
        }
        auto& attributes = m_attributes;
        attributes.clear();
        for (auto a : element.attributes()) {
            std::string_view name(a.name());
            if (name == "xmlns" || name.rfind("xmlns:", 0) == 0) continue;
            auto prefix = prefix_of(a.name());
            const char* local = prefix.empty() ? a.name() : a.name() + prefix.size() + 1;
            const char* uri = prefix.empty() ? nullptr : resolve(prefix);
            const char* value = a.value();
            attributes.push_back(reinterpret_cast<const xmlChar*>(local));
            attributes.push_back(nullptr); // prefix: unused by the validator
            attributes.push_back(reinterpret_cast<const xmlChar*>(uri));
            attributes.push_back(reinterpret_cast<const xmlChar*>(value));
            attributes.push_back(reinterpret_cast<const xmlChar*>(value + std::strlen(value)));
        }
        auto prefix = prefix_of(element.name());
        const char* local = prefix.empty() ? element.name() : element.name() + prefix.size() + 1;
        m_sax->startElementNs(m_user, reinterpret_cast<const xmlChar*>(local), nullptr,
                              reinterpret_cast<const xmlChar*>(resolve(prefix)), static_cast<int>(declared.size() / 2),
                              declared.data(), static_cast<int>(attributes.size() / 5), 0, attributes.data());
    }

    void end(const pugi::xml_node& element) {
        m_current = element;
        auto prefix = prefix_of(element.name());
        const char* local = prefix.empty() ? element.name() : element.name() + prefix.size() + 1;
        m_sax->endElementNs(m_user, reinterpret_cast<const xmlChar*>(local), nullptr,
                            reinterpret_cast<const xmlChar*>(resolve(prefix)));
    }

    void text(const pugi::xml_node& node) {
        const char* value = node.value();
        m_current = node.parent();
        m_sax->characters(m_user, reinterpret_cast<const xmlChar*>(value), static_cast<int>(std::strlen(value)));
    }

    // Iterative depth-first walk along pugixml's sibling links: deep documents cannot exhaust
    // the stack, and nothing is allocated per node. Comments and processing instructions are
    // not schema content.
    void walk(const pugi::xml_node& root) {
        m_scopes.clear();
        pugi::xml_node node = root;
        while (true) {
            if (node.type() == pugi::node_element) {
                m_scopes.push_back(m_bindings.size());
                start(node);
                if (auto child = node.first_child()) {
                    node = child;
                    continue;
                }
                close(node);
            } else if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
                text(node);
            }
            while (node != root && !node.next_sibling()) {
                node = node.parent();
                close(node);
            }
            if (node == root) return;
            node = node.next_sibling();
        }
    }

    void close(const pugi::xml_node& element) {
        end(element);
        m_bindings.resize(m_scopes.back());
        m_scopes.pop_back();
    }

    static void on_error(void* user, xmlErrorPtr error) {
        if (!error || error->level < XML_ERR_ERROR) return;
        auto* self = static_cast<SaxFeeder*>(user);
        auto finding = rewrite_xsd_message(error->message ? error->message : "schema violation");
        formats::Location location{self->m_document.file(), 0, 0, ""};
        if (self->m_current) {
            pugi::xml_attribute match;
            if (!finding.attribute.empty())
                for (auto a : self->m_current.attributes())
                    if (formats::XmlDocument::local_name(a.name()) == finding.attribute) match = a;
            location = match ? self->m_document.location_of(self->m_current, match)
                             : self->m_document.location_of(self->m_current);
        }
        self->m_out.report(formats::Severity::error, std::move(finding.rule), std::move(finding.message),
                           std::move(location));
    }

    const formats::XmlDocument& m_document;
    formats::Diagnostics& m_out;
    xmlSchemaValidCtxtPtr m_context = nullptr;
    xmlSAXHandler m_empty_sax{};
    xmlSAXHandlerPtr m_sax = nullptr;
    void* m_user = nullptr;
    xmlSchemaSAXPlugPtr m_plug = nullptr;
    std::vector<std::pair<std::string_view, std::string_view>> m_bindings;
    pugi::xml_node m_current;
    std::size_t m_inherited = 0; // bindings from ancestors of the validated element
    std::vector<std::size_t> m_scopes; // m_bindings.size() when each open element started
    std::vector<const xmlChar*> m_declared, m_attributes; // reused by start()
};

} // namespace

void XsdSchema::validate(const formats::XmlDocument& document, const pugi::xml_node& root,
                         formats::Diagnostics& out) const {
    init_libxml2();
    SaxFeeder feeder(static_cast<xmlSchemaPtr>(m_schema.get()), document, out);
    feeder.run(root);
}

} // namespace healthdoc::cda
