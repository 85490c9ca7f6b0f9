// What a step of the worker produces, as stored (verbatim, as JSON) in solver::StepResult::ref and so in
// the cache index:
//   {"snapshot":"<committed snapshot name>","layers":[{"digest":"sha256:…","diff_id":"sha256:…",
//    "media_type":"…","size":N},…],"created":SECONDS}
// `layers` is the whole chain of the filesystem, from the base image's first layer to this step's own,
// so that the exporter needs only the target's result. A source of the build context has no snapshot.
// A step may leave its filesystem unmade (a COPY written straight to its layer): then its last `pending`
// layers are not in `snapshot` yet (encoded as "pending":N, absent when 0), and the worker makes the
// snapshot from them when a later step needs the filesystem.
#ifndef MYBUILD_WORKER_STEP_RESULT_H_
#define MYBUILD_WORKER_STEP_RESULT_H_

#include <string>
#include <vector>

#include "cache/blob_store.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/image/layer_writer.h"
#include "src/solver/step_runner.h"

namespace mybuild::worker {

struct LayerRef {
  Digest digest;   // the stored blob
  Digest diff_id;  // the uncompressed tar
  std::string media_type;
  uint64_t size = 0;
  bool operator==(const LayerRef&) const = default;
};

struct SnapshotResult {
  std::string snapshot;  // "" = the empty filesystem (scratch) or no filesystem (the context)
  std::vector<LayerRef> layers;
  size_t pending = 0;    // how many of the last layers are not in `snapshot`
  int64_t created = 0;  // seconds since the epoch
  bool operator==(const SnapshotResult&) const = default;
};

solver::StepResult EncodeResult(const SnapshotResult& result);
StatusOr<SnapshotResult> DecodeResult(const solver::StepResult& result);
// Whether `result` decodes and every layer blob it names is in `blobs`: then it can be used, its
// snapshot made again from the blobs if need be.
bool LayerBlobsPresent(const cache::BlobStore& blobs, const solver::StepResult& result);

// A result's `created` for a step that runs now: SOURCE_DATE_EPOCH when set, else the current time.
int64_t CreatedNow(const image::LayerOptions& options);

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_STEP_RESULT_H_
