#include "push/secrets.hpp"

#include "formats/errors.hpp"
#include "formats/text_utils.hpp"

#include <cstdlib>
#include <fstream>

namespace healthdoc::push {
using formats::trim;

std::string read_secret_file(const std::filesystem::path& path, const std::string& what) {
    std::ifstream in(path);
    if (!in) throw InputError("cannot read the " + what + " file " + path.string());
    std::string line;
    std::getline(in, line);
    auto secret = trim(line);
    if (secret.empty()) throw UsageError("the " + what + " file " + path.string() + " is empty");
    return secret;
}

std::string read_secret_env(const std::string& name, const std::string& what) {
    const char* value = std::getenv(name.c_str());
    std::string secret = value ? trim(value) : "";
    if (secret.empty())
        throw UsageError("the environment variable " + name + " holding the " + what + " is unset or empty");
    return secret;
}

std::string read_secret(const std::string& file, const std::string& env, const std::string& what) {
    if (!file.empty() && !env.empty())
        throw UsageError("give the " + what + " as a file or an environment variable, not both");
    if (!file.empty()) return read_secret_file(file, what);
    if (!env.empty()) return read_secret_env(env, what);
    return "";
}

} // namespace healthdoc::push
