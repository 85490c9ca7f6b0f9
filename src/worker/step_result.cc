#include "src/worker/step_result.h"

#include <ctime>

#include <nlohmann/json.hpp>

namespace mybuild::worker {

solver::StepResult EncodeResult(const SnapshotResult& result) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerRef& layer : result.layers) {
    layers.push_back({{"digest", layer.digest.ToString()},
                      {"diff_id", layer.diff_id.ToString()},
                      {"media_type", layer.media_type},
                      {"size", layer.size}});
  }
  nlohmann::json json = {{"snapshot", result.snapshot}, {"layers", std::move(layers)}, {"created", result.created}};
  if (result.pending > 0) json["pending"] = result.pending;
  return solver::StepResult{json.dump()};
}

StatusOr<SnapshotResult> DecodeResult(const solver::StepResult& result) {
  nlohmann::json json = nlohmann::json::parse(result.ref, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains("snapshot") || !json["snapshot"].is_string() ||
      !json.contains("layers") || !json["layers"].is_array()) {
    return DataLoss("malformed step result");
  }
  SnapshotResult out;
  out.snapshot = json["snapshot"].get<std::string>();
  if (json.contains("created") && json["created"].is_number_integer()) out.created = json["created"].get<int64_t>();
  for (const nlohmann::json& layer : json["layers"]) {
    if (!layer.is_object() || !layer.value("digest", nlohmann::json()).is_string() ||
        !layer.value("diff_id", nlohmann::json()).is_string() ||
        !layer.value("media_type", nlohmann::json()).is_string() ||
        !layer.value("size", nlohmann::json()).is_number_unsigned()) {
      return DataLoss("malformed layer in step result");
    }
    LayerRef ref;
    MB_ASSIGN_OR_RETURN(ref.digest, Digest::Parse(layer["digest"].get<std::string>()));
    MB_ASSIGN_OR_RETURN(ref.diff_id, Digest::Parse(layer["diff_id"].get<std::string>()));
    ref.media_type = layer["media_type"].get<std::string>();
    ref.size = layer["size"].get<uint64_t>();
    out.layers.push_back(std::move(ref));
  }
  if (json.contains("pending")) {
    if (!json["pending"].is_number_unsigned() || json["pending"].get<uint64_t>() > out.layers.size()) {
      return DataLoss("malformed pending count in step result");
    }
    out.pending = json["pending"].get<size_t>();
  }
  return out;
}

bool LayerBlobsPresent(const cache::BlobStore& blobs, const solver::StepResult& result) {
  StatusOr<SnapshotResult> decoded = DecodeResult(result);
  if (!decoded.ok()) return false;
  for (const LayerRef& layer : decoded->layers) {
    if (!blobs.Has(layer.digest)) return false;
  }
  return true;
}

int64_t CreatedNow(const image::LayerOptions& options) {
  if (options.source_date_epoch) return *options.source_date_epoch;
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace mybuild::worker
