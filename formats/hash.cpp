#include "formats/hash.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace healthdoc::formats {
namespace {

std::string digest(const EVP_MD* algorithm, std::string_view bytes) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out, &length, algorithm, nullptr) != 1)
        throw std::runtime_error("OpenSSL digest failed");
    return std::string(reinterpret_cast<const char*>(out), length);
}

std::string to_hex(const std::string& raw) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        hex.push_back(k_digits[c >> 4]);
        hex.push_back(k_digits[c & 0xF]);
    }
    return hex;
}

} // namespace

std::string sha1_raw(std::string_view bytes) { return digest(EVP_sha1(), bytes); }
std::string sha1_hex(std::string_view bytes) { return to_hex(sha1_raw(bytes)); }
std::string sha256_hex(std::string_view bytes) { return to_hex(digest(EVP_sha256(), bytes)); }

} // namespace healthdoc::formats
