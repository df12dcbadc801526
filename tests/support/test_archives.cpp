#include "tests/support/test_archives.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>

namespace healthdoc::test {

std::string make_archive(const std::string& kind, const std::vector<ArchiveEntry>& entries) {
    archive* writer = archive_write_new();
    if (kind == "zip") {
        archive_write_set_format_zip(writer);
    } else {
        archive_write_add_filter_gzip(writer);
        archive_write_set_format_pax_restricted(writer);
    }
    std::string buffer(std::size_t{16} << 20, '\0');
    size_t used = 0;
    if (archive_write_open_memory(writer, buffer.data(), buffer.size(), &used) != ARCHIVE_OK)
        throw std::runtime_error("cannot open the archive writer");
    for (const auto& e : entries) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.path.c_str());
        if (!e.symlink_target.empty()) {
            archive_entry_set_filetype(entry, AE_IFLNK);
            archive_entry_set_symlink(entry, e.symlink_target.c_str());
            archive_entry_set_size(entry, 0);
        } else {
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
        }
        archive_entry_set_perm(entry, 0644);
        archive_write_header(writer, entry);
        if (e.symlink_target.empty()) archive_write_data(writer, e.content.data(), e.content.size());
        archive_entry_free(entry);
    }
    archive_write_close(writer);
    archive_write_free(writer);
    buffer.resize(used);
    return buffer;
}

} // namespace healthdoc::test
