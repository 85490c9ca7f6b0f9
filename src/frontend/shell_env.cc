#include "src/frontend/shell_env.h"

namespace mybuild::frontend {

EnvList::EnvList(std::initializer_list<Entry> entries) {
  for (const Entry& entry : entries) Set(entry.first, entry.second);
}

EnvList EnvList::FromStrings(const std::vector<std::string>& entries) {
  EnvList out;
  for (const std::string& entry : entries) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) {
      out.Set(entry, "");
    } else {
      out.Set(std::string_view(entry).substr(0, eq), std::string_view(entry).substr(eq + 1));
    }
  }
  return out;
}

void EnvList::Set(std::string_view name, std::string_view value) {
  for (Entry& entry : entries_) {
    if (entry.first == name) {
      entry.second = std::string(value);
      return;
    }
  }
  entries_.emplace_back(std::string(name), std::string(value));
}

std::optional<std::string_view> EnvList::Get(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (entry.first == name) return std::string_view(entry.second);
  }
  return std::nullopt;
}

std::vector<std::string> EnvList::ToStrings() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const Entry& entry : entries_) out.push_back(entry.first + "=" + entry.second);
  return out;
}

}  // namespace mybuild::frontend
