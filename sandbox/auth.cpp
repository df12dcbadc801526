#include "sandbox/auth.hpp"

#include "formats/errors.hpp"
#include "formats/text_utils.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>

namespace healthdoc::sandbox {
using formats::trim;

bool constant_time_equal(const std::string& a, const std::string& b) {
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    std::size_t length = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < length; ++i) {
        unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        difference = static_cast<unsigned char>(difference | (x ^ y));
    }
    return difference == 0;
}

bool BearerAuth::accepts(const std::string& authorization) const {
    if (!m_token) return true;
    std::string value = trim(authorization);
    if (value.size() < 7) return false;
    std::string scheme = value.substr(0, 7);
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "bearer ") return false;
    return constant_time_equal(trim(value.substr(7)), *m_token);
}

} // namespace healthdoc::sandbox
