#include "src/planner/stage_table.h"

#include <cctype>
#include <strings.h>

namespace mybuild::planner {
namespace {

bool EqualFold(const std::string& a, const std::string& b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool AllDigits(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

int StageTable::FindEarlier(const std::string& name, int before_index) const {
  int found = -1;
  for (const StageHeader& s : stages) {
    if (s.index >= before_index) break;
    if (!s.name.empty() && EqualFold(s.name, name)) found = s.index;
  }
  return found;
}

int StageTable::FindAny(const std::string& name) const {
  int found = -1;
  for (const StageHeader& s : stages) {
    if (!s.name.empty() && EqualFold(s.name, name)) found = s.index;
  }
  return found;
}

std::string StageTable::Names() const {
  std::string out;
  for (const StageHeader& s : stages) {
    if (s.name.empty()) continue;
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out;
}

StatusOr<SourceRef> ResolveSourceName(const StageTable& table, const std::string& name, int current, std::string_view use) {
  SourceRef ref;
  int index = -1;
  if (AllDigits(name)) {
    index = std::stoi(name);
    if (index >= static_cast<int>(table.stages.size())) {
      return InvalidArgument("invalid stage index " + name + " (the Dockerfile has " +
                             std::to_string(table.stages.size()) + " stages, numbered from 0)");
    }
  } else {
    index = table.FindEarlier(name, current);
    if (index < 0) index = table.FindAny(name);
    if (index < 0) {
      ref.kind = SourceRef::Kind::kImage;
      ref.image = name;
      return ref;
    }
  }
  const StageHeader& current_stage = table.stages[current];
  std::string current_name = current_stage.name.empty() ? "stage-" + std::to_string(current) : current_stage.name;
  if (index == current) {
    return InvalidArgument("circular dependency detected on stage: " + current_name);
  }
  if (index > current) {
    return InvalidArgument("cannot " + std::string(use) + " stage \"" + name +
                           "\", it needs to be defined before current stage \"" + current_name + "\"");
  }
  ref.kind = SourceRef::Kind::kStage;
  ref.stage = index;
  return ref;
}

}  // namespace mybuild::planner
