#include "src/planner/instruction_flags.h"

#include "src/frontend/text_util.h"

namespace mybuild::planner {

Status InstructionFlags::Parse(const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    if (word == "--") return Status::Ok();
    if (word.rfind("--", 0) != 0) return InvalidArgument("arg should start with -- : " + word);
    size_t eq = word.find('=');
    bool has_value = eq != std::string::npos;
    std::string flag_name = has_value ? word.substr(0, eq) : word;
    std::string value = has_value ? word.substr(eq + 1) : "";
    auto it = flags_.find(flag_name.substr(2));
    if (it == flags_.end()) {
      std::string message = "unknown flag: " + flag_name;
      if (!flags_.empty()) {
        message += " (accepted:";
        for (const auto& [name, flag] : flags_) message += " --" + name;
        message += ")";
      }
      return InvalidArgument(message);
    }
    Flag& flag = it->second;
    if (flag.used && flag.type != Type::kStrings) {
      return InvalidArgument("duplicate flag specified: " + flag_name);
    }
    flag.used = true;
    switch (flag.type) {
      case Type::kBool: {
        if (has_value && value.empty()) return InvalidArgument("missing a value on flag: " + flag_name);
        std::string lower = frontend::AsciiLower(value);
        if (lower == "true" || lower.empty()) {
          flag.value = "true";
        } else if (lower == "false") {
          flag.value = "false";
        } else {
          return InvalidArgument("expecting boolean value for flag " + flag_name + ", not: " + value);
        }
        break;
      }
      case Type::kString:
        if (!has_value) return InvalidArgument("missing a value on flag: " + flag_name);
        flag.value = value;
        break;
      case Type::kStrings:
        if (!has_value) return InvalidArgument("missing a value on flag: " + flag_name);
        flag.values.push_back(value);
        break;
    }
  }
  return Status::Ok();
}

bool InstructionFlags::Used(const std::string& name) const {
  auto it = flags_.find(name);
  return it != flags_.end() && it->second.used;
}

const std::string& InstructionFlags::Value(const std::string& name) const {
  static const std::string kEmpty;
  auto it = flags_.find(name);
  return it == flags_.end() ? kEmpty : it->second.value;
}

const std::vector<std::string>& InstructionFlags::Values(const std::string& name) const {
  static const std::vector<std::string> kEmpty;
  auto it = flags_.find(name);
  return it == flags_.end() ? kEmpty : it->second.values;
}

}  // namespace mybuild::planner
