// Process exit codes of the mybuild command line.
#ifndef MYBUILD_CLI_EXIT_CODES_H_
#define MYBUILD_CLI_EXIT_CODES_H_

namespace mybuild::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a build, parse or store operation failed
inline constexpr int kExitUsage = 2;    // the command line itself was wrong

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_EXIT_CODES_H_
