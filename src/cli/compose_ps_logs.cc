#include "src/cli/compose_ps_logs.h"

#include <iostream>
#include <set>

#include "src/base/files.h"
#include "src/cli/compose_follow.h"
#include "src/cli/compose_runtime.h"
#include "src/cli/container_format.h"
#include "src/cli/exit_codes.h"
#include "src/cli/store_format.h"
#include "src/compose/service_run.h"
#include "src/engine/container_health.h"
#include "src/engine/container_time.h"

namespace mybuild::cli {
namespace {

struct PsOptions {
  bool all = false;
  bool quiet = false;
  std::vector<std::string> services;
};

struct LogsOptions {
  bool follow = false;
  std::vector<std::string> services;
};

int Failed(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitFailure;
}

// The service's published ports as docker shows them: 127.0.0.1:8080->80/tcp.
std::string PortsText(const compose::Project& project, const std::string& service) {
  const compose::ReadEnvFile read = [](const std::string& path) { return ReadFileIfPresent(path, 1 << 20); };
  StatusOr<compose::ServiceRun> run = compose::ServiceRunFromModel(project, service, read);
  if (!run.ok()) return "";
  std::string text;
  for (const compose::ServicePort& port : run->ports) {
    if (!text.empty()) text += ", ";
    text += port.published != 0 ? port.host_ip + ":" + std::to_string(port.published) + "->" : "";
    text += std::to_string(port.target) + "/tcp";
  }
  return text;
}

// The project's containers of `services` (all when empty).
StatusOr<std::vector<engine::ContainerRecord>> Selected(ComposeRuntime& runtime, const compose::Project& project,
                                                        const std::vector<std::string>& services) {
  for (const std::string& service : services) {
    if (project.services.count(service) == 0) return NotFound("no such service: " + service);
  }
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> records, runtime.ProjectContainers(project.name));
  if (services.empty()) return records;
  const std::set<std::string> wanted(services.begin(), services.end());
  std::vector<engine::ContainerRecord> out;
  for (engine::ContainerRecord& record : records) {
    if (wanted.count(LabelOf(record, compose::kServiceLabel)) != 0) out.push_back(std::move(record));
  }
  return out;
}

// The project, its runtime and the containers of `services` (all when empty).
struct Opened {
  compose::Project project;
  std::unique_ptr<ComposeRuntime> runtime;
  std::vector<engine::ContainerRecord> records;
};
StatusOr<Opened> Open(const GlobalOptions& global, const ComposeOptions& compose_options,
                      const std::vector<std::string>& services) {
  Opened opened;
  MB_ASSIGN_OR_RETURN(opened.project, LoadComposeProject(compose_options));
  MB_ASSIGN_OR_RETURN(opened.runtime, ComposeRuntime::Open(global));
  MB_ASSIGN_OR_RETURN(opened.records, Selected(*opened.runtime, opened.project, services));
  return opened;
}

int RunPs(const GlobalOptions& global, const ComposeOptions& compose_options, const PsOptions& options) {
  StatusOr<Opened> opened = Open(global, compose_options, options.services);
  if (!opened.ok()) return Failed(opened.status());
  const compose::Project* project = &opened->project;
  const std::unique_ptr<ComposeRuntime>* runtime = &opened->runtime;
  const std::vector<engine::ContainerRecord>* records = &opened->records;
  const int64_t now = engine::NowNanos();
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"});
  for (const engine::ContainerRecord& record : *records) {
    if (!options.all && record.state.state != "running") continue;
    if (options.quiet) {
      std::cout << record.id << "\n";
      continue;
    }
    const std::string service = LabelOf(record, compose::kServiceLabel);
    std::optional<int64_t> created = engine::ParseTimeNanos(record.created);
    rows.push_back({record.name, record.image, CommandText(record.args), service,
                    HumanDuration(created ? std::max<int64_t>(now - *created, 0) / 1000000000 : 0) + " ago",
                    ComposeStatusText(record, engine::ReadHealth((*runtime)->containers, record), now),
                    record.state.state == "running" ? PortsText(*project, service) : ""});
  }
  if (!options.quiet) std::cout << FormatTable(rows);
  return kExitOk;
}

int RunLogs(const GlobalOptions& global, const ComposeOptions& compose_options, const LogsOptions& options) {
  StatusOr<Opened> opened = Open(global, compose_options, options.services);
  if (!opened.ok()) return Failed(opened.status());
  Status printed = PrintProjectLogs(*opened->runtime, opened->records, options.follow);
  return printed.ok() ? kExitOk : Failed(printed);
}

}  // namespace

std::string ComposeStatusText(const engine::ContainerRecord& record, const std::optional<engine::HealthState>& health,
                              int64_t now_nanos) {
  std::string text = ContainerStatusText(record.state, now_nanos);
  if (record.state.state != "running" || !health) return text;
  if (health->status == "healthy") return text + " (healthy)";
  if (health->status == "unhealthy") return text + " (unhealthy)";
  return text + " (health: starting)";
}

void AddComposePsLogsCommands(CLI::App& compose, const GlobalOptions& global, std::shared_ptr<ComposeOptions> compose_options,
                              std::function<int()>& run) {
  auto ps = std::make_shared<PsOptions>();
  CLI::App* ps_command = compose.add_subcommand("ps", "List the project's containers");
  ps_command->add_option("services", ps->services, "Only these services' containers");
  ps_command->add_flag("-a,--all", ps->all, "Also show stopped containers");
  ps_command->add_flag("-q,--quiet", ps->quiet, "Only show the container IDs");
  ps_command->callback([ps, compose_options, &global, &run] {
    run = [ps, compose_options, &global] { return RunPs(global, *compose_options, *ps); };
  });

  auto logs = std::make_shared<LogsOptions>();
  CLI::App* logs_command = compose.add_subcommand("logs", "Show the output of the project's containers");
  logs_command->add_option("services", logs->services, "Only these services' containers");
  logs_command->add_flag("-f,--follow", logs->follow, "Follow the output until the containers stop");
  logs_command->callback([logs, compose_options, &global, &run] {
    run = [logs, compose_options, &global] { return RunLogs(global, *compose_options, *logs); };
  });
}

}  // namespace mybuild::cli
