#include "formats/atomic_file.hpp"

#include "formats/errors.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <string>
#include <unistd.h>

namespace healthdoc::formats {

void write_file_atomically(const std::string& path, std::string_view content) {
    namespace fs = std::filesystem;
    fs::path target(path);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string temp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    int fd = ::mkstemp(temp.data());
    if (fd < 0) throw OutputError(path + ": cannot create a file here: " + std::strerror(errno));
    auto fail = [&](const char* what) {
        int saved = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        throw OutputError(path + ": " + what + ": " + std::strerror(saved));
    };
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write failed");
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, 0644) != 0) fail("cannot set permissions");
    if (::fsync(fd) != 0) fail("cannot flush to disk");
    if (::close(fd) != 0) {
        ::unlink(temp.c_str());
        throw OutputError(path + ": close failed: " + std::strerror(errno));
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        int saved = errno;
        ::unlink(temp.c_str());
        throw OutputError(path + ": cannot replace the file: " + std::strerror(saved));
    }
}

} // namespace healthdoc::formats
