#include "formats/archive.hpp"

#include "formats/errors.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <memory>

namespace fs = std::filesystem;

namespace healthdoc::formats {
namespace {

// A path an archive may write: relative, without "..", without empty tricks.
bool is_safe_relative(const std::string& name) {
    if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos) return false;
    fs::path p(name);
    for (const auto& part : p)
        if (part == "..") return false;
    return true;
}

} // namespace

bool looks_like_archive(std::string_view bytes) {
    if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1F && static_cast<unsigned char>(bytes[1]) == 0x8B)
        return true; // gzip
    if (bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4)) return true; // zip
    return bytes.size() >= 262 && bytes.substr(257, 5) == "ustar";                                // tar
}

std::vector<std::string> extract_archive(std::string_view bytes, const fs::path& destination,
                                         const ArchiveLimits& limits) {
    std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(), archive_read_free);
    archive_read_support_filter_gzip(reader.get());
    archive_read_support_format_tar(reader.get());
    archive_read_support_format_zip(reader.get());
    if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
        throw InputError(std::string("not a readable archive: ") + archive_error_string(reader.get()));
    fs::create_directories(destination);
    std::vector<std::string> written;
    std::size_t total = 0, entries = 0;
    archive_entry* entry = nullptr;
    int status;
    while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
        if (++entries > limits.max_entries) throw InputError("archive has more entries than the limit");
        const char* raw = archive_entry_pathname(entry);
        std::string name = raw ? raw : "";
        while (name.rfind("./", 0) == 0) name.erase(0, 2);
        auto type = archive_entry_filetype(entry);
        if (name.empty()) continue;
        if (!is_safe_relative(name)) throw InputError("archive entry '" + name + "' would be written outside the folder");
        if (archive_entry_hardlink(entry) || archive_entry_symlink(entry) || type == AE_IFLNK)
            throw InputError("archive entry '" + name + "' is a link; links are refused");
        if (type == AE_IFDIR) {
            fs::create_directories(destination / name);
            continue;
        }
        if (type != AE_IFREG) throw InputError("archive entry '" + name + "' is not a regular file");
        auto target = destination / name;
        fs::create_directories(target.parent_path());
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        if (!out) throw OutputError(target.string() + ": cannot be written");
        char buffer[1 << 16];
        for (la_ssize_t n; (n = archive_read_data(reader.get(), buffer, sizeof buffer)) != 0;) {
            if (n < 0) throw InputError("archive entry '" + name + "' is corrupt: " + archive_error_string(reader.get()));
            total += static_cast<std::size_t>(n);
            if (total > limits.max_total_bytes) throw InputError("archive unpacks to more than the size limit");
            out.write(buffer, n);
        }
        if (!out) throw OutputError(target.string() + ": write failed");
        written.push_back(name);
    }
    if (status != ARCHIVE_EOF) throw InputError(std::string("archive is corrupt: ") + archive_error_string(reader.get()));
    return written;
}

} // namespace healthdoc::formats
