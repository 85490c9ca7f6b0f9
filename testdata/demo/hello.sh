#!/bin/sh
echo "$GREETING, $1"
cat /app/message.txt
