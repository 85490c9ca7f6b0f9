#include "src/cli/container_format.h"

#include <algorithm>

#include "src/cli/store_format.h"
#include "src/engine/container_time.h"

namespace mybuild::cli {
namespace {

constexpr size_t kCommandWidth = 20;

// Characters, not bytes: the ellipsis counts as one.
size_t DisplayWidth(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

}  // namespace

std::string ContainerStatusText(const engine::ContainerState& state, int64_t now_nanos) {
  auto since = [&](const std::string& time) {
    std::optional<int64_t> at = engine::ParseTimeNanos(time);
    return HumanDuration(at ? std::max<int64_t>(now_nanos - *at, 0) / 1000000000 : 0);
  };
  if (state.state == "running") return "Up " + since(state.started_at);
  if (state.state == "exited") {
    return "Exited (" + std::to_string(state.exit_code) + ") " + since(state.finished_at) + " ago";
  }
  return "Created";
}

std::string CommandText(const std::vector<std::string>& args) {
  std::string command;
  for (const std::string& arg : args) command += (command.empty() ? "" : " ") + arg;
  if (DisplayWidth(command) > kCommandWidth) {
    std::string cut;
    size_t width = 0;
    for (size_t i = 0; i < command.size() && width < kCommandWidth - 1; ++i) {
      cut.push_back(command[i]);
      if (i + 1 >= command.size() || (command[i + 1] & 0xc0) != 0x80) ++width;
    }
    command = cut + "…";
  }
  return "\"" + command + "\"";
}

std::string FormatContainerTable(const std::vector<engine::ContainerRecord>& records, int64_t now_nanos) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"});
  for (const engine::ContainerRecord& record : records) {
    std::optional<int64_t> created = engine::ParseTimeNanos(record.created);
    rows.push_back({record.id.substr(0, 12), record.image, CommandText(record.args),
                    HumanDuration(created ? std::max<int64_t>(now_nanos - *created, 0) / 1000000000 : 0) + " ago",
                    ContainerStatusText(record.state, now_nanos), "", record.name});
  }
  return FormatTable(rows);
}

}  // namespace mybuild::cli
