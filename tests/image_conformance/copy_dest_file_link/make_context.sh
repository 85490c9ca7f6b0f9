# The final component is resolved too: COPY to /filelink -> afile writes /afile (fsutil's Copy gets the
# resolved path); the link itself is left as it is.
printf 'new\n' >file.txt
