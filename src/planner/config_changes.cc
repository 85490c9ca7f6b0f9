#include "src/planner/config_changes.h"

#include <map>
#include <set>

#include "src/frontend/parser.h"
#include "src/planner/stage_dispatch.h"
#include "src/planner/word_expander.h"

namespace mybuild::planner {

Status ApplyConfigChanges(ImageConfig& config, const std::vector<std::string>& changes) {
  static const std::set<std::string> kAllowed = {"cmd",  "entrypoint", "env",    "expose",    "label",
                                                 "onbuild", "user",    "volume", "workdir", "stopsignal"};
  const WordExpander expander;
  const std::map<std::string, std::string> no_build_args;
  const EnvList no_global_args;
  std::set<std::string> declared;
  StageState state;
  state.config = config;
  state.env = EnvList::FromStrings(config.env);
  state.expander = &expander;
  state.build_args = &no_build_args;
  state.global_args = &no_global_args;
  state.declared_names = &declared;
  for (const std::string& change : changes) {
    auto bad = [&](const std::string& why) { return InvalidArgument("--change \"" + change + "\": " + why); };
    StatusOr<frontend::Dockerfile> parsed = frontend::ParseDockerfile(change, "--change");
    if (!parsed.ok()) return bad(parsed.status().message());
    if (parsed->instructions.size() != 1) return bad("expected one Dockerfile instruction");
    const frontend::Instruction& instruction = parsed->instructions[0];
    if (!kAllowed.count(instruction.keyword)) {
      return bad(UpperKeyword(instruction) +
                 " cannot be changed (expected one of CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, "
                 "WORKDIR, STOPSIGNAL)");
    }
    Status applied = DispatchConfigInstruction(state, instruction);
    if (!applied.ok()) return bad(applied.message());
  }
  std::vector<HistoryEntry> history = std::move(config.history);
  config = std::move(state.config);
  config.history = std::move(history);
  return Status::Ok();
}

}  // namespace mybuild::planner
