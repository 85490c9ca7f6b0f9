#include "src/cli/parse_command.h"

#include <iostream>
#include <memory>

#include "src/cli/dockerfile_source.h"
#include "src/cli/exit_codes.h"
#include "src/frontend/ast_json.h"
#include "src/frontend/dump.h"
#include "src/frontend/parser.h"
#include "src/frontend/validate.h"

namespace mybuild::cli {
namespace {

struct ParseOptions {
  std::vector<std::string> files;
  bool json = false;
};

int ParseOne(const std::string& file, bool json) {
  StatusOr<DockerfileSource> source = ReadDockerfile(file);
  if (!source.ok()) {
    std::cerr << "error: " << source.status().ToString() << "\n";
    return kExitFailure;
  }
  StatusOr<frontend::Dockerfile> ast = frontend::ParseDockerfile(source->text, source->name);
  if (!ast.ok()) {
    std::cerr << "error: " << ast.status().ToString() << "\n";
    return kExitFailure;
  }
  for (const frontend::Warning& warning : ast->warnings) {
    std::cerr << "warning: " << warning.location.ToString() << ": " << warning.message << "\n";
  }
  // The reference's parser accepts what only its instruction parser refuses (a bare HEALTHCHECK, an
  // unknown keyword): the tree is printed, and the problem is a warning here, an error in build and --check.
  if (Status valid = frontend::ValidateInstructions(*ast); !valid.ok()) {
    std::cerr << "warning: " << valid.ToString() << " (an error when building)\n";
  }
  if (json) {
    std::cout << frontend::DockerfileToJson(*ast).dump(2) << "\n";
  } else {
    std::cout << frontend::DumpDockerfile(*ast);
  }
  return kExitOk;
}

// Parses every file named (default: ./Dockerfile); fails when any of them fails.
int RunParse(const ParseOptions& options) {
  std::vector<std::string> files = options.files;
  if (files.empty()) files.push_back("Dockerfile");
  int exit_code = kExitOk;
  for (const std::string& file : files) {
    if (ParseOne(file, options.json) != kExitOk) exit_code = kExitFailure;
  }
  return exit_code;
}

}  // namespace

void AddParseCommand(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  auto options = std::make_shared<ParseOptions>();
  CLI::App* command = app.add_subcommand("parse", "Parse a Dockerfile and print its syntax tree");
  command->add_option("-f,--file,files", options->files,
                      "Dockerfiles to parse, in order (default: Dockerfile; \"-\" reads standard input)");
  command->add_flag("--json", options->json, "Print a structured AST as JSON instead of the one-line dump");
  command->callback([options, &run] { run = [options] { return RunParse(*options); }; });
}

}  // namespace mybuild::cli
