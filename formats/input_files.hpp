// Expands the inputs named on a command line (files, directories, "-") into a list of files.
#pragma once

#include <string>
#include <vector>

namespace healthdoc::formats {

// One input to process: a path, or "-" for standard input.
struct InputRef {
    std::string path;
    bool is_stdin() const noexcept { return path == "-"; }
};

// Files are kept as named (even when they do not exist: reading them reports the problem);
// directories are walked recursively in sorted order, keeping regular files whose extension is
// in `extensions` (lower-case, with the dot; empty = every file) and skipping hidden entries.
// Throws InputError for a directory that cannot be walked.
std::vector<InputRef> expand_inputs(const std::vector<std::string>& names,
                                    const std::vector<std::string>& extensions = {".xml", ".json"});

} // namespace healthdoc::formats
