// The "--name[=value]" flags of one instruction, checked against the flags it accepts (the reference's
// BFlags): unknown flags, duplicates and missing values are errors with the reference's messages
// ("unknown flag: --foo", "duplicate flag specified: --from", "missing a value on flag: --chown").
#ifndef MYBUILD_PLANNER_INSTRUCTION_FLAGS_H_
#define MYBUILD_PLANNER_INSTRUCTION_FLAGS_H_

#include <map>
#include <string>
#include <vector>

#include "src/base/status.h"

namespace mybuild::planner {

class InstructionFlags {
 public:
  // Declares an accepted flag. Bool flags take no value or =true/=false; string flags need a value and
  // may appear once; strings flags need a value and may repeat.
  void AddBool(const std::string& name) { flags_[name].type = Type::kBool; }
  void AddString(const std::string& name) { flags_[name].type = Type::kString; }
  void AddStrings(const std::string& name) { flags_[name].type = Type::kStrings; }

  // Parses the instruction's flags ("--name" or "--name=value" words). Errors have no location.
  Status Parse(const std::vector<std::string>& words);

  bool Used(const std::string& name) const;
  // The value of a string flag ("" when unused), "true"/"false" for a used bool flag.
  const std::string& Value(const std::string& name) const;
  bool IsTrue(const std::string& name) const { return Value(name) == "true"; }
  const std::vector<std::string>& Values(const std::string& name) const;

 private:
  enum class Type { kBool, kString, kStrings };
  struct Flag {
    Type type = Type::kString;
    bool used = false;
    std::string value;
    std::vector<std::string> values;
  };
  std::map<std::string, Flag> flags_;
};

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_INSTRUCTION_FLAGS_H_
