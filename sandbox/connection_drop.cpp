#include "sandbox/connection_drop.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace healthdoc::sandbox {
namespace {

bool same_endpoint(const sockaddr_storage& address, const std::string& host, int port) {
    char text[INET6_ADDRSTRLEN] = {};
    int actual_port = -1;
    if (address.ss_family == AF_INET) {
        const auto* in4 = reinterpret_cast<const sockaddr_in*>(&address);
        inet_ntop(AF_INET, &in4->sin_addr, text, sizeof text);
        actual_port = ntohs(in4->sin_port);
    } else if (address.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        actual_port = ntohs(in6->sin6_port);
    } else {
        return false;
    }
    return actual_port == port && host == text;
}

bool matches(int fd, const std::string& remote_addr, int remote_port, const std::string& local_addr, int local_port) {
    struct stat info {};
    if (fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode)) return false;
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return false;
    if (!same_endpoint(peer, remote_addr, remote_port)) return false;
    sockaddr_storage own{};
    length = sizeof own;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&own), &length) != 0) return false;
    return local_port < 0 || same_endpoint(own, local_addr, local_port);
}

std::vector<int> open_descriptors() {
    std::vector<int> fds;
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (dirent* entry = readdir(dir))
            if (entry->d_name[0] != '.') fds.push_back(std::atoi(entry->d_name));
        closedir(dir);
        return fds;
    }
    for (int fd = 0; fd < 4096; ++fd) fds.push_back(fd); // no /proc: scan the usual range
    return fds;
}

} // namespace

bool drop_connection(const std::string& remote_addr, int remote_port, const std::string& local_addr, int local_port) {
    for (int fd : open_descriptors()) {
        if (matches(fd, remote_addr, remote_port, local_addr, local_port)) {
            shutdown(fd, SHUT_RDWR);
            return true;
        }
    }
    return false;
}

} // namespace healthdoc::sandbox
