// Internal to the planner: the stages of a Dockerfile as found by a first pass (FROM lines resolved,
// instructions grouped), and the name → stage lookups shared by the dependency scan and the dispatch.
#ifndef MYBUILD_PLANNER_STAGE_TABLE_H_
#define MYBUILD_PLANNER_STAGE_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/frontend/ast.h"
#include "src/planner/plan.h"

namespace mybuild::planner {

struct StageHeader {
  int index = 0;
  std::string name;                 // lower case, "" when unnamed
  SourceLocation location;
  Stage::BaseKind base_kind = Stage::BaseKind::kScratch;
  std::string base_image;
  int base_stage = -1;
  Platform platform;
  bool platform_given = false;
  const frontend::Instruction* from = nullptr;
  std::vector<const frontend::Instruction*> instructions;  // after the FROM, up to the next FROM
};

struct StageTable {
  std::vector<StageHeader> stages;

  // The stage called `name` (case-insensitive) that is defined before `before_index` (the latest one
  // when a name repeats); -1 when there is none.
  int FindEarlier(const std::string& name, int before_index) const;
  // Any stage called `name` (the last one when a name repeats); -1 when there is none.
  int FindAny(const std::string& name) const;
  // "a, b, c": the named stages, for error messages.
  std::string Names() const;
};

// Resolves a COPY --from / RUN --mount from= value for a step of stage `current`: a stage index ("0"),
// a stage name, or else an image reference. Referring to the current or a later stage is an error
// ("… needs to be defined before current stage …"), as is an index out of range.
// `use` says what the step does with it, for that message ("copy from", "mount from").
StatusOr<SourceRef> ResolveSourceName(const StageTable& table, const std::string& name, int current,
                                      std::string_view use = "copy from");

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_STAGE_TABLE_H_
