// The default DocumentProvider: local files parsed once with formats::parse_xml and indexed.
#include "formats/source_text.hpp"
#include "formats/xml_document.hpp"
#include "xpath/xpath.hpp"

namespace healthdoc::xpath {

struct FileDocumentProvider::Entry {
    std::once_flag once;
    std::unique_ptr<formats::XmlDocument> document;
    std::unique_ptr<DocumentIndex> index;
};

FileDocumentProvider::FileDocumentProvider() = default;

FileDocumentProvider::~FileDocumentProvider() {
    // Indexes unregister before their documents go.
    for (auto& [path, entry] : m_entries) entry->index.reset();
}

const formats::XmlDocument* FileDocumentProvider::load(const std::string& absolute_path) {
    std::shared_ptr<Entry> entry;
    {
        std::lock_guard lock(m_mutex);
        auto& slot = m_entries[absolute_path];
        if (!slot) slot = std::make_shared<Entry>();
        entry = slot;
    }
    // Parsing happens outside the lock; other threads asking for the same file wait here.
    std::call_once(entry->once, [&] {
        try {
            auto source = formats::SourceText::from_file(absolute_path);
            formats::Diagnostics diagnostics;
            entry->document = formats::parse_xml(source, diagnostics);
            if (entry->document) entry->index = std::make_unique<DocumentIndex>(*entry->document);
        } catch (const std::exception&) {
            entry->document.reset();
        }
    });
    return entry->document.get();
}

} // namespace healthdoc::xpath
