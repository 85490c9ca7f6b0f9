# The walk enters the excluded subdir ("!*/sub1*" has a wildcard) but finds nothing re-included there:
# subdir is not in the context, and COPY does not find it.
mkdir subdir
printf 'sub2\n' >subdir/sub2.txt
printf 'subdir\n!*/sub1*\n' >.dockerignore
