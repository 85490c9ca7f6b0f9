#include "src/cli/check_command.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "src/checks/run_checks.h"
#include "src/cli/build_checks.h"
#include "src/cli/build_pipeline.h"
#include "src/cli/dockerfile_source.h"
#include "src/cli/exit_codes.h"
#include "src/frontend/parser.h"
#include "src/frontend/validate.h"

namespace mybuild::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::vector<std::string> build_args;
  bool summary = false;
};

// The findings of one file; false when it could not be checked or its configuration makes them errors.
bool CheckOne(const std::string& file, const std::map<std::string, std::string>& build_args,
              std::map<std::string, size_t>& per_rule, size_t& total) {
  auto fail = [&](const Status& status) {
    std::cerr << "error: " << status.ToString() << "\n";
    return false;
  };
  StatusOr<DockerfileSource> source = ReadDockerfile(file);
  if (!source.ok()) return fail(source.status());
  StatusOr<frontend::Dockerfile> dockerfile = frontend::ParseDockerfile(source->text, source->name);
  if (!dockerfile.ok()) return fail(dockerfile.status());
  const std::filesystem::path context = std::filesystem::path(file).parent_path();
  StatusOr<std::string> dockerignore = ReadDockerignore(file, context.empty() ? "." : context);
  if (!dockerignore.ok()) return fail(dockerignore.status());
  StatusOr<CheckOutcome> outcome = EvaluateChecks(*dockerfile, *dockerignore, build_args);
  if (!outcome.ok()) return fail(outcome.status());
  PrintFindings(outcome->findings, source->text, false, "plain", std::cout);
  for (const checks::Finding& finding : outcome->findings) ++per_rule[finding.rule];
  total += outcome->findings.size();
  if (Status valid = frontend::ValidateInstructions(*dockerfile); !valid.ok()) return fail(valid);
  if (outcome->error) {
    std::cerr << "error: " << file << ": lint violations found (check=error=true)\n";
    return false;
  }
  return true;
}

int RunCheck(const CheckOptions& options) {
  StatusOr<std::map<std::string, std::string>> build_args = ParseKeyValues(options.build_args, "--build-arg", true);
  if (!build_args.ok()) {
    std::cerr << "error: " << build_args.status().ToString() << "\n";
    return kExitUsage;
  }
  std::map<std::string, size_t> per_rule;
  size_t total = 0;
  int exit_code = kExitOk;
  for (const std::string& file : options.files) {
    if (!CheckOne(file, *build_args, per_rule, total)) exit_code = kExitFailure;
  }
  std::cout << options.files.size() << (options.files.size() == 1 ? " file, " : " files, ") << checks::SummaryLine(total) << "\n";
  if (options.summary) {
    for (const checks::Rule& rule : checks::AllRules()) {
      if (auto count = per_rule.find(rule.name); count != per_rule.end()) std::cout << "  " << count->second << " " << rule.name << "\n";
    }
  }
  return exit_code;
}

}  // namespace

void AddCheckCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command = app.add_subcommand("check", "Run the build checks on several Dockerfiles in one process");
  command->add_option("files", options->files, "Dockerfiles to check")->required();
  command->add_option("--build-arg", options->build_args, "Set a build-time variable (K=V, or K from the environment)");
  command->add_flag("--summary", options->summary, "Also print the number of warnings per rule");
  command->callback([options, &run] { run = [options] { return RunCheck(*options); }; });
}

}  // namespace mybuild::cli
