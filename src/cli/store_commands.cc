#include "src/cli/store_commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "snapshotter/layer_apply.h"
#include "snapshotter/rootfs.h"
#include "src/base/temp_dir.h"
#include "src/base/unique_fd.h"
#include "src/cli/exit_codes.h"
#include "src/cli/store_access.h"
#include "src/cli/container_inspect_command.h"
#include "src/cli/store_format.h"
#include "src/engine/container_store.h"
#include "src/image/snapshot_layer.h"
#include "src/image/exporters.h"
#include "src/image/image_config.h"
#include "src/image/reference.h"
#include "src/worker/image_unpack.h"

namespace mybuild::cli {
namespace {

int Fail(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  return kExitFailure;
}

}  // namespace

// Unpacks the layers of the stored images `manifests` into the chain snapshots a build on the same root
// looks for (worker/image_unpack.h), with the snapshotter a build with `--snapshotter CHOICE` uses and
// in this process's build scratch directory, so that the first build from them need not unpack: images
// are stored unpacked, as in Buildah's containers-storage. Snapshots made before a failure are complete
// and shared; a build unpacks whatever is missing.
Status UnpackForBuilds(const LocalStore& store, const std::string& snapshotter_choice,
                       const std::vector<Digest>& manifests) {
  MB_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create(store.root));
  MB_ASSIGN_OR_RETURN(std::unique_ptr<snapshotter::Snapshotter> snapshots,
                      OpenSnapshotter(store.root, snapshotter_choice));
  for (const Digest& manifest : manifests) {
    MB_ASSIGN_OR_RETURN(image::StoredImage image, image::LoadImage(store.blobs, manifest));
    const std::string what = "image " + manifest.ToString();
    MB_RETURN_IF_ERROR(worker::UnpackImageLayers(store.blobs, *snapshots, image, scratch.path(), what).status());
  }
  return Status::Ok();
}

void AddSnapshotterOption(CLI::App& command, std::string& choice) {
  command.add_option("--snapshotter", choice, "Snapshotter to unpack into, as for build: auto, overlay or native")
      ->check(CLI::IsMember({"auto", "overlay", "native"}));
}

namespace {

// ---------------------------------------------------------------------------------------------------------
// import

struct ImportOptions {
  std::string source;  // a directory, a tar archive, or "-" for a tar archive on stdin
  std::string name;    // optional NAME[:TAG]
  std::string compression = "uncompressed";  // as a build's layers: compressed on export or push
  std::string message;
  std::string snapshotter = "auto";
};

image::Compression CompressionFromFlag(const std::string& flag) {
  if (flag == "zstd") return image::Compression::kZstd;
  if (flag == "gzip") return image::Compression::kGzip;
  return image::Compression::kNone;
}

// Unpacks the archive read from `fd` into `dir` with the snapshotter's confined, hostile-input-safe
// layer apply (device nodes skipped, whiteouts dropped: the target is empty).
Status UnpackArchive(int fd, const std::filesystem::path& dir, const std::string& what) {
  MB_ASSIGN_OR_RETURN(snapshotter::RootFs rootfs, snapshotter::RootFs::Open(dir));
  StatusOr<snapshotter::ApplyStats> applied = snapshotter::ApplyLayer(rootfs, fd);
  if (!applied.ok()) return applied.status().WithContext("unpack " + what);
  return Status::Ok();
}

StatusOr<image::StoredImage> Import(const GlobalOptions& global, const ImportOptions& options) {
  std::optional<std::string> tag;
  if (!options.name.empty()) {
    MB_ASSIGN_OR_RETURN(std::string normalized, NormalizeTagName(options.name));
    tag = normalized;
  }
  MB_ASSIGN_OR_RETURN(std::optional<int64_t> epoch, SourceDateEpochFromEnv());
  MB_ASSIGN_OR_RETURN(LocalStore store, OpenLocalStore(global));

  // The tree to turn into the layer: the directory itself, or the archive unpacked below ROOT/tmp.
  std::filesystem::path tree;
  TempDir unpacked;
  std::error_code error;
  const bool is_dir = options.source != "-" && std::filesystem::is_directory(options.source, error);
  if (is_dir) {
    tree = options.source;
  } else {
    UniqueFd fd;
    int read_fd = STDIN_FILENO;
    if (options.source != "-") {
      struct stat st {};
      if (::stat(options.source.c_str(), &st) != 0) return ErrnoError("import: stat " + options.source);
      if (!S_ISREG(st.st_mode)) {
        return InvalidArgument("import: " + options.source +
                               " is neither a directory nor a tar archive (.tar, .tar.gz, .tgz, .tar.zst)");
      }
      fd.Reset(::open(options.source.c_str(), O_RDONLY | O_CLOEXEC));
      if (!fd) return ErrnoError("import: open " + options.source);
      read_fd = fd.get();
    } else if (::isatty(STDIN_FILENO)) {
      return InvalidArgument("import: \"-\" reads a tar archive from standard input, which is a terminal");
    }
    const std::filesystem::path tmp = store.root / "tmp";
    if (::mkdir(tmp.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoError("mkdir " + tmp.string());
    MB_ASSIGN_OR_RETURN(unpacked, TempDir::Create(tmp, "import-"));
    MB_RETURN_IF_ERROR(UnpackArchive(read_fd, unpacked.path(),
                                     options.source == "-" ? "standard input" : options.source));
    tree = unpacked.path();
  }

  image::LayerOptions layer_options;
  layer_options.compression = CompressionFromFlag(options.compression);
  layer_options.source_date_epoch = epoch;
  StatusOr<image::LayerResult> layer = image::WriteTreeLayer(tree, store.blobs, layer_options);
  if (!layer.ok()) return layer.status().WithContext("import " + options.source);
  unpacked = TempDir();  // the archive's tree is in the layer now

  const HostPlatform platform = CurrentPlatform();
  image::ImageConfig config;
  config.architecture = platform.architecture;
  config.variant = platform.variant;
  config.os = platform.os;
  config.created = image::FormatTimestamp(epoch ? *epoch : static_cast<int64_t>(::time(nullptr)));
  config.diff_ids = {layer->diff_id};
  image::HistoryEntry history;
  history.created = config.created;
  history.created_by = "mybuild import";
  history.comment = options.message;
  config.history = {history};
  MB_ASSIGN_OR_RETURN(image::StoredImage image, image::StoreImage(store.blobs, config, {layer->blob}));
  // Unpacked before it is tagged: a failed import leaves no tag, only blobs for GC.
  Status unpacked_for_builds = UnpackForBuilds(store, options.snapshotter, {image.manifest_digest});
  if (!unpacked_for_builds.ok()) {
    return unpacked_for_builds.WithContext("import " + options.source + ": unpacking the image for builds");
  }
  if (tag) MB_RETURN_IF_ERROR(store.images.Tag(*tag, image.manifest_digest));
  return image;
}

// ---------------------------------------------------------------------------------------------------------
// load

struct LoadOptions {
  std::string input;  // empty or "-": stdin
  bool quiet = false;
  std::string snapshotter = "auto";
};

int RunLoad(const GlobalOptions& global, const LoadOptions& options) {
  const bool from_stdin = options.input.empty() || options.input == "-";
  if (from_stdin && ::isatty(STDIN_FILENO)) {
    return Fail(InvalidArgument("load: no archive given: use -i FILE or redirect standard input"));
  }
  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) return Fail(store.status());
  StatusOr<std::vector<image::LoadedImage>> loaded =
      from_stdin ? image::LoadArchive(store->blobs, STDIN_FILENO)
                 : image::LoadArchive(store->blobs, std::filesystem::path(options.input));
  if (!loaded.ok()) {
    return Fail(loaded.status().WithContext("load " + (from_stdin ? std::string("standard input") : options.input)));
  }
  // Every image is unpacked before any is tagged: a failed load tags nothing.
  std::vector<Digest> manifests;
  for (const image::LoadedImage& image : *loaded) manifests.push_back(image.manifest);
  if (Status unpacked = UnpackForBuilds(*store, options.snapshotter, manifests); !unpacked.ok()) {
    return Fail(unpacked.WithContext("load: unpacking the images for builds"));
  }
  for (const image::LoadedImage& image : *loaded) {
    if (image.names.empty()) {
      // An image without a name is only in the blob store, found by its manifest (or index) digest, so
      // that is the ID printed here, as docker's containerd image store does.
      if (!options.quiet) std::cout << "Loaded image ID: " << image.manifest.ToString() << "\n";
      continue;
    }
    for (const std::string& name : image.names) {
      StatusOr<std::string> tag = NormalizeTagName(name);
      if (!tag.ok()) {
        std::cerr << "warning: load: not tagging " << image.manifest.ToString() << ": " << tag.status().ToString()
                  << "\n";
        continue;
      }
      if (Status tagged = store->images.Tag(*tag, image.manifest); !tagged.ok()) return Fail(tagged);
      if (!options.quiet) std::cout << "Loaded image: " << FamiliarName(*tag) << "\n";
    }
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------------------
// images

struct ImagesOptions {
  std::string repository;  // optional filter: REPOSITORY[:TAG]
  bool digests = false;
  bool quiet = false;
  bool no_trunc = false;
};

uint64_t LayersSize(const image::StoredImage& image) {
  uint64_t total = 0;
  for (const image::Descriptor& layer : image.manifest.layers) total += static_cast<uint64_t>(layer.size);
  return total;
}

int64_t CreatedSeconds(const image::StoredImage& image) {
  StatusOr<int64_t> created = ParseTimestamp(image.config.created);
  return created.ok() ? *created : std::numeric_limits<int64_t>::min();
}

// Whether a normalised name passes the REPOSITORY[:TAG] filter (docker: the repository must match; the
// tag too when the filter has one).
bool MatchesFilter(const std::string& name, const std::string& filter) {
  if (filter.empty()) return true;
  StatusOr<image::Reference> wanted = image::ParseReference(filter);
  StatusOr<image::Reference> have = image::ParseReference(name);
  if (!wanted.ok() || !have.ok()) return false;
  if (wanted->Name() != have->Name()) return false;
  std::string_view path = filter;
  path = path.substr(0, path.find('@'));
  const size_t slash = path.rfind('/');
  const bool filter_has_tag = path.find(':', slash == std::string_view::npos ? 0 : slash) != std::string_view::npos;
  return !filter_has_tag || wanted->tag == have->tag;
}

int RunImages(const GlobalOptions& global, const ImagesOptions& options) {
  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) return Fail(store.status());
  StatusOr<TagListing> listing = ListTaggedImages(*store);
  if (!listing.ok()) return Fail(listing.status());
  for (const auto& [name, error] : listing->broken) {
    std::cerr << "warning: image " << FamiliarName(name) << " cannot be read: " << error.ToString() << "\n";
  }
  std::vector<TaggedImage> images;
  for (const TaggedImage& tagged : listing->images) {
    if (MatchesFilter(tagged.name, options.repository)) images.push_back(tagged);
  }
  // Newest first, as docker lists them; names break ties so the order is stable.
  std::stable_sort(images.begin(), images.end(), [](const TaggedImage& a, const TaggedImage& b) {
    return CreatedSeconds(a.image) > CreatedSeconds(b.image);
  });
  auto image_id = [&](const image::StoredImage& image) {
    return options.no_trunc ? image.config_digest.ToString() : image.config_digest.hex().substr(0, 12);
  };
  if (options.quiet) {
    std::set<std::string> seen;
    for (const TaggedImage& tagged : images) {
      const std::string id = image_id(tagged.image);
      if (seen.insert(id).second) std::cout << id << "\n";
    }
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"REPOSITORY", "TAG"};
  if (options.digests) header.push_back("DIGEST");
  for (const char* column : {"IMAGE ID", "CREATED", "SIZE"}) header.push_back(column);
  rows.push_back(header);
  const int64_t now = static_cast<int64_t>(::time(nullptr));
  for (const TaggedImage& tagged : images) {
    auto [repository, tag] = FamiliarRepositoryAndTag(tagged.name);
    std::vector<std::string> row = {repository, tag};
    if (options.digests) row.push_back(tagged.image.manifest_digest.ToString());
    row.push_back(image_id(tagged.image));
    const int64_t created = CreatedSeconds(tagged.image);
    row.push_back(created == std::numeric_limits<int64_t>::min() ? "N/A" : HumanDuration(now - created) + " ago");
    row.push_back(HumanSize(LayersSize(tagged.image)));
    rows.push_back(row);
  }
  std::cout << FormatTable(rows);
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------------------
// tag, rmi

struct TagOptions {
  std::string source;
  std::string target;
};

int RunTag(const GlobalOptions& global, const TagOptions& options) {
  StatusOr<std::string> target = NormalizeTagName(options.target);
  if (!target.ok()) return Fail(target.status());
  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) return Fail(store.status());
  StatusOr<ResolvedImage> source = ResolveImage(*store, options.source);
  if (!source.ok()) return Fail(source.status());
  if (Status tagged = store->images.Tag(*target, source->manifest); !tagged.ok()) return Fail(tagged);
  return kExitOk;
}

struct RmiOptions {
  std::vector<std::string> names;
  bool force = false;
};

// Removes the tag(s) one argument names: a tagged name loses that tag; an image ID loses all its tags,
// which needs --force when there are several (docker's rule). Blobs stay until GC.
// As docker: removing the last tag of an image a container uses (running or not) needs --force; the
// image itself stays in the store for the container either way (prune.h).
Status RefuseUntagInUse(const LocalStore& store, const Digest& manifest, const std::vector<std::string>& untag,
                        const std::string& argument) {
  MB_ASSIGN_OR_RETURN(auto tags, store.images.List());
  size_t remaining = 0;
  for (const auto& [name, target] : tags) {
    if (target == manifest && std::find(untag.begin(), untag.end(), name) == untag.end()) ++remaining;
  }
  if (remaining > 0) return Status::Ok();
  MB_ASSIGN_OR_RETURN(engine::ContainerStore containers, engine::ContainerStore::Open(store.root));
  MB_ASSIGN_OR_RETURN(std::vector<engine::ContainerRecord> records, containers.List());
  for (const engine::ContainerRecord& record : records) {
    if (record.image_digest != manifest.ToString()) continue;
    return FailedPrecondition("conflict: unable to remove repository reference \"" + argument +
                              "\" (must force) - container " + record.id.substr(0, 12) +
                              " is using its referenced image");
  }
  return Status::Ok();
}

Status RemoveOne(LocalStore& store, const std::string& argument, bool force) {
  MB_ASSIGN_OR_RETURN(ResolvedImage resolved, ResolveImage(store, argument));
  std::vector<std::string> untag;
  if (!resolved.tag.empty()) {
    untag.push_back(resolved.tag);
  } else {
    MB_ASSIGN_OR_RETURN(auto tags, store.images.List());
    for (const auto& [name, manifest] : tags) {
      if (manifest == resolved.manifest) untag.push_back(name);
    }
    if (untag.empty()) {
      return FailedPrecondition("image " + argument + " has no tags (untagged images are removed by GC)");
    }
    if (untag.size() > 1 && !force) {
      return FailedPrecondition("image " + argument + " is referenced by " + std::to_string(untag.size()) +
                                " tags; remove them by name or use --force");
    }
  }
  if (!force) MB_RETURN_IF_ERROR(RefuseUntagInUse(store, resolved.manifest, untag, argument));
  for (const std::string& name : untag) {
    MB_RETURN_IF_ERROR(store.images.Untag(name));
    std::cout << "Untagged: " << FamiliarName(name) << "\n";
  }
  return Status::Ok();
}

int RunRmi(const GlobalOptions& global, const RmiOptions& options) {
  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) return Fail(store.status());
  int exit_code = kExitOk;
  for (const std::string& name : options.names) {
    if (Status removed = RemoveOne(*store, name, options.force); !removed.ok()) exit_code = Fail(removed);
  }
  return exit_code;
}

// ---------------------------------------------------------------------------------------------------------
// save

struct SaveOptions {
  std::vector<std::string> names;
  std::string output;  // empty or "-": stdout
  std::string format = "docker";
};

int RunSave(const GlobalOptions& global, const SaveOptions& options) {
  const bool to_stdout = options.output.empty() || options.output == "-";
  if (to_stdout && ::isatty(STDOUT_FILENO)) {
    return Fail(InvalidArgument("save: refusing to write an archive to a terminal; use -o FILE or redirect"));
  }
  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) return Fail(store.status());
  // One entry per image, in the order first named; every name that was a tag becomes a name in the archive.
  std::vector<image::ExportImage> images;
  for (const std::string& argument : options.names) {
    StatusOr<ResolvedImage> resolved = ResolveImage(*store, argument);
    if (!resolved.ok()) return Fail(resolved.status());
    auto it = std::find_if(images.begin(), images.end(),
                           [&](const image::ExportImage& e) { return e.manifest == resolved->manifest; });
    if (it == images.end()) it = images.insert(images.end(), image::ExportImage{resolved->manifest, {}});
    if (!resolved->tag.empty() &&
        std::find(it->names.begin(), it->names.end(), resolved->tag) == it->names.end()) {
      it->names.push_back(resolved->tag);
    }
  }
  const bool oci = options.format == "oci";
  Status written;
  if (to_stdout) {
    written = oci ? image::WriteOciArchive(store->blobs, images, STDOUT_FILENO)
                  : image::WriteDockerArchive(store->blobs, images, STDOUT_FILENO);
  } else {
    const std::filesystem::path path(options.output);
    written = oci ? image::WriteOciArchive(store->blobs, images, path)
                  : image::WriteDockerArchive(store->blobs, images, path);
  }
  if (!written.ok()) return Fail(written.WithContext("save"));
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------------------
// inspect

// `docker image inspect`'s shape (keys in docker's order): Id is the config digest (docker's image ID);
// RepoDigests and Descriptor carry the manifest digest (our identity of an image).
nlohmann::ordered_json InspectJson(const image::StoredImage& image, const std::vector<std::string>& tags,
                                   uint64_t manifest_size) {
  const nlohmann::ordered_json config = nlohmann::ordered_json::parse(image::Serialize(image.config));
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["Id"] = image.config_digest.ToString();
  nlohmann::ordered_json repo_tags = nlohmann::ordered_json::array();
  nlohmann::ordered_json repo_digests = nlohmann::ordered_json::array();
  std::set<std::string> repositories;
  for (const std::string& tag : tags) {
    repo_tags.push_back(FamiliarName(tag));
    const std::string repository = FamiliarRepositoryAndTag(tag).first;
    if (repositories.insert(repository).second) {
      repo_digests.push_back(repository + "@" + image.manifest_digest.ToString());
    }
  }
  out["RepoTags"] = repo_tags;
  out["RepoDigests"] = repo_digests;
  out["Created"] = image.config.created;
  out["Author"] = image.config.author;
  out["Config"] = config.contains("config") ? config["config"] : nlohmann::ordered_json::object();
  out["Architecture"] = image.config.architecture;
  if (!image.config.variant.empty()) out["Variant"] = image.config.variant;
  out["Os"] = image.config.os;
  out["Size"] = LayersSize(image);
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const Digest& diff_id : image.config.diff_ids) layers.push_back(diff_id.ToString());
  out["RootFS"] = {{"Type", "layers"}, {"Layers", layers}};
  out["History"] = config.contains("history") ? config["history"] : nlohmann::ordered_json::array();
  out["Descriptor"] = {{"mediaType", image.manifest.media_type},
                       {"digest", image.manifest_digest.ToString()},
                       {"size", manifest_size}};
  return out;
}

struct InspectOptions {
  std::vector<std::string> names;
  std::string type;  // --type: "" (a container, else an image), "container" or "image"
};

// Prints a JSON array with one object per container or image found (as `docker inspect` does: a container
// first); an argument that names neither is an error on stderr and makes the exit code 1.
int RunInspect(const GlobalOptions& global, const InspectOptions& options) {
  StatusOr<LocalStore> store = OpenLocalStore(global);
  if (!store.ok()) return Fail(store.status());
  StatusOr<std::map<std::string, Digest>> tags = store->images.List();
  if (!tags.ok()) return Fail(tags.status());
  int exit_code = kExitOk;
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const std::string& argument : options.names) {
    if (options.type != "image") {  // a container first, as docker inspect tries them
      StatusOr<std::optional<nlohmann::ordered_json>> container = InspectContainerJson(*store, argument);
      if (!container.ok()) {
        exit_code = Fail(container.status());
        continue;
      }
      if (*container) {
        out.push_back(std::move(**container));
        continue;
      }
      if (options.type == "container") {
        exit_code = Fail(NotFound("no such container: " + argument));
        continue;
      }
    }
    StatusOr<ResolvedImage> resolved = ResolveImage(*store, argument);
    if (!resolved.ok()) {
      exit_code = Fail(resolved.status());
      continue;
    }
    StatusOr<image::StoredImage> image = image::LoadImage(store->blobs, resolved->manifest);
    StatusOr<uint64_t> manifest_size = store->blobs.Size(resolved->manifest);
    if (!image.ok() || !manifest_size.ok()) {
      exit_code = Fail((image.ok() ? manifest_size.status() : image.status()).WithContext("inspect " + argument));
      continue;
    }
    std::vector<std::string> names;
    for (const auto& [name, manifest] : *tags) {
      if (manifest == resolved->manifest) names.push_back(name);
    }
    out.push_back(InspectJson(*image, names, *manifest_size));
  }
  std::cout << out.dump(4) << "\n";
  return exit_code;
}

}  // namespace

void AddStoreCommands(CLI::App& app, const GlobalOptions& global, std::function<int()>& run) {
  {
    auto options = std::make_shared<ImportOptions>();
    CLI::App* command = app.add_subcommand(
        "import", "Create an image with one layer from a directory or a tar archive (like docker import)");
    command->add_option("rootfs", options->source,
                        "A directory, a tar archive (.tar, .tar.gz, .tgz, .tar.zst; detected by content) or "
                        "\"-\" for an archive on standard input")
        ->required();
    command->add_option("name", options->name, "NAME[:TAG] to tag the image with");
    command->add_option("--compression", options->compression, "Layer compression in the store: uncompressed (default; exports and pushes compress), gzip, zstd")
        ->check(CLI::IsMember({"gzip", "zstd", "uncompressed"}));
    command->add_option("-m,--message", options->message, "Comment for the image's history entry");
    AddSnapshotterOption(*command, options->snapshotter);
    command->callback([options, &global, &run] {
      run = [options, &global] {
        StatusOr<image::StoredImage> image = Import(global, *options);
        if (!image.ok()) return Fail(image.status());
        // The image ID (config digest) on stdout, as `docker import` prints it.
        std::cout << image->config_digest.ToString() << "\n";
        return kExitOk;
      };
    });
  }
  {
    auto options = std::make_shared<LoadOptions>();
    CLI::App* command = app.add_subcommand("load", "Load images from an OCI or docker archive (like docker load)");
    command->add_option("-i,--input", options->input, "Read from this archive instead of standard input");
    command->add_flag("-q,--quiet", options->quiet, "Print nothing on success");
    AddSnapshotterOption(*command, options->snapshotter);
    command->callback([options, &global, &run] { run = [options, &global] { return RunLoad(global, *options); }; });
  }
  {
    auto options = std::make_shared<ImagesOptions>();
    CLI::App* command = app.add_subcommand("images", "List tagged images (like docker images)");
    command->add_option("repository", options->repository, "Only images of REPOSITORY[:TAG]");
    command->add_flag("--digests", options->digests, "Show manifest digests");
    command->add_flag("-q,--quiet", options->quiet, "Only show image IDs");
    command->add_flag("--no-trunc", options->no_trunc, "Show full image IDs");
    command->callback(
        [options, &global, &run] { run = [options, &global] { return RunImages(global, *options); }; });
  }
  {
    auto options = std::make_shared<TagOptions>();
    CLI::App* command = app.add_subcommand("tag", "Create a tag TARGET that refers to SOURCE (like docker tag)");
    command->add_option("source", options->source, "SOURCE image: NAME[:TAG] or image ID")->required();
    command->add_option("target", options->target, "TARGET NAME[:TAG]")->required();
    command->callback([options, &global, &run] { run = [options, &global] { return RunTag(global, *options); }; });
  }
  {
    auto options = std::make_shared<RmiOptions>();
    CLI::App* command = app.add_subcommand("rmi", "Remove image tags (like docker rmi; blobs are left to GC)");
    command->add_option("names", options->names, "Images: NAME[:TAG] or image ID")->required();
    command->add_flag("-f,--force", options->force, "Remove every tag of an image named by ID");
    command->callback([options, &global, &run] { run = [options, &global] { return RunRmi(global, *options); }; });
  }
  {
    auto options = std::make_shared<SaveOptions>();
    CLI::App* command =
        app.add_subcommand("save", "Save images to a docker archive (default) or an OCI archive (like docker save)");
    command->add_option("names", options->names, "Images: NAME[:TAG] or image ID")->required();
    command->add_option("-o,--output", options->output, "Write to this file instead of standard output");
    command->add_option("--format", options->format, "Archive format: docker (default) or oci")
        ->check(CLI::IsMember({"docker", "oci"}));
    command->callback([options, &global, &run] { run = [options, &global] { return RunSave(global, *options); }; });
  }
  {
    auto options = std::make_shared<InspectOptions>();
    CLI::App* command =
        app.add_subcommand("inspect", "Show containers or images as JSON (like docker inspect; JSON only, no --format)");
    command->add_option("names", options->names, "Containers (name or ID) or images (NAME[:TAG] or image ID)")->required();
    command->add_option("--type", options->type, "Only this kind: container or image")
        ->check(CLI::IsMember({"container", "image"}));
    command->callback(
        [options, &global, &run] { run = [options, &global] { return RunInspect(global, *options); }; });
  }
}

}  // namespace mybuild::cli
