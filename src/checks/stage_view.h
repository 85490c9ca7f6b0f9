// The Dockerfile's instructions grouped by stage, and the parts of a FROM line, for the rules.
#ifndef MYBUILD_CHECKS_STAGE_VIEW_H_
#define MYBUILD_CHECKS_STAGE_VIEW_H_

#include <optional>
#include <string>
#include <vector>

#include "src/frontend/ast.h"
#include "src/frontend/shell_lexer.h"

namespace mybuild::checks {

struct FromParts {
  std::string image;       // first word as written ("alpine:${V}")
  std::string as_keyword;  // "AS" / "as" as written; empty without a name
  std::string name;        // stage name as written
  std::optional<std::string> platform;  // --platform value as written
};

struct StageView {
  const frontend::Instruction* from = nullptr;
  FromParts parts;
  std::vector<const frontend::Instruction*> body;  // the instructions after FROM, up to the next FROM
};

struct DockerfileView {
  std::vector<const frontend::Instruction*> global_args;  // ARGs before the first FROM
  std::vector<StageView> stages;
};

DockerfileView ViewOf(const frontend::Dockerfile& dockerfile);

struct GlobalArgs {
  frontend::EnvList env;           // declared names with a default, defaults expanded
  std::vector<std::string> names;  // every declared name
};

// The ARGs before the first FROM with their defaults (no --build-arg values: what the file says).
GlobalArgs ReadGlobalArgs(const DockerfileView& view, const frontend::ShellLexer& lexer);

// The flag value of "--name=value" among `flags`, nullopt when absent.
std::optional<std::string> FlagValue(const std::vector<std::string>& flags, const std::string& name);

bool IsLower(const std::string& text);
// The reference's secret-name test (SecretsUsedInArgOrEnv): a '_'-separated part is a token, key,
// password, secret … and none is public, file or version.
bool LooksLikeSecretName(const std::string& key);
bool IsUpper(const std::string& text);

}  // namespace mybuild::checks

#endif  // MYBUILD_CHECKS_STAGE_VIEW_H_
