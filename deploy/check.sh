#!/usr/bin/env bash
# Checks deploy/ on a machine without Docker or an AWS account: synthesises the CDK app and
# asserts on the template (aws-cdk-lib/assertions), and validates the Dockerfile, compose
# file and Grafana dashboard statically. Installs pinned npm dependencies with `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/cdk"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "deploy/check.sh: aws-cdk-lib needs Node.js 20 or later, found $(node --version)" >&2
  exit 1
fi

npm ci --no-audit --no-fund --loglevel=error
node --test test/
# A full synthesis to cdk.out, as `cdk synth` would do it (the cdk CLI is not needed for that).
rm -rf cdk.out
CDK_OUTDIR=cdk.out node bin/app.js
test -s cdk.out/S3Replicator.template.json
echo "deploy/check.sh: CDK template, Dockerfile, compose and Grafana dashboard OK"
