#include "src/cli/rootless_entry.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "src/cli/exit_codes.h"
#include "src/engine/container_lookup.h"
#include "src/engine/container_store.h"
#include "src/rootless/user_namespace.h"

namespace mybuild::cli {
namespace {

// The state root the command line names (--root among the global options, else MYBUILD_ROOT, else the
// default), read before the options are parsed: the rootless entry records its owner on the host.
std::filesystem::path StateRootOfCommandLine(const std::vector<std::string>& args, size_t first_command) {
  for (size_t i = 0; i < first_command && i < args.size(); ++i) {
    if (args[i] == "--root" && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind("--root=", 0) == 0) return args[i].substr(7);
  }
  if (const char* env = std::getenv("MYBUILD_ROOT"); env && *env) return env;
  return rootless::DefaultStateRoot();
}

// The container `mybuild exec [OPTIONS] CONTAINER …` names: the first word after the options (exec_command.cc).
std::string ExecContainerWord(const std::vector<std::string>& args, size_t exec_word) {
  static const std::set<std::string> kWithValue = {"-e", "--env", "-u", "--user", "-w", "--workdir"};
  for (size_t i = exec_word + 1; i < args.size(); ++i) {
    if (kWithValue.count(args[i])) {
      ++i;
    } else if (args[i].empty() || args[i][0] != '-') {
      return args[i];
    }
  }
  return "";
}

// `exec` joins the user namespace of the running container (an earlier mybuild made it, and only that
// namespace may enter the container's); anything else (not running, no such container) makes a
// namespace of its own and lets exec say what is wrong.
Status EnterForExec(const std::vector<std::string>& args, size_t exec_word, const std::filesystem::path& root) {
  if (::geteuid() != 0) {
    StatusOr<engine::ContainerStore> store = engine::ContainerStore::Open(std::filesystem::absolute(root));
    StatusOr<std::vector<engine::ContainerRecord>> records =
        store.ok() ? store->List() : StatusOr<std::vector<engine::ContainerRecord>>(store.status());
    StatusOr<engine::ContainerRecord> record =
        records.ok() ? engine::FindContainer(*records, ExecContainerWord(args, exec_word)) : records.status();
    if (record.ok() && record->state.pid > 0) {
      // A container that ended meanwhile: exec then says it is not running.
      if (rootless::JoinUserNamespaceOf(static_cast<int>(record->state.pid)).ok()) return Status::Ok();
    }
  }
  return rootless::EnterUserNamespace(root);
}

}  // namespace

std::optional<int> EnterRootless(const std::vector<std::string>& args, std::optional<size_t> first) {
  if (!first || *first >= args.size()) return std::nullopt;
  static const std::set<std::string> kOutside = {"doctor", "parse", "help"};
  if (kOutside.count(args[*first])) return std::nullopt;
  for (size_t i = *first; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == "--help" || args[i] == "-h") return std::nullopt;
  }
  const std::filesystem::path state_root = StateRootOfCommandLine(args, *first);
  const Status entered = args[*first] == "exec" ? EnterForExec(args, *first, state_root)
                                                : rootless::EnterUserNamespace(state_root);
  if (entered.ok()) return std::nullopt;
  std::cerr << "error: rootless: " << entered.ToString()
            << "\n(mybuild runs an ordinary user's commands in a user namespace; `mybuild doctor` says what is "
               "missing)\n";
  return kExitFailure;
}


}  // namespace mybuild::cli
