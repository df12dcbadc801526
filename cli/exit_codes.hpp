// Process exit codes, the same for every subcommand.
#pragma once

namespace healthdoc::cli {

inline constexpr int k_exit_ok = 0;        // nothing at error or above
inline constexpr int k_exit_findings = 1;  // a document has errors, or the server refused it
inline constexpr int k_exit_usage = 2;     // usage error, or an input that cannot be read or recognised
inline constexpr int k_exit_transport = 3; // network or transport failure remained after retries

} // namespace healthdoc::cli
