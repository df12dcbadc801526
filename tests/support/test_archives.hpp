// Builds .tgz and .zip archives in memory for tests (libarchive's writer), including hostile ones.
#pragma once

#include <string>
#include <vector>

namespace healthdoc::test {

struct ArchiveEntry {
    std::string path;
    std::string content;
    std::string symlink_target; // non-empty: the entry is a symbolic link
};

// "tgz" (gzip-compressed ustar) or "zip".
std::string make_archive(const std::string& kind, const std::vector<ArchiveEntry>& entries);

} // namespace healthdoc::test
