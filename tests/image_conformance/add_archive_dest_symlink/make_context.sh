# ADD extracts an archive into the destination resolved like COPY's: /link -> directory.
mkdir -p src/sub
printf 'a\n' >src/sub/a
tar --numeric-owner --owner=0 --group=0 --mtime=@1700000000 -cf a.tar -C src sub
rm -rf src
