#include "formats/ids.hpp"

#include "formats/hash.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <vector>
#include <stdexcept>

namespace healthdoc::formats {

namespace {

// Formats 16 bytes as a UUID after setting its version nibble and RFC 4122 variant bits.
std::string format_uuid(unsigned char (&b)[16], unsigned version) {
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | (version << 4));
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += k_digits[b[i] >> 4];
        out += k_digits[b[i] & 0xF];
    }
    return out;
}

} // namespace

std::string random_uuid() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
    return format_uuid(b, 4);
}

std::string name_based_uuid(std::string_view name) {
    auto digest = sha1_raw(name);
    unsigned char b[16];
    for (std::size_t i = 0; i < 16; ++i) b[i] = static_cast<unsigned char>(digest[i]);
    return format_uuid(b, 5);
}

std::string uuid_to_oid(const std::string& uuid) {
    // 128-bit hex to decimal by repeated multiply-add on a base-10^9 little-endian vector.
    std::vector<unsigned long long> limbs{0};
    for (char c : uuid) {
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else if (c == '-') continue;
        else throw std::invalid_argument("not a UUID");
        unsigned long long carry = static_cast<unsigned long long>(v);
        for (auto& limb : limbs) {
            unsigned long long x = limb * 16 + carry;
            limb = x % 1000000000ULL;
            carry = x / 1000000000ULL;
        }
        if (carry) limbs.push_back(carry);
    }
    std::string out = std::to_string(limbs.back());
    for (auto it = limbs.rbegin() + 1; it != limbs.rend(); ++it) {
        std::string part = std::to_string(*it);
        out += std::string(9 - part.size(), '0') + part;
    }
    return "2.25." + out;
}

} // namespace healthdoc::formats
