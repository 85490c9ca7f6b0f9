// The mark phase of garbage collection: what a tag and what a cache record reach (cache/gc.h lists the
// roots and the order of the phases). Here because reading them needs manifests, configs and step results.
#ifndef MYBUILD_WORKER_GC_ROOTS_H_
#define MYBUILD_WORKER_GC_ROOTS_H_

#include "cache/blob_store.h"
#include "cache/gc.h"
#include "src/base/digest.h"
#include "src/base/status.h"
#include "src/solver/step_runner.h"

namespace mybuild::worker {

// Adds what the tagged image `manifest` reaches to `live`: the manifest blob; for an index, each child
// manifest (recursively); for a manifest, its config and layer blobs and the layer-<ChainID> snapshots
// its layers unpack into (image_unpack.h). A blob that is missing is marked and followed no further (there
// is nothing left of it to protect). One that is present but cannot be parsed is an error (kDataLoss): its
// blobs cannot be told from garbage, so nothing may be deleted until the tag is fixed or removed.
Status MarkImage(const cache::BlobStore& blobs, const Digest& manifest, cache::LiveSet& live);

// Adds what a cache record's step result (step_result.h) reaches: every layer blob of its chain (pending
// ones included), its snapshot (the sweep adds the snapshot's parents) and the layer-<ChainID> snapshots
// of its layers. A result that does not decode is kDataLoss and reaches nothing: such a record fails
// every cache hit, and the caller deletes it.
Status MarkStepResult(const solver::StepResult& result, cache::LiveSet& live);

}  // namespace mybuild::worker

#endif  // MYBUILD_WORKER_GC_ROOTS_H_
