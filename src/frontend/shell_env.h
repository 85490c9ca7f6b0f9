// The environment a word is expanded in: build args and ENV values in force at an instruction.
#ifndef MYBUILD_FRONTEND_SHELL_ENV_H_
#define MYBUILD_FRONTEND_SHELL_ENV_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mybuild::frontend {

// An ordered list of NAME=value pairs. Setting a name that is already present replaces its value in
// place (so the last assignment wins and the order of first appearance is kept). Names are compared
// byte for byte: case-sensitive, as on Linux. A name may be set to the empty string, which is
// different from not being set.
class EnvList {
 public:
  using Entry = std::pair<std::string, std::string>;

  EnvList() = default;
  EnvList(std::initializer_list<Entry> entries);

  // From "NAME=value" strings, split at the first '='; a string without '=' sets NAME to "".
  static EnvList FromStrings(const std::vector<std::string>& entries);

  void Set(std::string_view name, std::string_view value);
  // The value of `name`, or nullopt when it is not set.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }
  // "NAME=value" strings in order.
  std::vector<std::string> ToStrings() const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_SHELL_ENV_H_
