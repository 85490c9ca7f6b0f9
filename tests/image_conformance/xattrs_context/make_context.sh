# Extended attributes of context files: BuildKit's copier copies them, but its layers are written by
# containerd's tar writer, which records security.capability only (as a PAX SCHILY.xattr record):
# user.* does not reach the image.
printf 'c\n' >cap
printf 'u\n' >user
python3 - <<'PY' || exit 77
import os, sys
try:
    os.setxattr("user", "user.comment", b"kept out")
    # vfs_cap_data revision 2, effective, permitted cap_net_bind_service
    os.setxattr("cap", "security.capability", bytes.fromhex("0100000200040000000000000000000000000000"))
except OSError as e:
    print(f"skipped: xattrs cannot be set here: {e}")
    sys.exit(1)
PY
