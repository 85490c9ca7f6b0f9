#include "src/checks/check_rule.h"

namespace mybuild::checks {

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule> kRules = {
      {"StageNameCasing", "write stage names in lower case", CheckStageNameCasing},
      {"FromAsCasing", "write 'AS' in the same case as 'FROM'", CheckFromAsCasing},
      {"NoEmptyContinuation", "remove the empty line or end it with a comment", CheckNoEmptyContinuation},
      {"ConsistentInstructionCasing", "write every instruction keyword in the same case", CheckConsistentInstructionCasing},
      {"DuplicateStageName", "give each stage its own name", CheckDuplicateStageName},
      {"ReservedStageName", "rename the stage: 'scratch' and 'context' are reserved", CheckReservedStageName},
      {"JSONArgsRecommended", "use the JSON form, e.g. CMD [\"prog\", \"arg\"], so the program gets signals", CheckJsonArgsRecommended},
      {"MaintainerDeprecated", "use LABEL org.opencontainers.image.authors=\"…\" instead", CheckMaintainerDeprecated},
      {"UndefinedArgInFrom", "declare the ARG before the first FROM", CheckUndefinedArgInFrom},
      {"WorkdirRelativePath", "set an absolute WORKDIR first in this stage", CheckWorkdirRelativePath},
      {"UndefinedVar", "define the variable with ARG or ENV before this instruction", CheckUndefinedVar},
      {"MultipleInstructionsDisallowed", "keep only the last of these instructions in the stage", CheckMultipleInstructionsDisallowed},
      {"LegacyKeyValueFormat", "write KEY=VALUE (quote the value when it holds spaces)", CheckLegacyKeyValueFormat},
      {"InvalidBaseImagePlatform", "name an image made for the target platform (or set FROM --platform)", CheckInvalidBaseImagePlatform},
      {"RedundantTargetPlatform", "drop --platform=$TARGETPLATFORM: it is the default", CheckRedundantTargetPlatform},
      {"SecretsUsedInArgOrEnv", "pass secrets with RUN --mount=type=secret and --secret instead", CheckSecretsUsedInArgOrEnv},
      {"InvalidDefaultArgInFrom", "give the global ARG a default that names an image, e.g. ARG BASE=alpine:3.20", CheckInvalidDefaultArgInFrom},
      {"FromPlatformFlagConstDisallowed", "use --platform=$BUILDPLATFORM (or a variable), or name the stage for its platform", CheckFromPlatformFlagConstDisallowed},
      {"CopyIgnoredFile", "remove the file from .dockerignore or from the instruction", CheckCopyIgnoredFile},
      {"ExposeProtoCasing", "write the protocol in lower case (tcp, udp)", CheckExposeProtoCasing},
      {"ExposeInvalidFormat", "EXPOSE only the container port: publish host ports at run time", CheckExposeInvalidFormat},
      // Our own rules (no reference builder warns about these).
      {"CopyAllBeforeDependencyInstall", "COPY the dependency manifests (package.json, requirements.txt, go.mod …) first, RUN the install, then COPY . .", CheckCopyAllBeforeDependencyInstall},
      {"AptInstallRecommends", "add --no-install-recommends to apt-get install", CheckAptInstallRecommends},
      {"AptUpdateSeparate", "RUN apt-get update && apt-get install -y … in one RUN", CheckAptUpdateSeparate},
      {"AddLocalNonArchive", "use COPY for local files; keep ADD for archives to unpack and URLs", CheckAddLocalNonArchive},
      {"RunCd", "set WORKDIR /dir instead of starting the RUN with cd", CheckRunCd},
      {"SecretInBuildArg", "pass it with --secret id=NAME and read it in RUN --mount=type=secret,id=NAME", CheckSecretInBuildArg},
      {"UnpinnedBaseImage", "pin a tag and its digest, e.g. FROM alpine:3.20@sha256:…", CheckUnpinnedBaseImage},
      {"UnreachableStage", "remove the stage, name it to make it a target, or COPY --from it", CheckUnreachableStage},
  };
  return kRules;
}

const Rule* FindRule(const std::string& name) {
  for (const Rule& rule : AllRules()) {
    if (name == rule.name) return &rule;
  }
  return nullptr;
}

}  // namespace mybuild::checks
