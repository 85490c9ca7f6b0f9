#include "src/cli/build_calls.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "src/cli/build_checks.h"
#include "src/cli/build_pipeline.h"
#include "src/cli/exit_codes.h"
#include "src/cli/store_format.h"
#include "src/planner/run_mount.h"
#include "src/registry/base64.h"

namespace mybuild::cli {
namespace {

using Json = nlohmann::ordered_json;

// The location of an instruction as the reference's pb.Location marshals it (zero fields left out).
Json LocationJson(int line, int end_line) {
  return {{"ranges", Json::array({{{"start", {{"line", line}}}, {"end", {{"line", end_line}}}}})}};
}

// Go's encoding/json escapes <, > and & (and U+2028, U+2029) in strings; nowhere else can they occur.
std::string GoJson(const Json& value) {
  const std::string text = value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out + "\n";
}

Json MountsJson(const std::vector<checks::OutlineMount>& mounts) {
  Json out = Json::array();
  for (const checks::OutlineMount& mount : mounts) {
    Json item = {{"name", mount.name}};
    if (mount.required) item["required"] = true;
    item["location"] = LocationJson(mount.line, mount.end_line);
    out.push_back(std::move(item));
  }
  return out;
}

std::string MountTable(const char* title, const std::vector<checks::OutlineMount>& mounts) {
  std::vector<std::vector<std::string>> rows = {{title, "REQUIRED"}};
  for (const checks::OutlineMount& mount : mounts) rows.push_back({mount.name, mount.required ? "true" : ""});
  return FormatTable(rows, 0, 3) + "\n";
}

}  // namespace

StatusOr<CallSpec> ParseCallSpec(std::string_view text) {
  CallSpec call;
  bool named = false;
  for (const std::string& field : planner::SplitCsv(text)) {
    const size_t equals = field.find('=');
    if (equals != std::string::npos) {
      const std::string key = field.substr(0, equals);
      const std::string value = field.substr(equals + 1);
      if (key != "format") return InvalidArgument("invalid --call field \"" + field + "\": expected NAME[,format=json]");
      if (value != "json" && value != "text" && !value.empty()) {
        return InvalidArgument("invalid --call format \"" + value + "\": expected json or text");
      }
      call.format = value == "json" ? "json" : "";
      continue;
    }
    if (named) return InvalidArgument("invalid --call value \"" + std::string(text) + "\": one name only");
    named = true;
    call.name = field == "lint" ? "check" : field;
  }
  if (call.name != "build" && call.name != "check" && call.name != "outline" && call.name != "targets") {
    return InvalidArgument("unknown --call \"" + call.name + "\": expected build, check, outline or targets");
  }
  if (!call.format.empty() && call.name != "outline" && call.name != "targets") {
    return InvalidArgument("--call=" + call.name + " has no format=json here (outline and targets have; for check use --progress rawjson)");
  }
  return call;
}

std::string FormatOutline(const checks::Outline& outline) {
  std::string out;
  if (!outline.name.empty() || !outline.description.empty()) {
    std::vector<std::vector<std::string>> rows = {{"TARGET:", outline.name.empty() ? "(default)" : outline.name}};
    if (!outline.description.empty()) rows.push_back({"DESCRIPTION:", outline.description});
    out += FormatTable(rows, 0, 1) + "\n";
  }
  if (!outline.args.empty()) {
    std::vector<std::vector<std::string>> rows = {{"BUILD ARG", "VALUE", "DESCRIPTION"}};
    for (const checks::OutlineArg& arg : outline.args) rows.push_back({arg.name, arg.value, arg.description});
    out += FormatTable(rows, 0, 3) + "\n";
  }
  if (!outline.secrets.empty()) out += MountTable("SECRET", outline.secrets);
  if (!outline.ssh.empty()) out += MountTable("SSH", outline.ssh);
  return out;
}

std::string FormatOutlineJson(const checks::Outline& outline, std::string_view source) {
  Json out = Json::object();
  if (!outline.name.empty()) out["name"] = outline.name;
  if (!outline.description.empty()) out["description"] = outline.description;
  if (!outline.args.empty()) {
    Json args = Json::array();
    for (const checks::OutlineArg& arg : outline.args) {
      Json item = {{"name", arg.name}};
      if (!arg.description.empty()) item["description"] = arg.description;
      if (!arg.value.empty()) item["value"] = arg.value;
      item["location"] = LocationJson(arg.line, arg.end_line);
      args.push_back(std::move(item));
    }
    out["args"] = std::move(args);
  }
  if (!outline.secrets.empty()) out["secrets"] = MountsJson(outline.secrets);
  if (!outline.ssh.empty()) out["ssh"] = MountsJson(outline.ssh);
  out["sources"] = Json::array({registry::Base64Encode(source)});
  return GoJson(out);
}

std::string FormatTargets(const std::vector<checks::TargetInfo>& targets) {
  std::vector<std::vector<std::string>> rows = {{"TARGET", "DESCRIPTION"}};
  for (const checks::TargetInfo& target : targets) {
    std::string name = target.name;
    if (target.is_default) name = name.empty() ? "(default)" : name + " (default)";
    rows.push_back({name, target.description});
  }
  return FormatTable(rows, 0, 1);
}

std::string FormatTargetsJson(const std::vector<checks::TargetInfo>& targets, std::string_view source) {
  Json list = Json::array();
  for (const checks::TargetInfo& target : targets) {
    Json item = Json::object();
    if (!target.name.empty()) item["name"] = target.name;
    if (target.is_default) item["default"] = true;
    if (!target.description.empty()) item["description"] = target.description;
    if (!target.base.empty()) item["base"] = target.base;
    if (!target.platform.empty()) item["platform"] = target.platform;
    item["location"] = LocationJson(target.line, target.end_line);
    list.push_back(std::move(item));
  }
  return GoJson(Json{{"targets", std::move(list)}, {"sources", Json::array({registry::Base64Encode(source)})}});
}

int RunInfoCall(const BuildOptions& options, const CallSpec& call) {
  StatusOr<std::map<std::string, std::string>> build_args = ParseKeyValues(options.build_args, "--build-arg", true);
  if (!build_args.ok()) {
    std::cerr << "error: " << build_args.status().ToString() << "\n";
    return kExitUsage;
  }
  StatusOr<LoadedDockerfile> loaded = LoadDockerfile(options);
  if (!loaded.ok()) {
    std::cerr << "error: " << loaded.status().ToString() << "\n";
    return kExitFailure;
  }
  const bool json = call.format == "json";
  if (call.name == "targets") {
    const std::vector<checks::TargetInfo> targets = checks::TargetsOf(loaded->dockerfile, loaded->source.text);
    std::cout << (json ? FormatTargetsJson(targets, loaded->source.text) : FormatTargets(targets));
    return kExitOk;
  }
  StatusOr<checks::Outline> outline = checks::OutlineOf(loaded->dockerfile, loaded->source.text, options.target, *build_args);
  if (!outline.ok()) {
    std::cerr << "error: " << outline.status().ToString() << "\n";
    return kExitFailure;
  }
  std::cout << (json ? FormatOutlineJson(*outline, loaded->source.text) : FormatOutline(*outline));
  return kExitOk;
}

}  // namespace mybuild::cli
