# Below the resolved destination fsutil's copier does not follow symlinks: the directory
# tree/maybe-directory meets the symlink /maybe-directory and the copy fails ("cannot copy to
# non-directory: /maybe-directory"; the Dockerfile frontend does not set AlwaysReplaceExistingDestPaths).
mkdir -p tree/maybe-directory
printf 'f\n' >tree/maybe-directory/file
