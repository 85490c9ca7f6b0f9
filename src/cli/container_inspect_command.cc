#include "src/cli/container_inspect_command.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "src/cli/container_access.h"
#include "src/cli/exit_codes.h"
#include "src/engine/container_control.h"
#include "src/engine/container_inspect.h"
#include "src/engine/container_store.h"

namespace mybuild::cli {

StatusOr<std::optional<nlohmann::ordered_json>> InspectContainerJson(const LocalStore& store, std::string_view reference) {
  MB_ASSIGN_OR_RETURN(std::unique_ptr<Containers> containers, Containers::OpenRoot(store.root));
  StatusOr<engine::ContainerRecord> record = containers->control.Find(reference);
  if (!record.ok() && record.status().code() == StatusCode::kNotFound) return std::optional<nlohmann::ordered_json>();
  MB_RETURN_IF_ERROR(record.status());
  engine::InspectedImage image;
  StatusOr<Digest> manifest = Digest::Parse(record->image_digest);
  if (manifest.ok()) {
    StatusOr<image::StoredImage> stored = image::LoadImage(store.blobs, *manifest);
    if (stored.ok()) {
      image.id = stored->config_digest.ToString();
      image.labels = stored->config.config.labels;
      image.volumes = stored->config.config.volumes;
      image.stop_signal = stored->config.config.stop_signal;
    }
  }
  return std::optional<nlohmann::ordered_json>(
      engine::ContainerInspectJson(*record, image, store.root, record->settings.snapshotter));
}

void AddContainerInspectCommand(CLI::App& container_group, const GlobalOptions& global, std::function<int()>& run) {
  auto names = std::make_shared<std::vector<std::string>>();
  CLI::App* command = container_group.add_subcommand("inspect", "Show containers as JSON (like docker container inspect)");
  command->add_option("containers", *names, "Container names or IDs")->required();
  command->callback([names, &global, &run] {
    run = [names, &global] {
      StatusOr<LocalStore> store = OpenLocalStore(global);
      if (!store.ok()) {
        std::cerr << "error: " << store.status().ToString() << "\n";
        return kExitFailure;
      }
      int exit_code = kExitOk;
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const std::string& name : *names) {
        StatusOr<std::optional<nlohmann::ordered_json>> json = InspectContainerJson(*store, name);
        Status failed = !json.ok() ? json.status() : !*json ? NotFound("no such container: " + name) : Status::Ok();
        if (!failed.ok()) {
          std::cerr << "error: " << failed.ToString() << "\n";
          exit_code = kExitFailure;
          continue;
        }
        out.push_back(std::move(**json));
      }
      std::cout << out.dump(4) << "\n";
      return exit_code;
    };
  });
}

}  // namespace mybuild::cli
