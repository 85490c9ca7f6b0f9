#include "src/cli/build_checks.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "src/checks/run_checks.h"
#include "src/cli/build_pipeline.h"
#include "src/cli/dockerfile_source.h"
#include "src/cli/exit_codes.h"
#include "src/cli/store_access.h"
#include "src/image/reference.h"
#include "src/frontend/dockerignore.h"
#include "src/frontend/parser.h"
#include "src/frontend/validate.h"

namespace mybuild::cli {

std::optional<std::string> StoreImagePlatforms::PlatformOf(const std::string& reference) const {
  StatusOr<std::string> normalized = image::NormalizeReference(reference);
  if (!normalized.ok()) return std::nullopt;
  StatusOr<Digest> manifest = images_.Resolve(*normalized);
  if (!manifest.ok()) return std::nullopt;
  StatusOr<image::StoredImage> stored = image::LoadImage(blobs_, *manifest);
  if (!stored.ok()) return std::nullopt;
  const image::ImageConfig& config = stored->config;
  return config.os + "/" + config.architecture + (config.variant.empty() ? "" : "/" + config.variant);
}

StatusOr<CheckOutcome> EvaluateChecks(const frontend::Dockerfile& dockerfile, const std::string& dockerignore,
                                      const std::map<std::string, std::string>& build_args,
                                      const checks::BaseImagePlatforms* images, const std::string& target_platform) {
  MB_ASSIGN_OR_RETURN(checks::CheckConfig config, checks::ConfigFor(dockerfile, build_args));
  MB_ASSIGN_OR_RETURN(frontend::DockerIgnore ignore, frontend::DockerIgnore::Parse(dockerignore));
  checks::CheckInput input{&dockerfile, &ignore, &build_args, images, target_platform};
  CheckOutcome outcome;
  outcome.findings = checks::RunChecks(input, config);
  outcome.error = config.error && !outcome.findings.empty();
  return outcome;
}

void PrintFindings(const std::vector<checks::Finding>& findings, const std::string& source, bool detailed,
                   const std::string& progress, std::ostream& out) {
  for (const checks::Finding& finding : findings) {
    if (progress == "rawjson") {
      const nlohmann::json event = {{"type", "warning"},   {"rule", finding.rule},
                                    {"message", finding.message}, {"file", finding.location.file},
                                    {"line", finding.location.line}, {"column", finding.location.column}};
      out << event.dump() << "\n";
    } else if (detailed) {
      out << checks::FormatFinding(finding, source);
    } else {
      out << "warning: " << finding.location.ToString() << ": " << finding.rule << ": " << finding.message << "\n";
    }
  }
}

StatusOr<LoadedDockerfile> LoadDockerfile(const BuildOptions& options) {
  const std::filesystem::path context = options.context;
  const std::string path = options.file.empty() ? (context / "Dockerfile").string() : options.file;
  MB_ASSIGN_OR_RETURN(DockerfileSource source, ReadDockerfile(path));
  MB_ASSIGN_OR_RETURN(frontend::Dockerfile dockerfile, frontend::ParseDockerfile(source.text, source.name));
  return LoadedDockerfile{std::move(source), std::move(dockerfile)};
}

int RunCheckOnly(const GlobalOptions& global, const BuildOptions& options) {
  const std::filesystem::path context = options.context;
  const std::string path = options.file.empty() ? (context / "Dockerfile").string() : options.file;
  auto fail = [](const Status& status) {
    std::cerr << "error: " << status.ToString() << "\n";
    return kExitFailure;
  };
  StatusOr<std::map<std::string, std::string>> build_args = ParseKeyValues(options.build_args, "--build-arg", true);
  if (!build_args.ok()) {
    std::cerr << "error: " << build_args.status().ToString() << "\n";
    return kExitUsage;
  }
  StatusOr<LoadedDockerfile> loaded = LoadDockerfile(options);
  if (!loaded.ok()) return fail(loaded.status());
  const DockerfileSource* source = &loaded->source;
  const frontend::Dockerfile* dockerfile = &loaded->dockerfile;
  StatusOr<std::string> dockerignore = ReadDockerignore(path, context);
  if (!dockerignore.ok()) return fail(dockerignore.status());
  std::optional<LocalStore> store;
  if (std::error_code ec; std::filesystem::is_directory(ResolveRoot(global), ec)) {
    StatusOr<LocalStore> opened = OpenLocalStore(global);
    if (opened.ok()) store.emplace(std::move(*opened));
  }
  std::optional<StoreImagePlatforms> platforms;
  if (store) platforms.emplace(store->blobs, store->images);
  StatusOr<CheckOutcome> outcome =
      EvaluateChecks(*dockerfile, *dockerignore, *build_args, platforms ? &*platforms : nullptr, options.platform);
  if (!outcome.ok()) return fail(outcome.status());
  PrintFindings(outcome->findings, source->text, true, options.progress, std::cout);
  std::cout << checks::SummaryLine(outcome->findings.size()) << "\n";
  // An instruction the build refuses (a bare HEALTHCHECK, an unknown keyword) fails the check, as the
  // reference's lint result carries the build error.
  if (Status valid = frontend::ValidateInstructions(*dockerfile); !valid.ok()) return fail(valid);
  if (outcome->error) {
    std::cerr << "error: lint violations found (check=error=true)\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace mybuild::cli
