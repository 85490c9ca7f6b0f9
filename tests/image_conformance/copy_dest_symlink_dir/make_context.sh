# BuildKit resolves the destination with continuity's RootPath before copying: /maybe-directory ->
# directory is followed, so the directory's contents land in /directory; /a/link -> ../b puts file.txt in /b.
mkdir -p tree/maybe-directory
printf 'f\n' >tree/maybe-directory/file
printf 't\n' >file.txt
