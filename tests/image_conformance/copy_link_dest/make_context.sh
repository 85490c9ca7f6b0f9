# COPY/ADD --link as BuildKit's frontend makes it (dockerfile2llb/convert_copy.go): the copy runs on
# llb.Scratch() and is stacked on the image with llb.Merge, so it never sees the image. Symlinks on the
# destination path are not followed ("COPY/ADD can not follow it ... the destination path created with
# --link will always be a path containing only directories", Dockerfile reference): /maybe-directory and
# /dangling become directories of the layer, replacing the links when the layers are stacked, and
# /symlink-target is never made. "/existing" without a trailing slash names a file in the empty
# filesystem, so the file replaces the image's directory. Numeric --chown works, and so does root
# (llb.WithUser parses it as id 0, no lookup); ADD --link unpacks its
# archive into the empty filesystem the same way. With --chmod BuildKit drops --link (the merge is only
# used when cfg.chmod == ""), so that copy follows /maybe-directory2 -> directory2 as a plain COPY does.
# The last RUN sees the stacked filesystem the same way (the layers applied in order).
printf 't\n' >file.txt
mkdir -p arch/inner
printf 'a\n' >arch/inner/a.txt
tar --numeric-owner --owner=0 --group=0 -cf arch.tar -C arch inner
rm -rf arch
