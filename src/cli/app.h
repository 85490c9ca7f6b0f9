// The mybuild command line: subcommands, global flags and exit codes (0 ok, 1 failure, 2 usage).
#ifndef MYBUILD_CLI_APP_H_
#define MYBUILD_CLI_APP_H_

namespace mybuild::cli {

int Main(int argc, char** argv);

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_APP_H_
