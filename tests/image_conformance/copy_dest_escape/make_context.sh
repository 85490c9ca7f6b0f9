# Symlinks on the destination path resolve inside the rootfs: ".." stops at its root.
printf 't\n' >file.txt
