# COPY --exclude patterns are matched by fsutil's copier against the path relative to the copied source,
# directory by directory (MatchesUsingParentResults): "*.md" takes a.md (not other/b.md: '*' stops at
# '/'), "!keep.md" brings keep.md back, "sub" takes the directory and all below it.
mkdir -p dir/other dir/sub
printf 'a\n' >dir/a.md
printf 'k\n' >dir/keep.md
printf 'b\n' >dir/other/b.md
printf 's\n' >dir/sub/s.txt
printf 't\n' >dir/t.txt
