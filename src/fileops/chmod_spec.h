// COPY/ADD --chmod: parsed once, applied to every copied file and directory.
//
// Accepted forms:
//   - octal: 1 to 4 digits 0-7 ("755", "0644", "4755"): the mode is replaced;
//   - symbolic, as chmod(1): comma-separated clauses `[ugoa]*([-+=]([rwxXst]*|[ugo]))+`, e.g. "u+x",
//     "go-w", "a=rX", "u=rwx,g=rx,o=". An empty "who" means "a" (no umask is applied). `X` adds execute
//     only for directories and for files that already have an execute bit.
#ifndef MYBUILD_FILEOPS_CHMOD_SPEC_H_
#define MYBUILD_FILEOPS_CHMOD_SPEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::fileops {

class ChmodSpec {
 public:
  ChmodSpec() = default;  // keeps every mode unchanged
  // kInvalidArgument naming the text and what was expected.
  static StatusOr<ChmodSpec> Parse(std::string_view text);

  bool empty() const { return !octal_ && clauses_.empty(); }
  // The new permission bits (07777) for an entry whose current bits are `mode`.
  uint32_t Apply(uint32_t mode, bool is_directory) const;

 private:
  struct Action {
    char op = '+';          // '+', '-', '='
    uint32_t perms = 0;     // from r, w, x, s, t (in "all" positions, masked by who later)
    bool conditional_x = false;  // X
    char copy_from = 0;     // 'u', 'g' or 'o' for "g=u" style; 0 otherwise
  };
  struct Clause {
    uint32_t who = 0;  // mask of the u/g/o positions (plus setuid/setgid/sticky where they belong)
    std::vector<Action> actions;
  };
  bool octal_ = false;
  uint32_t octal_mode_ = 0;
  std::vector<Clause> clauses_;
};

}  // namespace mybuild::fileops

#endif  // MYBUILD_FILEOPS_CHMOD_SPEC_H_
