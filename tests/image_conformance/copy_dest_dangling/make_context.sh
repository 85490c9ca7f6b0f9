# A dangling symlink on the destination path is followed (RootPath keeps the missing rest as named): the
# copy creates /symlink-target/sub/ and writes file.txt there; /dangling stays a symlink.
printf 't\n' >file.txt
