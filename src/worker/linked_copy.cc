// COPY --link and ADD --link, as BuildKit's Dockerfile frontend makes them (convert_copy.go): the copy
// runs on an empty filesystem (llb.Scratch) and its result is merged over the parent (llb.Merge), so
//  - the layer is the copy alone, made without reading the parent: symlinks of the parent on the
//    destination path are not followed (the layer has real directories there, which replace them when
//    the layers are stacked), and `COPY --link f /dir` without a trailing slash writes the file /dir;
//  - the layer does not depend on the base, so it is recorded under a key without the parent
//    (WorkerDeps::link_layers) and reused, bytes and all, when only the base changed;
//  - --chown takes numeric ids or root only (BuildKit: "invalid user index -1": no /etc/passwd to read);
//  - with --chmod BuildKit ignores --link (the plain copy runs), and so does this (IsLinkedCopy).
// The step's result is the parent's layers plus this one as a pending layer: the snapshot of the merged
// filesystem is made from the layers only when a later step needs it (SnapshotOf).
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "src/base/logging.h"
#include "src/graph/canonical.h"
#include "src/worker/worker.h"

namespace mybuild::worker {
namespace {

// One id of --chown as a number: "root" is 0 (as llb.WithUser takes it), any other name would need a
// lookup in /etc/passwd or /etc/group (nullopt).
std::optional<std::string> NumericId(std::string_view part) {
  if (part == "root") return std::string("0");
  if (part.empty()) return std::nullopt;
  for (char c : part) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::string(part);
}

// "1000", "1000:50", "root:0" with numbers only; nullopt when a part is a name.
std::optional<std::string> NumericOwner(std::string_view owner) {
  const size_t colon = owner.find(':');
  std::optional<std::string> user = NumericId(owner.substr(0, colon));
  if (!user || colon == std::string_view::npos) return user;
  std::optional<std::string> group = NumericId(owner.substr(colon + 1));
  if (!group) return std::nullopt;
  return *user + ":" + *group;
}

}  // namespace

bool Worker::IsLinkedCopy(const graph::FileOp& op) {
  if (op.actions.size() != 1) return false;
  const graph::CopyAction* copy = std::get_if<graph::CopyAction>(&op.actions[0]);
  return copy != nullptr && copy->link && copy->chmod.empty();
}

StatusOr<solver::StepResult> Worker::RunLinkedCopy(const graph::Vertex& vertex, const graph::FileOp& op,
                                                   std::span<const solver::StepInput> inputs, SnapshotResult parent) {
  graph::FileOp linked = op;
  graph::CopyAction& copy = std::get<graph::CopyAction>(linked.actions[0]);
  if (!copy.chown.empty()) {
    std::optional<std::string> numeric = NumericOwner(copy.chown);
    if (!numeric) {
      return InvalidArgument(std::string(copy.add ? "ADD" : "COPY") + " --link --chown=" + copy.chown +
                             ": with --link the copy does not see the image's /etc/passwd and /etc/group, so "
                             "the owner must be numeric (uid or uid:gid) or root");
    }
    copy.chown = *numeric;  // the empty filesystem has nothing to look "root" up in
  }
  MB_ASSIGN_OR_RETURN(LayerRef layer, MakeLinkLayer(vertex, linked, inputs));
  parent.layers.push_back(layer);
  parent.pending += 1;
  parent.created = CreatedNow(options_.layer_options);
  return EncodeResult(parent);
}

StatusOr<LayerRef> Worker::MakeLinkLayer(const graph::Vertex& vertex, const graph::FileOp& op,
                                         std::span<const solver::StepInput> inputs) {
  // The key: the op itself, its sources (never slot 0, the parent) and what they hold, and the epoch the
  // layer's times are clamped to.
  MB_ASSIGN_OR_RETURN(FileContent content, FileContentKey(vertex, op, inputs));
  std::string key_text = "mybuild.linklayer.v1\n" + graph::CanonicalOp(vertex.op) + "\n";
  for (size_t i = 1; i < inputs.size(); ++i) key_text += inputs[i].cache_key.ToString() + "\n";
  key_text += content.extra + "\nepoch " +
              (options_.layer_options.source_date_epoch ? std::to_string(*options_.layer_options.source_date_epoch)
                                                        : std::string("none"));
  const Digest key = Digest::Of(key_text);
  solver::CacheIndex* index = content.cacheable && !vertex.ignore_cache ? deps_.link_layers : nullptr;
  if (index != nullptr) {
    MB_ASSIGN_OR_RETURN(std::optional<solver::StepResult> found, index->Lookup(key));
    if (found && LayerBlobsPresent(*deps_.blobs, *found)) {
      MB_ASSIGN_OR_RETURN(SnapshotResult recorded, DecodeResult(*found));
      if (recorded.layers.size() == 1) {
        spdlog::debug("COPY --link to {}: layer {} reused", vertex.name, recorded.layers[0].digest.ToString());
        return recorded.layers[0];
      }
    }
  }

  std::optional<LayerRef> layer;
  if (options_.stream_copies) {
    MB_ASSIGN_OR_RETURN(std::optional<SnapshotResult> streamed, TryStreamedCopy(vertex, op, inputs, SnapshotResult{}));
    if (streamed) layer = streamed->layers.back();
  }
  if (!layer) {
    MB_ASSIGN_OR_RETURN(MountedSnapshot target, MountedSnapshot::Open(*deps_.snapshotter, "",
                                                                      MountedSnapshot::Mode::kWritable,
                                                                      options_.scratch_dir));
    MB_RETURN_IF_ERROR(ApplyFileActions(vertex, op, inputs, target));
    // Only the layer is kept: the merged filesystem is made from the layers when it is needed.
    const std::string name = "link-" + vertex.digest.hex() + "-" + NewActiveKey();
    MB_ASSIGN_OR_RETURN(layer, target.Commit(name, *deps_.blobs, LayerOptionsFor(vertex)));
    deps_.snapshotter->Remove(name).IgnoreError();
  }
  if (index != nullptr) {
    SnapshotResult record;
    record.layers.push_back(*layer);
    record.created = CreatedNow(options_.layer_options);
    MB_RETURN_IF_ERROR(index->Record(key, EncodeResult(record)));
  }
  return *layer;
}

}  // namespace mybuild::worker
