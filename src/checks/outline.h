// What `mybuild build --call=outline` and `--call=targets` report, as the reference's subrequests
// (BuildKit frontend/subrequests/outline and targets, computed by dockerfile2llb):
//  - the outline of the target: its name and description, the build args it and the stages it needs
//    read (the stage ARGs, and the global ARGs their FROM lines or a bare `ARG NAME` use, with the
//    global ARGs those defaults refer to), each with its value (the --build-arg, else the default
//    expanded) and the comment above its ARG; and the secrets and ssh sockets their RUN --mounts use;
//  - the targets: every stage with the comment above its FROM, the last stage marked as the default.
// A description is a comment "# NAME text" above the instruction (doc_comments.h).
#ifndef MYBUILD_CHECKS_OUTLINE_H_
#define MYBUILD_CHECKS_OUTLINE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/frontend/ast.h"

namespace mybuild::checks {

struct OutlineArg {
  std::string name;
  std::string value;        // "" when neither a default nor a --build-arg gives one
  std::string description;
  int line = 0;             // the ARG instruction (first and last line)
  int end_line = 0;
};

struct OutlineMount {       // a secret (by id) or an ssh socket (by id, "default")
  std::string name;
  bool required = false;
  int line = 0;             // the first RUN that mounts it
  int end_line = 0;
};

struct Outline {
  std::string name;         // the target stage's name (lower case), "" for an unnamed one
  std::string description;
  std::vector<OutlineArg> args;       // in line order
  std::vector<OutlineMount> secrets;  // in line order
  std::vector<OutlineMount> ssh;      // in line order
};

// `target` "" = the last stage. Errors: those of planning the target (unknown target, bad ARG word …).
StatusOr<Outline> OutlineOf(const frontend::Dockerfile& dockerfile, std::string_view source, const std::string& target,
                            const std::map<std::string, std::string>& build_args);

struct TargetInfo {
  std::string name;         // lower case, "" when unnamed
  std::string description;
  std::string base;         // the FROM image as written
  std::string platform;     // FROM --platform as written
  bool is_default = false;  // the last stage
  int line = 0;
  int end_line = 0;
};

std::vector<TargetInfo> TargetsOf(const frontend::Dockerfile& dockerfile, std::string_view source);

}  // namespace mybuild::checks

#endif  // MYBUILD_CHECKS_OUTLINE_H_
