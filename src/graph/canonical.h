// Canonical serialisation of ops and the definition digest of a vertex.
//
// Format (length-prefixed binary; a byte string, never parsed back):
//   u8     one byte (bools are 0/1; enums are their numeric value, listed in ops.h order from 0)
//   u64    eight bytes, little-endian
//   str    u64 byte length, then the bytes as given (no normalisation, no encoding assumed)
//   list   u64 count, then the items
//   opt    u8 0 (absent) | u8 1 then the value
//   field  str(field name) then the value
//   struct str(type tag) then its fields, in the order written in canonical.cc (that order is part of
//          the format: reordering or renaming a field changes every digest; bump kCanonicalVersion).
//          Two mount fields come last and only when they apply, so that older definitions keep their
//          digests: "contents" for file mounts, "env" when a secret sets it.
// Type tags: "source.scratch", "source.image", "source.local", "exec", "mount", "file", "file.copy",
// "file.mkdir", "file.mkfile", "platform". Fields marked "NOT hashed" in ops.h/build_graph.h are left out.
//
// Definition digest = SHA-256 of: str(kCanonicalVersion) str(CanonicalOp(op)) u64(number of inputs)
// then, per input in slot order, str(the input's digest as "sha256:<hex>").
#ifndef MYBUILD_GRAPH_CANONICAL_H_
#define MYBUILD_GRAPH_CANONICAL_H_

#include <span>
#include <string>

#include "src/base/digest.h"
#include "src/graph/ops.h"

namespace mybuild::graph {

inline constexpr char kCanonicalVersion[] = "mybuild.vertex.v1";

std::string CanonicalOp(const Op& op);

Digest DefinitionDigest(const Op& op, std::span<const Digest> input_digests);

}  // namespace mybuild::graph

#endif  // MYBUILD_GRAPH_CANONICAL_H_
