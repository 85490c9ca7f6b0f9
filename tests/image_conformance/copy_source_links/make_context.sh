# Symlinks below a source are copied as links, verbatim, even those pointing out of the context (never
# followed); a source named by the COPY that is a symlink is followed (the Dockerfile frontend sets
# FollowSymlinks). Files hardlinked to each other within one COPY stay hardlinks (fsutil's copier links
# the second to the first; containerd's tar writer makes it a link entry to the first path).
mkdir dir
printf 'f\n' >dir/file
ln -s file dir/rel
ln -s /etc/passwd dir/abs
ln -s ../../outside dir/out
printf 'h\n' >hard1
ln hard1 hard2
printf 'n\n' >target
ln -s target named-link
