#include "src/cli/compose_up.h"

#include <signal.h>

#include <atomic>
#include <iostream>
#include <optional>
#include <set>
#include <thread>

#include "src/base/digest.h"
#include "src/base/files.h"
#include "src/cli/compose_build.h"
#include "src/cli/compose_follow.h"
#include "src/cli/compose_run_options.h"
#include "src/cli/compose_runtime.h"
#include "src/cli/exit_codes.h"
#include "src/cli/interrupts.h"
#include "src/compose/config_output.h"
#include "src/compose/service_run.h"
#include "src/engine/container_detach.h"
#include "src/engine/container_health.h"
#include "src/engine/container_volumes.h"
#include "src/engine/network_holder.h"
#include "src/engine/volume_store.h"

namespace mybuild::cli {
namespace {

namespace fs = std::filesystem;

struct UpOptions {
  std::vector<std::string> services;
  bool detach = false;
  bool build = false;
  bool no_build = false;
  bool wait = false;
  bool abort_on_container_exit = false;
  std::string exit_code_from;
};

struct DownOptions {
  bool volumes = false;
  bool remove_orphans = false;
};

void Say(const std::string& kind, const std::string& name, const std::string& what) {
  std::cerr << " " << kind << " " << name << "  " << what << "\n";
}

int Failed(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitFailure;
}

StatusOr<ServiceRuns> LoadRuns(const compose::Project& project) {
  const compose::ReadEnvFile read = [](const std::string& path) { return ReadFileIfPresent(path, 1 << 20); };
  ServiceRuns runs;
  for (const auto& [name, service] : project.services) {
    MB_ASSIGN_OR_RETURN(compose::ServiceRun run, compose::ServiceRunFromModel(project, name, read));
    runs.emplace(name, std::move(run));
  }
  MB_RETURN_IF_ERROR(CheckPortConflicts(runs));
  return runs;
}

// The service's model and its image: a container made from other ones is recreated.
std::string ConfigHash(const compose::Project& project, const std::string& service, const std::string& image_id) {
  const nlohmann::ordered_json model = compose::ModelToJson(project.model);
  return Digest::Of(model["services"][service].dump() + "\n" + image_id).hex();
}

// The holder of every network the services use, started when it is not up.
Status UpNetworks(ComposeRuntime& runtime, const std::string& project, const ServiceRuns& runs,
                  const std::vector<std::string>& order) {
  std::set<std::string> done;
  for (const std::string& service : order) {
    MB_ASSIGN_OR_RETURN(std::string network, ServiceNetworkName(runs.at(service)));
    if (network.empty() || !done.insert(network).second) continue;
    const fs::path dir = engine::NetworkDir(runtime.store.root, network);
    const std::vector<engine::PublishedPort> ports = NetworkPorts(runs, network);
    if (engine::NetworkHolderAlive(dir)) {
      MB_ASSIGN_OR_RETURN(std::vector<engine::PublishedPort> held, engine::NetworkHolderPorts(dir));
      std::set<std::string> want, have;
      for (const auto& port : ports) want.insert(engine::FormatPublishedPort(port));
      for (const auto& port : held) have.insert(engine::FormatPublishedPort(port));
      if (want != have) {
        return FailedPrecondition("network " + network + " is up with other published ports: run compose down first");
      }
      continue;
    }
    // A holder that died leaves its directory: start afresh.
    MB_RETURN_IF_ERROR(engine::StopNetworkHolder(dir));
    MB_RETURN_IF_ERROR(engine::StartNetworkHolder(dir, ports, runtime.monitor_program));
    MB_RETURN_IF_ERROR(WriteFileAtomically(dir / "project", project + "\n", 0600));
    Say("Network", network, "Created");
  }
  return Status::Ok();
}

// Bind sources that do not exist are created, as compose's create_host_path.
Status MakeBindSources(const compose::ServiceRun& run) {
  for (const compose::ServiceVolume& volume : run.volumes) {
    if (volume.type != compose::ServiceVolume::Type::kBind) continue;
    std::error_code error;
    fs::create_directories(volume.source, error);
    if (error) return ErrnoError("services." + run.name + ".volumes: creating " + volume.source, error.value());
  }
  return Status::Ok();
}

Status WaitForDependencies(ComposeRuntime& runtime, const std::string& project, const compose::ServiceRun& run,
                           const ServiceRuns& runs) {
  for (const auto& [dependency, how] : run.depends_on) {
    if (runs.count(dependency) == 0 || how.condition == "service_started") continue;
    MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> containers, runtime.ProjectContainers(project));
    for (const engine::ContainerRecord& record : containers) {
      if (LabelOf(record, compose::kServiceLabel) != dependency) continue;
      if (how.condition == "service_completed_successfully") {
        MB_ASSIGN_OR_RETURN(int code, runtime.control->Wait(record.id));
        if (code != 0) {
          return FailedPrecondition("service \"" + dependency + "\" didn't complete successfully: exit " + std::to_string(code));
        }
      } else if (how.condition == "service_healthy") {
        Status healthy = engine::WaitHealthy(runtime.containers, record.id);
        if (!healthy.ok()) return Status(healthy.code(), "dependency failed to start: " + healthy.message());
      }
    }
  }
  return Status::Ok();
}

struct UpContext {
  const GlobalOptions& global;
  const compose::Project& project;
  const ServiceRuns& runs;
  ComposeRuntime& runtime;
};

// The containers of one service: kept, started, recreated, created or (above its scale) removed.
Status UpService(UpContext& up, const compose::ServiceRun& run) {
  ComposeRuntime& runtime = up.runtime;
  const std::string& project = up.project.name;
  MB_RETURN_IF_ERROR(MakeBindSources(run));
  MB_ASSIGN_OR_RETURN(std::string network, ServiceNetworkName(run));
  StatusOr<ResolvedImage> image = ResolveImage(runtime.store, run.image);
  const std::string hash = ConfigHash(up.project, run.name, image.ok() ? image->manifest.ToString() : "");
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> existing, runtime.ProjectContainers(project));
  for (int number = 1; number <= run.replicas; ++number) {
    ReplicaOptions replica;
    replica.project = project;
    replica.number = number;
    replica.config_hash = hash;
    if (!network.empty()) {
      replica.network_dir = engine::NetworkDir(runtime.store.root, network);
      replica.host_names = NetworkHostNames(up.runs, project, network);
    }
    MB_ASSIGN_OR_RETURN(engine::RunOptions options, ServiceRunOptions(run, replica));
    const std::string name = options.flags.name;
    std::optional<engine::ContainerRecord> found;
    for (const engine::ContainerRecord& record : existing) {
      if (record.name == name) found = record;
    }
    if (found && LabelOf(*found, kConfigHashLabel) == hash) {
      if (found->state.state == "running") {
        Say("Container", name, "Running");
        continue;
      }
      MB_RETURN_IF_ERROR(runtime.control->Start(found->id));
      Say("Container", name, "Started");
      continue;
    }
    if (found) {
      MB_RETURN_IF_ERROR(runtime.control->Stop(found->id, std::nullopt));
      MB_RETURN_IF_ERROR(runtime.control->Remove(found->id, true));
      Say("Container", name, "Recreated");
    }
    engine::CreateDeps create{&runtime.store.blobs, runtime.snapshots.get(), runtime.images.get(),
                              runtime.store.root, runtime.scratch.path(), "auto"};
    MB_ASSIGN_OR_RETURN(engine::DetachedResult started, engine::RunDetached(create, options, *runtime.launcher));
    if (!started.start_error.ok()) {
      return Status(started.start_error.code(), "container " + name + ": " + started.start_error.message());
    }
    Say("Container", name, "Started");
  }
  for (const engine::ContainerRecord& record : existing) {
    if (LabelOf(record, compose::kServiceLabel) != run.name || ContainerNumber(record) <= run.replicas) continue;
    MB_RETURN_IF_ERROR(runtime.control->Stop(record.id, std::nullopt));
    MB_RETURN_IF_ERROR(runtime.control->Remove(record.id, true));
    Say("Container", record.name, "Removed");
  }
  return Status::Ok();
}

Status BuildMissing(const GlobalOptions& global, const compose::Project& project, const ServiceRuns& runs,
                    const std::vector<std::string>& order, const UpOptions& options) {
  if (options.no_build) return Status::Ok();
  std::vector<std::string> to_build;
  {
    MB_ASSIGN_OR_RETURN(LocalStore store, OpenLocalStore(global));
    for (const std::string& service : order) {
      const compose::ServiceRun& run = runs.at(service);
      if (!run.has_build) continue;
      if (options.build || ResolveImage(store, run.image).status().code() == StatusCode::kNotFound) to_build.push_back(service);
    }
  }
  if (to_build.empty()) return Status::Ok();
  return BuildServicesForUp(global, project, to_build);
}

// Stops (in parallel: each waits up to its grace period) and removes `records`.
Status RemoveContainers(ComposeRuntime& runtime, const std::vector<engine::ContainerRecord>& records) {
  std::vector<Status> stopped(records.size());
  {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < records.size(); ++i) {
      threads.emplace_back([&, i] { stopped[i] = runtime.control->Stop(records[i].id, std::nullopt); });
    }
    for (std::thread& thread : threads) thread.join();
  }
  Status result;
  for (size_t i = 0; i < records.size(); ++i) {
    Status removed = stopped[i].ok() ? runtime.control->Remove(records[i].id, true) : stopped[i];
    if (removed.ok()) {
      Say("Container", records[i].name, "Removed");
    } else if (result.ok()) {
      result = removed;
    }
  }
  return result;
}

int RunUp(const GlobalOptions& global, const ComposeOptions& compose_options, const UpOptions& options) {
  StatusOr<compose::Project> project = LoadComposeProject(compose_options);
  if (!project.ok()) return Failed(project.status());
  for (const std::string& service : options.services) {
    if (project->services.count(service) == 0) return Failed(NotFound("no such service: " + service));
  }
  StatusOr<ServiceRuns> runs = LoadRuns(*project);
  if (!runs.ok()) return Failed(runs.status());
  const std::vector<std::string> order = compose::StartOrder(project->services, options.services);
  if (Status built = BuildMissing(global, *project, *runs, order, options); !built.ok()) return Failed(built);
  StatusOr<std::unique_ptr<ComposeRuntime>> runtime = ComposeRuntime::Open(global);
  if (!runtime.ok()) return Failed(runtime.status());
  // In the foreground, a Ctrl-C from here on stops what has started (FollowProject).
  std::atomic<int> signalled{0};
  std::optional<SignalForwardScope> signals;
  if (!options.detach) {
    signals.emplace([&signalled](int signal) {
      if (signal == SIGINT || signal == SIGTERM || signal == SIGHUP) signalled = signal;
    });
  }
  if (Status networks = UpNetworks(**runtime, project->name, *runs, order); !networks.ok()) return Failed(networks);
  UpContext up{global, *project, *runs, **runtime};
  for (const std::string& service : order) {
    if (signalled != 0) break;
    const compose::ServiceRun& run = runs->at(service);
    Status ready = WaitForDependencies(**runtime, project->name, run, *runs);
    if (ready.ok()) ready = UpService(up, run);
    if (!ready.ok()) return Failed(ready);
  }
  if (options.wait) {
    StatusOr<std::vector<engine::ContainerRecord>> containers = (*runtime)->ProjectContainers(project->name);
    if (!containers.ok()) return Failed(containers.status());
    for (const engine::ContainerRecord& record : *containers) {
      Status healthy = engine::WaitHealthy((*runtime)->containers, record.id);
      if (!healthy.ok() && healthy.code() != StatusCode::kNotFound) return Failed(healthy);
      Say("Container", record.name, healthy.ok() ? "Healthy" : "Running");
    }
  }
  if (options.detach) return kExitOk;
  FollowOptions follow;
  follow.abort_on_container_exit = options.abort_on_container_exit;
  follow.exit_code_from = options.exit_code_from;
  return FollowProject(**runtime, project->name, order, follow, signalled);
}

int RunDown(const GlobalOptions& global, const ComposeOptions& compose_options, const DownOptions& options) {
  StatusOr<compose::Project> project = LoadComposeProject(compose_options);
  if (!project.ok()) return Failed(project.status());
  StatusOr<std::unique_ptr<ComposeRuntime>> runtime = ComposeRuntime::Open(global);
  if (!runtime.ok()) return Failed(runtime.status());
  StatusOr<std::vector<engine::ContainerRecord>> containers = (*runtime)->ProjectContainers(project->name);
  if (!containers.ok()) return Failed(containers.status());
  std::vector<engine::ContainerRecord> removing;
  for (const engine::ContainerRecord& record : *containers) {
    const bool known = project->services.count(LabelOf(record, compose::kServiceLabel)) != 0;
    if (known || options.remove_orphans) {
      removing.push_back(record);
    } else {
      std::cerr << "warning: found orphan container " << record.name
                << " for this project (a service no longer in the file): --remove-orphans removes it\n";
    }
  }
  int exit_code = kExitOk;
  if (Status removed = RemoveContainers(**runtime, removing); !removed.ok()) exit_code = Failed(removed);
  StatusOr<std::vector<fs::path>> networks = (*runtime)->ProjectNetworkDirs(project->name);
  if (!networks.ok()) return Failed(networks.status());
  for (const fs::path& dir : *networks) {
    Status stopped = engine::StopNetworkHolder(dir);
    if (stopped.ok()) {
      Say("Network", dir.filename().string(), "Removed");
    } else {
      exit_code = Failed(stopped);
    }
  }
  if (options.volumes) {
    StatusOr<engine::VolumeStore> volumes = engine::VolumeStore::Open((*runtime)->store.root);
    if (!volumes.ok()) return Failed(volumes.status());
    const compose::Value* section = project->model.Find("volumes");
    for (const auto& [key, name] : compose::ProjectVolumes(*project)) {
      const compose::Value* entry = section != nullptr ? section->Find(key) : nullptr;
      const compose::Value* external = entry != nullptr && entry->IsMapping() ? entry->Find("external") : nullptr;
      if ((external != nullptr && external->scalar == "true") || !volumes->Exists(name)) continue;
      Status removed = engine::RemoveVolume(*volumes, (*runtime)->containers, name);
      if (removed.ok()) {
        Say("Volume", name, "Removed");
      } else {
        exit_code = Failed(removed);
      }
    }
  }
  return exit_code;
}

}  // namespace

void AddComposeUpDownCommands(CLI::App& compose, const GlobalOptions& global, std::shared_ptr<ComposeOptions> compose_options,
                              std::function<int()>& run) {
  auto up = std::make_shared<UpOptions>();
  CLI::App* up_command = compose.add_subcommand("up", "Create and start the services' containers");
  up_command->add_option("services", up->services, "Services to start (default: all), with their dependencies");
  up_command->add_flag("-d,--detach", up->detach, "Start them in the background and return");
  up_command->add_flag("--build", up->build, "Build the images before starting, even when they exist");
  up_command->add_flag("--no-build", up->no_build, "Do not build images that are missing");
  up_command->add_flag("--wait", up->wait, "Wait until the services are running and healthy");
  up_command->add_flag("--abort-on-container-exit", up->abort_on_container_exit,
                       "Stop every container when one exits (not with -d)");
  up_command->add_option("--exit-code-from", up->exit_code_from,
                         "Exit with this service's container's status (implies --abort-on-container-exit)");
  up_command->callback([up, compose_options, &global, &run] {
    run = [up, compose_options, &global] {
      if (up->build && up->no_build) return Failed(InvalidArgument("--build and --no-build are incompatible"));
      if (up->detach && (up->abort_on_container_exit || !up->exit_code_from.empty())) {
        return Failed(InvalidArgument("-d and --abort-on-container-exit / --exit-code-from are incompatible"));
      }
      return RunUp(global, *compose_options, *up);
    };
  });

  auto down = std::make_shared<DownOptions>();
  CLI::App* down_command = compose.add_subcommand("down", "Stop and remove the project's containers and networks");
  down_command->add_flag("-v,--volumes", down->volumes, "Also remove the project's named volumes");
  down_command->add_flag("--remove-orphans", down->remove_orphans, "Also remove containers of services not in the file");
  down_command->callback([down, compose_options, &global, &run] {
    run = [down, compose_options, &global] { return RunDown(global, *compose_options, *down); };
  });
}

}  // namespace mybuild::cli
