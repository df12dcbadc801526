// Secrets (tokens, client secrets, key passwords) come from a file or an environment variable,
// never from the command line, where other users of the machine and shell histories see them.
// The values read here are only ever handed to the transport; never print them.
#pragma once

#include <filesystem>
#include <string>

namespace healthdoc::push {

// The first line of `path`, surrounding blanks removed. `what` names the secret in messages
// ("bearer token"). Throws InputError when the file cannot be read, UsageError when it is empty.
std::string read_secret_file(const std::filesystem::path& path, const std::string& what);

// The value of environment variable `name`, surrounding blanks removed. Throws UsageError when
// it is unset or empty.
std::string read_secret_env(const std::string& name, const std::string& what);

// Where a secret comes from: at most one of a file and an environment variable. Returns "" when
// neither is given.
std::string read_secret(const std::string& file, const std::string& env, const std::string& what);

} // namespace healthdoc::push
