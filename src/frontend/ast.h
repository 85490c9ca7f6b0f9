// The Dockerfile AST: what the parser produces and every later stage consumes. Plain data, no ANTLR.
//
// The shape follows the reference builder's parse tree so that the golden dumps can be checked, with
// the details a build needs made explicit: flags split off, JSON vs shell form, heredoc bodies, and the
// location of every instruction.
#ifndef MYBUILD_FRONTEND_AST_H_
#define MYBUILD_FRONTEND_AST_H_

#include <memory>
#include <string>
#include <vector>

#include "src/base/source_location.h"

namespace mybuild::frontend {

// How the arguments of RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD, VOLUME and HEALTHCHECK CMD were written.
enum class CommandForm {
  kNone,   // the instruction has no such distinction (ENV, FROM, …)
  kShell,  // plain text (RUN echo hi)
  kJson,   // a JSON array of strings (RUN ["echo", "hi"]); `args` holds the decoded elements
};

// A heredoc body taken out of the instruction stream (RUN <<EOF … EOF).
struct Heredoc {
  std::string name;             // the delimiter word, quotes removed ("EOF")
  std::string content;          // the body lines as written, each with its line ending; for <<- the
                                // leading tabs are still there (ChompHeredocContent in heredoc.h removes
                                // them, as the reference builder does when it uses the body)
  bool expand = true;           // false when the delimiter was quoted: no variable expansion
  bool chomp = false;           // true for <<- (leading tabs stripped)
  int file_descriptor = 0;      // the fd of "3<<EOF"; 0 when none was written
  int start_line = 0;           // first body line (1-based); the terminator's line when the body is empty
  int end_line = 0;             // the terminator's line
};

// One instruction. `args` is exactly the reference parser's node chain (see FORMAT.md §1.4):
//  - FROM, EXPOSE, and shell-form COPY/ADD/VOLUME: whitespace-split words, no quote processing;
//  - JSON form of RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD/VOLUME: the decoded strings;
//  - shell form of RUN/CMD/ENTRYPOINT/SHELL: one element, the rest of the line verbatim;
//  - HEALTHCHECK: the subcommand word ("CMD", "NONE"), then the CMD arguments as for CMD;
//  - ENV, LABEL: triples key, value, separator ("=" for the key=value form, "" for the old form),
//    values with their quotes and escapes still in them (expansion happens later);
//  - ARG: one element per word, quotes kept;
//  - MAINTAINER, USER, WORKDIR, STOPSIGNAL: one element, the rest of the line;
//  - ONBUILD: empty, with the triggered instruction in `onbuild`;
//  - an unknown keyword: one empty string (the reference dump prints `(foo "")`).
// Heredocs of an ONBUILD trigger are stored on the ONBUILD instruction itself, as the reference does.
struct Instruction {
  std::string keyword;             // lower case: "run", "copy", … (unknown words kept as written, lowered)
  std::string keyword_as_written;  // the keyword exactly as written ("Run"), for messages
  std::vector<std::string> flags;  // leading "--name[=value]" words, quotes removed, "--" dropped
  std::vector<std::string> args;
  CommandForm form = CommandForm::kNone;
  std::vector<Heredoc> heredocs;   // RUN, COPY, ADD only (also under ONBUILD)
  std::unique_ptr<Instruction> onbuild;
  std::string original;            // the logical line as written (continuations joined, no heredoc bodies)
  SourceLocation location;         // first line and column of the keyword; end_line = last physical line,
                                   // heredoc bodies included
};

struct Directive {
  std::string name;   // lower case: "syntax", "escape", "check"
  std::string value;
  int line = 0;
};

struct Warning {
  std::string message;  // "Empty continuation line found in: RUN …"
  std::string detail;   // a longer explanation
  std::string url;      // where the rule is documented
  SourceLocation location;
};

struct Dockerfile {
  std::string filename;  // as given to the parser, used in every location
  char escape = '\\';    // '\\' or '`'
  std::vector<Directive> directives;
  std::vector<Instruction> instructions;
  std::vector<Warning> warnings;  // e.g. empty continuation lines
  int start_line = 0;             // first and last line holding an instruction (1-based)
  int end_line = 0;
};

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_AST_H_
