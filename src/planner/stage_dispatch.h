// Internal to the planner: the state of one stage while its instructions are dispatched, and the
// dispatch of one instruction. The families live in dispatch_config.cc (metadata instructions),
// dispatch_run.cc (RUN) and dispatch_copy.cc (COPY, ADD); dispatch_util.cc has shared helpers.
#ifndef MYBUILD_PLANNER_STAGE_DISPATCH_H_
#define MYBUILD_PLANNER_STAGE_DISPATCH_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/frontend/ast.h"
#include "src/planner/instruction_flags.h"
#include "src/planner/plan.h"
#include "src/planner/stage_table.h"
#include "src/planner/word_expander.h"

namespace mybuild::planner {

// An ARG declared in the stage (or inherited from its base stage), for RUN's history ("|2 A=1 B=2").
struct DeclaredArg {
  std::string name;
  std::optional<std::string> value;
};

struct StageState {
  // Inputs shared by all stages.
  const WordExpander* expander = nullptr;
  const std::map<std::string, std::string>* build_args = nullptr;  // --build-arg
  const EnvList* global_args = nullptr;   // global ARGs and the automatic platform args
  const StageTable* table = nullptr;
  std::set<std::string>* declared_names = nullptr;  // every ARG name seen (unused build-arg warning)

  int stage_index = 0;
  Platform platform;

  // The stage so far.
  ImageConfig config;
  EnvList env;                         // the variables in scope: base ENV, then ARG and ENV in order
  std::vector<DeclaredArg> args;       // ARGs in order (with inherited ones first)
  bool cmd_set = false;                // a CMD was dispatched in this stage
  int ssh_mounts = 0;
  std::vector<Step> steps;
  std::vector<SourceRef> sources;      // stages and images read by steps (deduplicated by the caller)
  int base_history_length = 0;         // history entries that came with the base
};

// Dispatches one instruction of the stage. `from_onbuild` marks a trigger of the base. Errors have no
// location; the caller attaches the instruction's.
Status DispatchInstruction(StageState& state, const frontend::Instruction& instruction, bool from_onbuild);

// --- family entry points (one per file) ------------------------------------------------------------
Status DispatchConfigInstruction(StageState& state, const frontend::Instruction& instruction);
Status DispatchRun(StageState& state, const frontend::Instruction& instruction, bool from_onbuild);
Status DispatchCopy(StageState& state, const frontend::Instruction& instruction, bool from_onbuild);

// --- helpers (dispatch_util.cc) --------------------------------------------------------------------
// The keyword in upper case ("RUN").
std::string UpperKeyword(const frontend::Instruction& instruction);
// Appends a history entry and returns its index.
int AddHistory(StageState& state, std::string created_by, bool empty_layer, bool buildkit_suffix);
// The stage SHELL (or the default) followed by the words joined with spaces.
std::vector<std::string> WithShell(const ImageConfig& config, const std::vector<std::string>& words);
// `path` made absolute against `dir` ("" = "/") and cleaned.
std::string ResolveAgainst(const std::string& dir, const std::string& path);
// The working directory after `WORKDIR path` with `current` before it, as BuildKit's NormalizeWorkdir
// gives it on Linux: an absolute path is kept as written (a trailing slash, "//" or ".." included); a
// relative one is joined to `current` (itself made absolute against "/") and cleaned; an empty one (a
// variable expanding to nothing) keeps `current`.
std::string NormalizeWorkdir(const std::string& current, const std::string& path);
// Go's fmt "%v" of a []string: "[a b]".
std::string GoList(const std::vector<std::string>& items);
// "NAME" of "<<NAME", "<<-NAME", "<<\"NAME\"", "3<<NAME" when `word` is exactly one heredoc marker.
std::optional<std::string> HeredocMarkerName(const std::string& word);
// Expands one word with the stage's variables.
StatusOr<std::string> ExpandWord(const StageState& state, const std::string& word);
// The config's Env as the replace-by-name list ("K=V"), updated.
void SetConfigEnv(ImageConfig& config, const std::string& name, const std::string& value);

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_STAGE_DISPATCH_H_
