// SHA-256 digests (OpenSSL EVP) in the OCI form "sha256:<64 lowercase hex>".
#ifndef MYBUILD_BASE_DIGEST_H_
#define MYBUILD_BASE_DIGEST_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace mybuild {

class Digest {
 public:
  Digest() = default;
  // Parses "sha256:<64 lowercase hex>"; anything else (other algorithms, "sha256:../x") is refused.
  static StatusOr<Digest> Parse(std::string_view text);
  static Digest FromHex(std::string hex);  // hex must be 64 lowercase hex digits (unchecked)
  static Digest Of(std::string_view bytes);

  const std::string& hex() const { return hex_; }
  std::string ToString() const { return "sha256:" + hex_; }
  bool empty() const { return hex_.empty(); }

  bool operator==(const Digest&) const = default;
  auto operator<=>(const Digest&) const = default;

 private:
  std::string hex_;
};

// Streaming SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void Update(const void* data, size_t size);
  void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
  // Ends the stream; the object must not be updated afterwards.
  Digest Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mybuild

#endif  // MYBUILD_BASE_DIGEST_H_
