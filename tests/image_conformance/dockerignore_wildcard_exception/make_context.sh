# The case: "subdir" then "!*/sub1*". The exception has a wildcard, so fsutil walks into the
# excluded subdir; subdir/sub1.txt matches "*/sub1*" and is sent, with subdir as its parent.
mkdir subdir
printf 'sub1\n' >subdir/sub1.txt
printf 'sub2\n' >subdir/sub2.txt
printf 'subdir\n!*/sub1*\n' >.dockerignore
