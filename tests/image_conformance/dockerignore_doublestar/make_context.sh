# "**/*.log" then "!important/**": logs are excluded at any depth, but the directories holding them
# are not (x stays, empty); everything below important/ is re-included.
mkdir -p x important/deep
printf 'a\n' >a.log
printf 'b\n' >x/b.log
printf 'c\n' >important/c.log
printf 'd\n' >important/deep/d.log
printf 'k\n' >keep.txt
printf '**/*.log\n!important/**\n' >.dockerignore
