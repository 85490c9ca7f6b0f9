# COPY names an excluded directory that the walk sends as the parent of a re-included file: the
# directory exists in the context with that file only.
mkdir subdir
printf 'k\n' >subdir/keep
printf 'd\n' >subdir/drop
printf 'subdir\n!subdir/keep\n' >.dockerignore
