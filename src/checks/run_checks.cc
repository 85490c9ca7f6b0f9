#include "src/checks/run_checks.h"

#include <algorithm>

namespace mybuild::checks {
namespace {

std::string Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

StatusOr<CheckConfig> ParseCheckConfig(std::string_view text) {
  CheckConfig config;
  const std::string all = Trim(text);
  if (all.empty()) return config;
  size_t start = 0;
  while (start <= all.size()) {
    size_t end = all.find(';', start);
    if (end == std::string::npos) end = all.size();
    const std::string part = all.substr(start, end - start);
    start = end + 1;
    const size_t equals = part.find('=');
    if (equals == std::string::npos) return InvalidArgument("invalid check option \"" + part + "\": expected skip=…, error=… or experimental=…");
    const std::string key = Trim(part.substr(0, equals));
    const std::string value = Trim(part.substr(equals + 1));
    if (key == "skip") {
      if (value == "all") {
        config.skip_all = true;
        continue;
      }
      size_t at = 0;
      while (at <= value.size()) {
        size_t comma = value.find(',', at);
        if (comma == std::string::npos) comma = value.size();
        config.skip.insert(Trim(value.substr(at, comma - at)));
        at = comma + 1;
      }
    } else if (key == "error") {
      if (value == "true" || value == "1" || value == "TRUE" || value == "True" || value == "t" || value == "T") config.error = true;
      else if (value == "false" || value == "0" || value == "FALSE" || value == "False" || value == "f" || value == "F") config.error = false;
      else return InvalidArgument("invalid check option \"" + part + "\": error= takes true or false");
    } else if (key != "experimental") {
      return InvalidArgument("invalid check option \"" + key + "\": expected skip, error or experimental");
    }
  }
  return config;
}

StatusOr<CheckConfig> ConfigFor(const frontend::Dockerfile& dockerfile, const std::map<std::string, std::string>& build_args) {
  if (auto arg = build_args.find("BUILDKIT_DOCKERFILE_CHECK"); arg != build_args.end()) {
    StatusOr<CheckConfig> config = ParseCheckConfig(arg->second);
    if (!config.ok()) return config.status().WithContext("build arg BUILDKIT_DOCKERFILE_CHECK");
    return config;
  }
  for (const frontend::Directive& directive : dockerfile.directives) {
    if (directive.name != "check") continue;
    StatusOr<CheckConfig> config = ParseCheckConfig(directive.value);
    if (!config.ok()) return config.status().WithLocation(SourceLocation{dockerfile.filename, directive.line, 1, 0});
    return config;
  }
  return CheckConfig{};
}

std::vector<Finding> RunChecks(const CheckInput& input, const CheckConfig& config) {
  std::vector<Finding> findings;
  if (config.skip_all) return findings;
  for (const Rule& rule : AllRules()) {
    if (config.skip.count(rule.name) != 0) continue;
    rule.run(input, findings);
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::pair(a.location.line, a.location.column) < std::pair(b.location.line, b.location.column);
  });
  return findings;
}

std::string FormatFinding(const Finding& finding, std::string_view source) {
  std::string out = finding.location.ToString() + ": " + finding.rule + ": " + finding.message + "\n";
  // The source line and a caret under the column.
  int line = 1;
  size_t at = 0;
  while (line < finding.location.line && at < source.size()) {
    const size_t newline = source.find('\n', at);
    if (newline == std::string_view::npos) {
      at = source.size();
      break;
    }
    at = newline + 1;
    ++line;
  }
  if (line == finding.location.line && at < source.size()) {
    std::string_view text = source.substr(at, source.find('\n', at) == std::string_view::npos ? std::string_view::npos : source.find('\n', at) - at);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    out += "  " + std::string(text) + "\n";
    out += "  " + std::string(std::max(0, finding.location.column - 1), ' ') + "^\n";
  }
  if (const Rule* rule = FindRule(finding.rule)) out += "  hint: " + std::string(rule->hint) + "\n";
  return out;
}

std::string SummaryLine(size_t count) {
  if (count == 0) return "no warnings found";
  return std::to_string(count) + (count == 1 ? " warning found" : " warnings found");
}

}  // namespace mybuild::checks
