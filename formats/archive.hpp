// Safe extraction of .tgz/.tar.gz/.tar/.zip archives (libarchive) into a folder.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::formats {

struct ArchiveLimits {
    std::size_t max_total_bytes = std::size_t{2} * 1024 * 1024 * 1024; // 2 GiB unpacked
    std::size_t max_entries = 200000;
};

// Extracts the archive held in `bytes` into `destination` (created if needed). Only regular
// files and folders are written; an entry with an absolute path or a `..` component, a link,
// a device, or exceeding the limits makes the whole extraction fail with InputError naming the
// entry (what was written so far stays in `destination`, which the caller should discard).
// Returns the relative paths of the files written.
std::vector<std::string> extract_archive(std::string_view bytes, const std::filesystem::path& destination,
                                         const ArchiveLimits& limits = {});

// True when `bytes` start like an archive libarchive reads (gzip, tar, zip).
bool looks_like_archive(std::string_view bytes);

} // namespace healthdoc::formats
