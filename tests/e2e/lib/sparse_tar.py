"""Hostile GNU PAX 1.0 sparse tars for tests/e2e/store_sparse.sh: sparse_tar.py KIND OUT.

Kinds: past-end (a data extent beyond the file's real size), huge-count (a map that announces 10^15
extents and gives two), overlap (extents out of order and overlapping: legal, written at their offsets),
huge-size (1 PiB apparent size, one byte of data), many-extents (1,100,000 one-byte extents).
"""
import io
import sys
import tarfile


def sparse_entry(tf, name, realsize, map_numbers, data):
    body = "".join(f"{n}\n" for n in map_numbers).encode()
    body += b"\0" * (-len(body) % 512) + data
    info = tarfile.TarInfo("GNUSparseFile.0/" + name)
    info.size = len(body)
    info.mode = 0o644
    info.pax_headers = {"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": name,
                        "GNU.sparse.realsize": str(realsize)}
    tf.addfile(info, io.BytesIO(body))


def main(kind, out):
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tf:
        if kind == "past-end":
            sparse_entry(tf, "evil", 1024, [1, 4096, 512], b"E" * 512)
        elif kind == "huge-count":
            sparse_entry(tf, "evil", 1 << 20, [10**15, 0, 1, 8, 1], b"AB")
        elif kind == "overlap":
            sparse_entry(tf, "evil", 1 << 20, [2, 8192, 100, 0, 9000], b"x" * 9100)
        elif kind == "huge-size":
            sparse_entry(tf, "evil", 1 << 50, [1, 0, 1], b"z")
        elif kind == "many-extents":
            count = 1_100_000
            numbers = [count]
            for i in range(count):
                numbers += [i * 4096, 1]
            sparse_entry(tf, "evil", count * 4096, numbers, b"m" * count)
        else:
            raise SystemExit(f"unknown kind {kind}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
