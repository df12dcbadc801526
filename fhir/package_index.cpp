#include "fhir/package_index.hpp"
#include "formats/text_encoding.hpp"

#include "formats/atomic_file.hpp"
#include "formats/errors.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace healthdoc::fhir {

namespace {

constexpr std::string_view folder_files_key = "healthdoc-folder-json-files";

// A forward-only reader of the top level of one JSON object: values that are not wanted are
// skipped by matching brackets, without recursion (so depth is never a concern).
class TopLevelScanner {
public:
    explicit TopLevelScanner(std::string_view text) : m_text(text) {}

    template <typename OnMember> bool scan(OnMember&& on_member) {
        skip_space();
        if (m_pos < m_text.size() && static_cast<unsigned char>(m_text[m_pos]) == 0xEF) m_pos += 3; // UTF-8 BOM
        skip_space();
        if (!consume('{')) return false;
        skip_space();
        if (consume('}')) return true;
        while (true) {
            skip_space();
            std::string key;
            if (!read_string(&key)) return false;
            skip_space();
            if (!consume(':')) return false;
            skip_space();
            if (m_pos < m_text.size() && m_text[m_pos] == '"' && on_member(key, nullptr)) {
                std::string value;
                if (!read_string(&value)) return false;
                on_member(key, &value);
            } else if (!skip_value()) {
                return false;
            }
            skip_space();
            if (consume(',')) continue;
            return consume('}');
        }
    }

private:
    void skip_space() {
        while (m_pos < m_text.size() &&
               (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r' || m_text[m_pos] == '\t'))
            ++m_pos;
    }
    bool consume(char c) {
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    // Reads a string at m_pos; `out` null: skipped.
    bool read_string(std::string* out) {
        if (!consume('"')) return false;
        while (m_pos < m_text.size()) {
            char c = m_text[m_pos++];
            if (c == '"') return true;
            if (c != '\\') {
                if (out) *out += c;
                continue;
            }
            if (m_pos >= m_text.size()) return false;
            char e = m_text[m_pos++];
            if (!out) continue;
            switch (e) {
            case 'n': *out += '\n'; break;
            case 't': *out += '\t'; break;
            case 'r': *out += '\r'; break;
            case 'b': *out += '\b'; break;
            case 'f': *out += '\f'; break;
            case 'u': {
                if (m_pos + 4 > m_text.size()) return false;
                unsigned code = 0;
                for (int i = 0; i < 4; ++i) {
                    char h = m_text[m_pos++];
                    code <<= 4;
                    if (h >= '0' && h <= '9')
                        code |= static_cast<unsigned>(h - '0');
                    else if (h >= 'a' && h <= 'f')
                        code |= static_cast<unsigned>(h - 'a' + 10);
                    else if (h >= 'A' && h <= 'F')
                        code |= static_cast<unsigned>(h - 'A' + 10);
                    else
                        return false;
                }
                formats::append_utf8(*out, code); // surrogate pairs never occur in the fields indexed
                break;
            }
            default: *out += e;
            }
        }
        return false;
    }
    bool skip_value() {
        if (m_pos >= m_text.size()) return false;
        char c = m_text[m_pos];
        if (c == '"') return read_string(nullptr);
        if (c != '{' && c != '[') {
            while (m_pos < m_text.size() && m_text[m_pos] != ',' && m_text[m_pos] != '}' && m_text[m_pos] != ']' &&
                   m_text[m_pos] != ' ' && m_text[m_pos] != '\n' && m_text[m_pos] != '\r' && m_text[m_pos] != '\t')
                ++m_pos;
            return true;
        }
        std::size_t depth = 0;
        while (m_pos < m_text.size()) {
            char d = m_text[m_pos];
            if (d == '"') {
                if (!read_string(nullptr)) return false;
                continue;
            }
            ++m_pos;
            if (d == '{' || d == '[')
                ++depth;
            else if ((d == '}' || d == ']') && --depth == 0)
                return true;
        }
        return false;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

std::string* summary_field(PackageIndexEntry& entry, std::string_view key) {
    if (key == "resourceType") return &entry.resource_type;
    if (key == "id") return &entry.id;
    if (key == "url") return &entry.url;
    if (key == "version") return &entry.version;
    if (key == "name") return &entry.name;
    if (key == "type") return &entry.type;
    if (key == "kind") return &entry.kind;
    if (key == "derivation") return &entry.derivation;
    if (key == "baseDefinition") return &entry.base_definition;
    return nullptr;
}

bool is_resource_file_name(const std::string& name) {
    return name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0 && name != "package.json" &&
           name != ".index.json" && name.front() != '.';
}

// A folder healthdoc may write into: its mode allows writing (even for root, who could write
// anyway: a read-only mode marks shared reference data) and the process is allowed to.
bool folder_accepts_writes(const fs::path& folder) {
    std::error_code ec;
    auto permissions = fs::status(folder, ec).permissions();
    if (ec) return false;
    constexpr auto any_write = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
    return (permissions & any_write) != fs::perms::none && ::access(folder.c_str(), W_OK) == 0;
}

} // namespace

std::optional<std::string> read_whole_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return std::move(buffer).str();
}

std::optional<PackageIndexEntry> scan_resource_summary(std::string_view json) {
    PackageIndexEntry entry;
    TopLevelScanner scanner(json);
    bool ok = scanner.scan([&](const std::string& key, const std::string* value) {
        std::string* field = summary_field(entry, key);
        if (!field) return false;
        if (value) *field = *value;
        return true;
    });
    if (!ok || entry.resource_type.empty()) return std::nullopt;
    return entry;
}

std::size_t count_json_files(const fs::path& folder) {
    std::size_t count = 0;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (is_resource_file_name(it->path().filename().string()) && !it->is_directory(ec)) ++count;
    return count;
}

std::vector<PackageIndexEntry> scan_package_folder(const fs::path& folder) {
    std::vector<PackageIndexEntry> entries;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (!is_resource_file_name(name) || it->is_directory(ec)) continue;
        auto text = read_whole_file(it->path());
        if (!text) continue;
        auto entry = scan_resource_summary(*text);
        if (!entry) continue;
        entry->filename = name;
        entries.push_back(std::move(*entry));
    }
    std::sort(entries.begin(), entries.end(),
              [](const PackageIndexEntry& a, const PackageIndexEntry& b) { return a.filename < b.filename; });
    return entries;
}

std::string index_json(const std::vector<PackageIndexEntry>& files, std::size_t folder_json_files) {
    nlohmann::json index = nlohmann::json::object();
    index["index-version"] = 2;
    index[std::string(folder_files_key)] = folder_json_files;
    auto& list = index["files"] = nlohmann::json::array();
    for (const auto& entry : files) {
        nlohmann::json item = nlohmann::json::object();
        item["filename"] = entry.filename;
        item["resourceType"] = entry.resource_type;
        auto put = [&](const char* key, const std::string& value) {
            if (!value.empty()) item[key] = value;
        };
        put("id", entry.id);
        put("url", entry.url);
        put("version", entry.version);
        put("name", entry.name);
        put("kind", entry.kind);
        put("type", entry.type);
        put("derivation", entry.derivation);
        put("baseDefinition", entry.base_definition);
        list.push_back(std::move(item));
    }
    return index.dump(1) + "\n";
}

namespace {

// Reads an .index.json without building a DOM (the core package's index is 1.3 MB): the
// top-level signature number and the string fields of each object of "files".
class IndexReader : public nlohmann::json_sax<nlohmann::json> {
public:
    std::vector<PackageIndexEntry> entries;
    std::optional<std::uint64_t> folder_files;
    bool saw_files = false;

    bool null() override { return scalar(); }
    bool boolean(bool) override { return scalar(); }
    bool number_integer(number_integer_t value) override {
        if (m_depth == 1 && m_key == folder_files_key && value >= 0) folder_files = static_cast<std::uint64_t>(value);
        return scalar();
    }
    bool number_unsigned(number_unsigned_t value) override {
        if (m_depth == 1 && m_key == folder_files_key) folder_files = value;
        return scalar();
    }
    bool number_float(number_float_t, const string_t&) override { return scalar(); }
    bool string(string_t& value) override {
        if (m_in_entry && m_depth == 3)
            if (std::string* field = entry_field(m_entry, m_key)) *field = std::move(value);
        return scalar();
    }
    bool binary(binary_t&) override { return scalar(); }
    bool start_object(std::size_t) override {
        ++m_depth;
        if (m_depth == 3 && m_in_files) {
            m_in_entry = true;
            m_entry = PackageIndexEntry();
        }
        return true;
    }
    bool end_object() override {
        if (m_depth == 3 && m_in_entry) {
            entries.push_back(std::move(m_entry));
            m_in_entry = false;
        }
        --m_depth;
        return true;
    }
    bool start_array(std::size_t) override {
        ++m_depth;
        if (m_depth == 2 && m_key == "files") m_in_files = saw_files = true;
        return true;
    }
    bool end_array() override {
        if (m_depth == 2) m_in_files = false;
        --m_depth;
        return true;
    }
    bool key(string_t& value) override {
        m_key = std::move(value);
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    static std::string* entry_field(PackageIndexEntry& entry, std::string_view key) {
        if (key == "filename") return &entry.filename;
        if (key == "resourceType") return &entry.resource_type;
        return summary_field(entry, key);
    }
    bool scalar() { return true; }

    int m_depth = 0;
    std::string m_key;
    bool m_in_files = false, m_in_entry = false;
    PackageIndexEntry m_entry;
};

} // namespace

std::optional<std::vector<PackageIndexEntry>> read_index_file(const fs::path& index_file, const fs::path& folder,
                                                              std::size_t expected_json_files) {
    auto text = read_whole_file(index_file);
    if (!text) return std::nullopt;
    IndexReader reader;
    if (!nlohmann::json::sax_parse(*text, &reader) || !reader.saw_files) return std::nullopt;
    if (reader.folder_files) {
        if (*reader.folder_files != expected_json_files) return std::nullopt;
    } else {
        // Written by another tool: trust it unless the folder changed after it was written.
        std::error_code ec;
        auto index_time = fs::last_write_time(index_file, ec);
        if (ec) return std::nullopt;
        auto folder_time = fs::last_write_time(folder, ec);
        if (ec || folder_time > index_time + std::chrono::seconds(2)) return std::nullopt;
    }
    std::vector<PackageIndexEntry> entries;
    entries.reserve(reader.entries.size());
    for (auto& entry : reader.entries) {
        if (entry.filename.empty() || entry.resource_type.empty() || entry.filename.find('/') != std::string::npos ||
            entry.filename.find('\\') != std::string::npos || entry.filename.front() == '.')
            continue;
        entries.push_back(std::move(entry));
    }
    return entries;
}

fs::path default_index_cache() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "healthdoc" / "fhir-index";
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : ".") / ".cache" / "healthdoc" / "fhir-index";
}

PackageIndex load_package_index(const fs::path& folder, const std::string& package_key, const fs::path& index_cache) {
    PackageIndex result;
    const std::size_t json_files = count_json_files(folder);
    const fs::path in_folder = folder / ".index.json";
    const fs::path in_cache = index_cache.empty() ? fs::path() : index_cache / (package_key + ".index.json");
    for (const auto& candidate : {in_folder, in_cache}) {
        std::error_code ec;
        if (candidate.empty() || !fs::is_regular_file(candidate, ec)) continue;
        if (auto files = read_index_file(candidate, folder, json_files)) {
            result.files = std::move(*files);
            result.index_file = candidate;
            return result;
        }
    }
    result.files = scan_package_folder(folder);
    result.rebuilt = true;
    const std::string text = index_json(result.files, json_files);
    if (folder_accepts_writes(folder)) {
        try {
            formats::write_file_atomically(in_folder.string(), text);
            result.index_file = in_folder;
            return result;
        } catch (const Error&) {
            // not writable after all: fall back to the user's index cache
        }
    }
    if (in_cache.empty()) return result;
    try {
        std::error_code ec;
        fs::create_directories(index_cache, ec);
        formats::write_file_atomically(in_cache.string(), text);
        result.index_file = in_cache;
    } catch (const Error&) {
        // nowhere to keep it: the index lives in memory for this run
    }
    return result;
}

} // namespace healthdoc::fhir
