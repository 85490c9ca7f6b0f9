# "*" then "!keep": keep matched the exception, so everything below it is included with it; "other" is
# skipped (no exception starts with "other/"); Dockerfile and .dockerignore are left out too.
mkdir -p keep/sub other
printf 'x\n' >keep/x
printf 'y\n' >keep/sub/y
printf 'o\n' >other/o
printf 't\n' >top.txt
printf '*\n!keep\n' >.dockerignore
