// Test helper: builds a small image (one gzip layer with a few files, a config, a manifest) in a store.
#ifndef MYBUILD_TESTS_IMAGE_TEST_IMAGE_H_
#define MYBUILD_TESTS_IMAGE_TEST_IMAGE_H_

#include "cache/blob_store.h"
#include "src/image/image_config.h"
#include "src/image/image_store.h"
#include "src/image/layer_writer.h"
#include "src/image/manifest.h"

namespace mybuild::image::testing {

struct TestImage {
  Digest manifest;
  Digest config;
  LayerResult layer;
};

inline LayerEntry TestFile(std::string path, std::string content, uint32_t mode, uint32_t uid, uint32_t gid) {
  LayerEntry e;
  e.path = std::move(path);
  e.mode = mode;
  e.uid = uid;
  e.gid = gid;
  e.size = content.size();
  e.mtime = 1700000000;
  e.content = ContentFromString(std::move(content));
  return e;
}

inline StatusOr<TestImage> MakeTestImage(const cache::BlobStore& store,
                                         Compression compression = Compression::kGzip) {
  LayerOptions options;
  options.compression = compression;
  LayerWriter writer(options);
  LayerEntry dir;
  dir.path = "app";
  dir.type = EntryType::kDirectory;
  dir.mode = 0750;
  dir.uid = 1000;
  dir.gid = 1000;
  MB_RETURN_IF_ERROR(writer.Add(dir));
  MB_RETURN_IF_ERROR(writer.Add(TestFile("app/hello.txt", "hello world\n", 0640, 1000, 1001)));
  MB_RETURN_IF_ERROR(writer.Add(TestFile("app/run.sh", "#!/bin/sh\necho run\n", 0755, 0, 0)));
  LayerEntry link;
  link.path = "app/link";
  link.type = EntryType::kSymlink;
  link.link_target = "hello.txt";
  link.mode = 0777;
  MB_RETURN_IF_ERROR(writer.Add(link));
  MB_ASSIGN_OR_RETURN(LayerResult layer, writer.Write(store));
  ImageConfig config;
  config.created = FormatTimestamp(1700000000);
  config.config.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  config.config.cmd = std::vector<std::string>{"/app/run.sh"};
  config.config.working_dir = "/app";
  config.diff_ids = {layer.diff_id};
  config.history = {{config.created, "COPY app /app", "", "", false}};
  MB_ASSIGN_OR_RETURN(StoredImage stored, StoreImage(store, config, {layer.blob}));
  return TestImage{stored.manifest_digest, stored.config_digest, layer};
}

}  // namespace mybuild::image::testing

#endif  // MYBUILD_TESTS_IMAGE_TEST_IMAGE_H_
