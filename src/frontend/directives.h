// Parser directives: "# name=value" lines at the very top of a Dockerfile (syntax, escape, check).
//
// Rules (reference parser): lines are read from the top; a line that starts with the comment prefix and
// matches `name = value` with a known name (case-insensitive) is a directive; the first line that does not
// (a blank line, an instruction, a plain comment, an unknown name) ends the block for good. A repeated
// directive is an error.
#ifndef MYBUILD_FRONTEND_DIRECTIVES_H_
#define MYBUILD_FRONTEND_DIRECTIVES_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/frontend/ast.h"

namespace mybuild::frontend {

class DirectiveParser {
 public:
  // `comment` is the line prefix ("#", or "//" for DetectSyntax); `first_line` is the line number before
  // the first line handed to ParseLine.
  explicit DirectiveParser(std::string comment = "#", int first_line = 0)
      : comment_(std::move(comment)), line_(first_line) {}

  // One physical line without its newline. Returns the directive it holds, nullopt when it holds none
  // (and from then on for every line), or an error for a repeated directive.
  StatusOr<std::optional<Directive>> ParseLine(std::string_view line);

  bool done() const { return done_; }

 private:
  std::string comment_;
  int line_;
  bool done_ = false;
  std::set<std::string> seen_;
};

// A frontend reference named by a directive: the first word of the value, the whole value, and its line.
struct DetectedDirective {
  std::string ref;
  std::string cmdline;
  int line = 0;
};

// The `syntax` directive of a Dockerfile in any of the accepted forms: "#" or "//" prefixed lines (after an
// optional "#!" shebang line and BOM), or a JSON object holding the key.
std::optional<DetectedDirective> DetectSyntax(std::string_view text);
// Any directive by name, "#" form only (as for `check`).
std::optional<DetectedDirective> FindDirective(std::string_view key, std::string_view text);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_DIRECTIVES_H_
