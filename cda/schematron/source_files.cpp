#include "cda/schematron/source_files.hpp"

#include "formats/errors.hpp"
#include "formats/source_text.hpp"
#include "formats/text_utils.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>

namespace healthdoc::cda::schematron::detail {

namespace fs = std::filesystem;

namespace {

// A schema file is text written by hand or generated (Trifolia's C-CDA one is 1 MB); anything
// far bigger is a mistake or an attack, refused before it is read whole.
constexpr std::size_t k_max_schema_file_bytes = std::size_t{64} * 1024 * 1024;

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

formats::Location SourceFile::where(const pugi::xml_node& node) const {
    formats::Location location{document->file(), 0, 0, ""};
    auto offset = node.offset_debug();
    if (offset < 0 || static_cast<std::size_t>(offset) > document->text().size()) return location;
    auto o = static_cast<std::size_t>(offset);
    if (node.type() == pugi::node_element && o > 0 && document->text()[o - 1] == '<') --o;
    auto position = document->position(o);
    location.line = position.line;
    location.column = position.column;
    return location;
}

const SourceFile* SourceFiles::open(const fs::path& path, formats::Diagnostics& out) {
    auto key = path.lexically_normal().string();
    if (auto found = m_files.find(key); found != m_files.end()) return found->second.get();
    if (m_failed.count(key)) return nullptr;
    try {
        auto source = formats::SourceText::from_file(path.string(), k_max_schema_file_bytes);
        auto document = formats::parse_xml(source, out);
        if (!document) {
            m_failed[key] = true;
            return nullptr;
        }
        auto file = std::make_unique<SourceFile>();
        file->path = path;
        file->document = std::move(document);
        auto* raw = file.get();
        m_files.emplace(key, std::move(file));
        m_order.push_back(path);
        return raw;
    } catch (const Error& e) {
        out.report(formats::Severity::error, "cda.schematron.unreadable", e.what(),
                   formats::Location{path.string(), 0, 0, ""});
    }
    m_failed[key] = true;
    return nullptr;
}

std::optional<IncludeTarget> resolve_href(std::string_view href, const fs::path& directory) {
    std::string text = formats::trim(href);
    IncludeTarget target;
    if (auto hash = text.find('#'); hash != std::string::npos) {
        target.fragment = text.substr(hash + 1);
        text.resize(hash);
    }
    // RFC 3986 scheme: a letter, then letters, digits, "+", "-", "." up to ":". A single letter
    // before ":" is a Windows drive, not a scheme.
    auto colon = text.find(':');
    if (colon != std::string::npos && colon > 1 &&
        std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
        })) {
        if (!same_ignoring_case(std::string_view(text).substr(0, colon), "file")) return std::nullopt;
        text.erase(0, colon + 1);
        // file:///abs and file://localhost/abs name the same local file as /abs.
        if (text.rfind("//", 0) == 0) {
            auto slash = text.find('/', 2);
            auto host = text.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
            if (!host.empty() && host != "localhost") return std::nullopt;
            text = slash == std::string::npos ? std::string() : text.substr(slash);
        }
    }
    text = formats::percent_decode(text);
    if (text.empty()) {
        target.path = fs::path(); // "#id": an element of the including file itself
        return target;
    }
    fs::path relative(text);
    target.path = (relative.is_absolute() ? relative : directory / relative).lexically_normal();
    return target;
}

std::optional<fs::path> case_variant(const fs::path& path) {
    std::error_code ec;
    fs::path current;
    bool changed = false;
    for (const auto& component : path) {
        auto next = current / component;
        if (current.empty() || component == ".." || component == "." || fs::exists(next, ec)) {
            current = next;
            continue;
        }
        std::optional<fs::path> match;
        for (fs::directory_iterator it(current, ec), end; !ec && it != end; it.increment(ec)) {
            auto name = it->path().filename().string();
            if (same_ignoring_case(name, component.string())) {
                match = it->path();
                break;
            }
        }
        if (!match) return std::nullopt;
        current = *match;
        changed = true;
    }
    if (!changed || !fs::is_regular_file(current, ec)) return std::nullopt;
    return current;
}

} // namespace healthdoc::cda::schematron::detail
