# "a/b" then "!a": fsutil matches directory by directory (MatchesUsingParentResults). At "a" nothing
# excludes it, so "!a" is not tried there (it could not change the answer) and is not remembered as
# matching; at "a/b", "a/b" excludes and "!a" does not match "a/b" itself: a/b stays out. "!c/**"
# instead matches "c/d" itself and re-includes it.
mkdir -p a/b c/d
printf 'b\n' >a/b/file
printf 'x\n' >a/x
printf 'd\n' >c/d/file
printf 'a/b\n!a\nc/d\n!c/**\n' >.dockerignore
