# "dir" then "!dir/file": dir is sent only as the parent of dir/file (with its own mode, 0750 here);
# dir/sub, dir/other stay out.
mkdir -p dir/sub
chmod 750 dir
printf 'f\n' >dir/file
printf 'o\n' >dir/other
printf 's\n' >dir/sub/s
printf 'dir\n!dir/file\n' >.dockerignore
