// The comments written above each instruction, as the reference parser keeps them (parser.Node's
// PrevComment): every comment line since the previous instruction, in order; an empty "#" line starts
// the list over, blank lines do not, parser directives are left out. `--call=outline` and
// `--call=targets` read the descriptions of build args and stages from them.
#ifndef MYBUILD_CHECKS_DOC_COMMENTS_H_
#define MYBUILD_CHECKS_DOC_COMMENTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/frontend/ast.h"

namespace mybuild::checks {

// One list per instruction of `dockerfile.instructions` (same index); `source` is the parsed text.
std::vector<std::vector<std::string>> PrecedingComments(const frontend::Dockerfile& dockerfile, std::string_view source);

// The reference's doc comment of `name`: the rest of the first comment that starts with "NAME " ("# sfx
// is a suffix" describes ARG sfx as "is a suffix"); "" when none does or `name` is empty.
std::string DocComment(const std::vector<std::string>& comments, const std::string& name);

}  // namespace mybuild::checks

#endif  // MYBUILD_CHECKS_DOC_COMMENTS_H_
