# fsutil's TestWalkerExclude: "foo*" then "!foo/bar2". Every exception is literal, so fsutil enters an
# excluded directory only when an exception starts with its path: foo (for foo/bar2), not foo3.
mkdir foo foo3
printf 'bar\n' >bar
printf 'foo2\n' >foo2
printf 'bar2\n' >foo/bar2
printf 'bar3\n' >foo/bar3
printf 'bar2\n' >foo3/bar2
printf 'foo*\n!foo/bar2\n' >.dockerignore
