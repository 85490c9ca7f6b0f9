#include "src/fileops/chmod_spec.h"

namespace mybuild::fileops {
namespace {

constexpr uint32_t kWhoUser = 04700;
constexpr uint32_t kWhoGroup = 02070;
constexpr uint32_t kWhoOther = 01007;
constexpr uint32_t kWhoAll = 07777;

Status Bad(std::string_view text, const std::string& why) {
  return InvalidArgument("invalid --chmod value \"" + std::string(text) + "\": " + why +
                         " (expected octal like 0755 or symbolic like u+x,go-w,a=rX)");
}

// The rwx bits of class `c` in `mode`, replicated into the user, group and other positions.
uint32_t ClassBits(uint32_t mode, char c) {
  uint32_t v = 0;
  switch (c) {
    case 'u': v = (mode >> 6) & 7; break;
    case 'g': v = (mode >> 3) & 7; break;
    default: v = mode & 7; break;
  }
  return v | (v << 3) | (v << 6);
}

}  // namespace

StatusOr<ChmodSpec> ChmodSpec::Parse(std::string_view text) {
  ChmodSpec spec;
  if (text.empty()) return Bad(text, "empty");
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && c >= '0' && c <= '9';
  if (all_digits) {
    if (text.size() > 4) return Bad(text, "too many octal digits");
    uint32_t mode = 0;
    for (char c : text) {
      if (c > '7') return Bad(text, std::string("'") + c + "' is not an octal digit");
      mode = mode * 8 + static_cast<uint32_t>(c - '0');
    }
    spec.octal_ = true;
    spec.octal_mode_ = mode;
    return spec;
  }

  size_t i = 0;
  while (true) {
    Clause clause;
    while (i < text.size() && (text[i] == 'u' || text[i] == 'g' || text[i] == 'o' || text[i] == 'a')) {
      switch (text[i]) {
        case 'u': clause.who |= kWhoUser; break;
        case 'g': clause.who |= kWhoGroup; break;
        case 'o': clause.who |= kWhoOther; break;
        default: clause.who |= kWhoAll; break;
      }
      ++i;
    }
    if (clause.who == 0) clause.who = kWhoAll;
    if (i >= text.size() || (text[i] != '+' && text[i] != '-' && text[i] != '=')) {
      return Bad(text, "expected an operator +, - or = at offset " + std::to_string(i));
    }
    while (i < text.size() && (text[i] == '+' || text[i] == '-' || text[i] == '=')) {
      Action action;
      action.op = text[i++];
      if (i < text.size() && (text[i] == 'u' || text[i] == 'g' || text[i] == 'o')) {
        action.copy_from = text[i++];
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '+' && text[i] != '-' && text[i] != '=') {
          switch (text[i]) {
            case 'r': action.perms |= 0444; break;
            case 'w': action.perms |= 0222; break;
            case 'x': action.perms |= 0111; break;
            case 'X': action.conditional_x = true; break;
            case 's': action.perms |= 06000; break;
            case 't': action.perms |= 01000; break;
            default:
              return Bad(text, std::string("unknown permission '") + text[i] + "' at offset " +
                                   std::to_string(i));
          }
          ++i;
        }
      }
      clause.actions.push_back(action);
    }
    spec.clauses_.push_back(std::move(clause));
    if (i == text.size()) break;
    if (text[i] != ',') return Bad(text, "unexpected '" + std::string(1, text[i]) + "'");
    ++i;
    if (i == text.size()) return Bad(text, "trailing ','");
  }
  return spec;
}

uint32_t ChmodSpec::Apply(uint32_t mode, bool is_directory) const {
  mode &= 07777;
  if (octal_) return octal_mode_;
  for (const Clause& clause : clauses_) {
    for (const Action& action : clause.actions) {
      uint32_t bits = action.copy_from ? ClassBits(mode, action.copy_from) : action.perms;
      if (action.conditional_x && (is_directory || (mode & 0111) != 0)) bits |= 0111;
      bits &= clause.who;
      switch (action.op) {
        case '+': mode |= bits; break;
        case '-': mode &= ~bits; break;
        default: mode = (mode & ~clause.who) | bits; break;
      }
    }
  }
  return mode & 07777;
}

}  // namespace mybuild::fileops
