#!/usr/bin/env node
'use strict';
// Synthesises the stack into cdk.out (or the directory in CDK_OUTDIR, as the cdk CLI sets it).
// Context (-c name=value with the cdk CLI, or cdk.json): sourceBucket, sourcePrefix,
// destinationBucket, destinationPrefix, sourceEvents, imageRepository, imageTag,
// diffSchedule (Quartz cron), minWorkers, maxWorkers, alarmEmail, pairId, secretSide.
const cdk = require('aws-cdk-lib');
const { ReplicatorStack } = require('../lib/replicator-stack');

const app = new cdk.App();
new ReplicatorStack(app, 'S3Replicator', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 's3-replicator: ECS workers with a leased diff, SQS + DLQ, DynamoDB state, dashboard',
});
app.synth();
