// Heredoc recognition on an instruction line (RUN <<EOF, COPY <<-'A' 3<<B …), as the reference parser does
// it: the line is split into words by a shell lexer that keeps quotes and escapes, and every word of the form
// [fd]<<[-]WORD names a heredoc. The bodies themselves are cut out of the input by the lexer.
#ifndef MYBUILD_FRONTEND_HEREDOC_H_
#define MYBUILD_FRONTEND_HEREDOC_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/frontend/ast.h"

namespace mybuild::frontend {

// Parses one word such as "<<EOF", "<<-'EOF'", "3<<EOF", "<< EOF". nullopt when the word is no heredoc
// ("EOF", "<<", "<<EOF sh"); an error when its quotes are unbalanced ("<<'EOF"). The returned Heredoc has
// name, expand (false when any part of the word was quoted), chomp and file_descriptor set.
StatusOr<std::optional<Heredoc>> ParseHeredocWord(std::string_view word);

// The heredocs announced on a logical line, in order (empty when none).
StatusOr<std::vector<Heredoc>> HeredocsFromLine(std::string_view line);

// Removes the leading tabs of every line (what <<- means; applied by the builder, not the parser).
std::string ChompHeredocContent(std::string_view content);

// The words of `text` as the reference shell lexer (escape '\\', unset variables kept as written, empty
// environment) returns them, with the given raw flags; nullopt on a lexing error (unbalanced quotes).
// Exposed for tests.
std::optional<std::vector<std::string>> HeredocShellWords(std::string_view text, bool raw_quotes,
                                                          bool raw_escapes);

}  // namespace mybuild::frontend

#endif  // MYBUILD_FRONTEND_HEREDOC_H_
