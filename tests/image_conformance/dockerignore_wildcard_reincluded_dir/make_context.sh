# Wildcard sources against an excluded directory with a re-included child ("dir" then "!dir/keep"):
# BuildKit matches wildcards against the context as fsutil's walker sent it, and the walker sends dir
# only as the parent of dir/keep (the exception's literal prefix "dir" lets it enter), never dir/drop
# or dir/sub. So "di*" matches the directory dir (its contents, i.e. keep, land in /out/) and the file
# dirty.txt; "dir/*" and "*/keep" match dir/keep alone.
mkdir -p dir/sub
printf 'k\n' >dir/keep
printf 'd\n' >dir/drop
printf 's\n' >dir/sub/s
printf 't\n' >dirty.txt
printf 'dir\n!dir/keep\n' >.dockerignore
