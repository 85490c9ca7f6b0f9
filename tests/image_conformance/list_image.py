#!/usr/bin/env python3
"""Lists the file system of an OCI image archive, read from its layer tars only (not with mybuild's code).

usage: list_image.py IMAGE.tar [SCOPE...]

Layers are applied in order with the OCI whiteout rules (".wh.NAME" removes NAME, ".wh..wh..opq" empties
the directory of what lower layers had). One line per path, sorted:

  PATH TYPE MODE UID:GID SIZE DIGEST LINK XATTRS

TYPE is dir, file, symlink, hardlink, char, block or fifo; MODE four octal digits; SIZE and DIGEST (the
first 16 hex digits of the content's SHA-256) for files only, LINK the symlink or hardlink target, XATTRS
"name=HEXVALUE,..." from the PAX SCHILY.xattr.* records, sorted; "-" where a field does not apply. With
SCOPE paths ("/out"), only those paths and what is below them are listed.
"""
import hashlib
import json
import sys
import tarfile


def members(archive, digest):
    blob = archive.extractfile("blobs/sha256/" + digest.split(":", 1)[1])
    with tarfile.open(fileobj=blob, mode="r:*") as layer:
        for member in layer:
            data = layer.extractfile(member).read() if member.isreg() else b""
            yield member, data


def apply_layers(path):
    files = {}
    with tarfile.open(path) as archive:
        index = json.load(archive.extractfile("index.json"))
        manifest_digest = index["manifests"][0]["digest"]
        manifest = json.load(archive.extractfile("blobs/sha256/" + manifest_digest.split(":", 1)[1]))
        for layer in manifest["layers"]:
            seen = set()
            for member, data in members(archive, layer["digest"]):
                name = "/" + member.name.strip("/").removeprefix("./")
                if name == "/.":
                    name = "/"
                parent, _, base = name.rpartition("/")
                parent = parent or "/"
                if base == ".wh..wh..opq":
                    for p in [p for p in files if p.startswith(parent.rstrip("/") + "/") and p not in seen]:
                        del files[p]
                    continue
                if base.startswith(".wh."):
                    gone = (parent.rstrip("/") + "/" + base[4:])
                    for p in [p for p in files if p == gone or p.startswith(gone + "/")]:
                        del files[p]
                    continue
                if name in files and not (member.isdir() and files[name][0].isdir()):
                    for p in [p for p in files if p.startswith(name + "/")]:
                        del files[p]
                files[name] = (member, data)
                seen.add(name)
    return files


def line(name, member, data):
    kinds = {tarfile.DIRTYPE: "dir", tarfile.SYMTYPE: "symlink", tarfile.LNKTYPE: "hardlink",
             tarfile.CHRTYPE: "char", tarfile.BLKTYPE: "block", tarfile.FIFOTYPE: "fifo"}
    kind = "file" if member.isreg() else kinds.get(member.type, "other")
    size = str(member.size) if kind == "file" else "-"
    digest = hashlib.sha256(data).hexdigest()[:16] if kind == "file" else "-"
    link = "-"
    if kind == "symlink":
        link = member.linkname
    elif kind == "hardlink":
        link = "/" + member.linkname.strip("/")
    xattrs = sorted((k[len("SCHILY.xattr."):], v) for k, v in member.pax_headers.items()
                    if k.startswith("SCHILY.xattr."))
    xattr_text = ",".join(f"{k}={v.encode('utf-8', 'surrogateescape').hex()}" for k, v in xattrs) or "-"
    return f"{name} {kind} {member.mode & 0o7777:04o} {member.uid}:{member.gid} {size} {digest} {link} {xattr_text}"


def main():
    files = apply_layers(sys.argv[1])
    scopes = [s.rstrip("/") or "/" for s in sys.argv[2:]]
    for name in sorted(files):
        if scopes and not any(name == s or name.startswith(s + "/") or s == "/" for s in scopes):
            continue
        if name == "/":
            continue
        member, data = files[name]
        print(line(name, member, data))


if __name__ == "__main__":
    main()
