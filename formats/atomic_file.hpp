// Writes files so that readers never see a half-written one.
#pragma once

#include <string>
#include <string_view>

namespace healthdoc::formats {

// Writes `content` to a temporary file beside `path`, flushes it to disk, then renames it over
// `path`. Throws OutputError naming the path when any step fails; the temporary is removed.
void write_file_atomically(const std::string& path, std::string_view content);

} // namespace healthdoc::formats
