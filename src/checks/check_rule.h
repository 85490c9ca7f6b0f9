// Build checks: the reference builder's lint rules (BuildKit frontend/dockerfile/linter) over a parsed
// Dockerfile. Each rule is one function that reads the AST and appends findings; the registry
// (registry.cc) names them as the reference does so that `# check=skip=Name` means the same thing.
#ifndef MYBUILD_CHECKS_CHECK_RULE_H_
#define MYBUILD_CHECKS_CHECK_RULE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/base/source_location.h"
#include "src/frontend/ast.h"
#include "src/frontend/dockerignore.h"

namespace mybuild::checks {

struct Finding {
  std::string rule;      // "JSONArgsRecommended"
  std::string message;   // as the reference words it
  SourceLocation location;
};

// The platform a base image in the local store was made for; nullopt when the image is not there.
class BaseImagePlatforms {
 public:
  virtual ~BaseImagePlatforms() = default;
  // `reference` as written in FROM after expansion ("alpine:3.20"); the result is "os/arch[/variant]".
  virtual std::optional<std::string> PlatformOf(const std::string& reference) const = 0;
};

// What the rules read. `dockerignore` may be null (no context: CopyIgnoredFile is not evaluated),
// `build_args` null (SecretInBuildArg is not), `images` null (InvalidBaseImagePlatform is not).
struct CheckInput {
  const frontend::Dockerfile* dockerfile = nullptr;
  const frontend::DockerIgnore* dockerignore = nullptr;
  const std::map<std::string, std::string>* build_args = nullptr;  // --build-arg NAME → value
  const BaseImagePlatforms* images = nullptr;
  std::string target_platform;  // "os/arch[/variant]" of the build (--platform, else the host's)
};

using RuleFunction = void (*)(const CheckInput&, std::vector<Finding>&);

struct Rule {
  const char* name;
  const char* hint;  // one line: what to do instead
  RuleFunction run;
};

// Every rule: the reference's in its order, then our own.
const std::vector<Rule>& AllRules();
const Rule* FindRule(const std::string& name);

// The rule functions (one concept per file: rules_from.cc, rules_instructions.cc, rules_sources.cc,
// rules_vars.cc, rules_stages.cc, rules_own_run.cc).
void CheckStageNameCasing(const CheckInput&, std::vector<Finding>&);
void CheckFromAsCasing(const CheckInput&, std::vector<Finding>&);
void CheckNoEmptyContinuation(const CheckInput&, std::vector<Finding>&);
void CheckConsistentInstructionCasing(const CheckInput&, std::vector<Finding>&);
void CheckDuplicateStageName(const CheckInput&, std::vector<Finding>&);
void CheckReservedStageName(const CheckInput&, std::vector<Finding>&);
void CheckJsonArgsRecommended(const CheckInput&, std::vector<Finding>&);
void CheckMaintainerDeprecated(const CheckInput&, std::vector<Finding>&);
void CheckUndefinedArgInFrom(const CheckInput&, std::vector<Finding>&);
void CheckWorkdirRelativePath(const CheckInput&, std::vector<Finding>&);
void CheckUndefinedVar(const CheckInput&, std::vector<Finding>&);
void CheckMultipleInstructionsDisallowed(const CheckInput&, std::vector<Finding>&);
void CheckLegacyKeyValueFormat(const CheckInput&, std::vector<Finding>&);
void CheckRedundantTargetPlatform(const CheckInput&, std::vector<Finding>&);
void CheckInvalidDefaultArgInFrom(const CheckInput&, std::vector<Finding>&);
void CheckSecretsUsedInArgOrEnv(const CheckInput&, std::vector<Finding>&);
void CheckFromPlatformFlagConstDisallowed(const CheckInput&, std::vector<Finding>&);
void CheckCopyIgnoredFile(const CheckInput&, std::vector<Finding>&);
void CheckExposeProtoCasing(const CheckInput&, std::vector<Finding>&);
void CheckExposeInvalidFormat(const CheckInput&, std::vector<Finding>&);
void CheckInvalidBaseImagePlatform(const CheckInput&, std::vector<Finding>&);
// Rules of our own (rules_own_run.cc; SecretInBuildArg, UnpinnedBaseImage, UnreachableStage in rules_stages.cc).
void CheckCopyAllBeforeDependencyInstall(const CheckInput&, std::vector<Finding>&);
void CheckAptInstallRecommends(const CheckInput&, std::vector<Finding>&);
void CheckAptUpdateSeparate(const CheckInput&, std::vector<Finding>&);
void CheckAddLocalNonArchive(const CheckInput&, std::vector<Finding>&);
void CheckRunCd(const CheckInput&, std::vector<Finding>&);
void CheckSecretInBuildArg(const CheckInput&, std::vector<Finding>&);
void CheckUnpinnedBaseImage(const CheckInput&, std::vector<Finding>&);
void CheckUnreachableStage(const CheckInput&, std::vector<Finding>&);

}  // namespace mybuild::checks

#endif  // MYBUILD_CHECKS_CHECK_RULE_H_
