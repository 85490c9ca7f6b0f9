# CRLF line ends; "#kept" is a comment (the file #kept stays), " #gone" is a pattern (blank trimmed);
# "/rooted" and "./dotted/" and "trailing/" are cleaned to names at the context root ("sub/rooted" stays);
# "  spaced  " is trimmed.
mkdir -p rooted dotted trailing sub
printf 'r\n' >rooted/r
printf 'd\n' >dotted/d
printf 't\n' >trailing/t
printf 's\n' >sub/rooted
printf 'p\n' >spaced
printf 'k\n' >'#kept'
printf 'g\n' >'#gone'
printf '#kept\r\n\r\n/rooted\r\n./dotted/\r\ntrailing/\r\n  spaced  \r\n #gone\r\n' >.dockerignore
