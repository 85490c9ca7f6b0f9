// `inspect` of a container: docker's JSON shape (docker container inspect) for the fields mybuild has,
// keys in docker's order:
//   Id, Created, Path, Args, State{Status, Running, Paused, Restarting, OOMKilled, Dead, Pid, ExitCode,
//   Error, StartedAt, FinishedAt}, Image (the image ID), LogPath, Name ("/name"), RestartCount, Driver,
//   Platform, HostConfig{Binds, NetworkMode, AutoRemove, ReadonlyRootfs, ExtraHosts, Init, ShmSize,
//   CgroupParent, PidsLimit, Memory, Ulimits, Tmpfs}, Mounts[{Type, Name, Source, Destination, Driver,
//   Mode, RW, Propagation}], Config{Hostname, User, AttachStdin/out/err, Tty, OpenStdin, StdinOnce, Env,
//   Cmd, Image, Volumes, WorkingDir, Entrypoint, Labels, StopSignal, StopTimeout}.
// Times never set are docker's zero time "0001-01-01T00:00:00Z". Config.Env is the image's and -e's
// (without the HOSTNAME mybuild sets first, as docker's Config.Env).
#ifndef MYBUILD_ENGINE_CONTAINER_INSPECT_H_
#define MYBUILD_ENGINE_CONTAINER_INSPECT_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/engine/container_store.h"

namespace mybuild::engine {

// What the container's image says, when it is still in the store (else `id` is the manifest digest).
struct InspectedImage {
  std::string id;  // the config digest, docker's image ID
  std::map<std::string, std::string> labels;
  std::vector<std::string> volumes;
  std::string stop_signal;
};

// `root`: the state root (for the log and the volumes' paths); `driver`: "overlay" or "native".
nlohmann::ordered_json ContainerInspectJson(const ContainerRecord& record, const InspectedImage& image,
                                            const std::filesystem::path& root, const std::string& driver);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_INSPECT_H_
