#!/bin/sh
# Runs inside LocalStack once it is ready: two buckets and a few objects to replicate.
set -eu
awslocal s3 mb s3://local-source
awslocal s3 mb s3://local-destination
for key in hello.txt logs/2025/a.log "dir with spaces/b.txt"; do
  echo "content of $key" | awslocal s3 cp - "s3://local-source/$key"
done
