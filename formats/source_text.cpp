#include "formats/source_text.hpp"

#include "formats/errors.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <iterator>

namespace healthdoc::formats {

SourceText SourceText::from_file(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) throw InputError(path + ": no such file");
    if (std::filesystem::is_directory(status)) throw InputError(path + ": is a directory");
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes)
        throw InputError(path + ": file is larger than the " + std::to_string(max_bytes / (1024 * 1024)) +
                         " MiB input limit");
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) throw InputError(path + ": cannot be read: " + std::strerror(errno));
    std::string bytes;
    char buffer[1 << 16];
    if (!ec) bytes.reserve(static_cast<std::size_t>(size));
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) {
        bytes.append(buffer, n);
        if (bytes.size() > max_bytes) {
            std::fclose(file);
            throw InputError(path + ": file is larger than the input limit");
        }
    }
    bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) throw InputError(path + ": read error");
    return SourceText(path, std::move(bytes));
}

SourceText SourceText::from_stdin(std::size_t max_bytes) {
    std::string bytes;
    char buffer[65536];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
        bytes.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
        if (bytes.size() > max_bytes) throw InputError("-: standard input is larger than the input limit");
    }
    return SourceText("-", std::move(bytes));
}

} // namespace healthdoc::formats
