'use strict';
// Synthesises the stack in-process and checks the template against what the README and
// issue 7 require. No AWS account is needed (or reachable): nothing is deployed.
const test = require('node:test');
const assert = require('node:assert/strict');
const cdk = require('aws-cdk-lib');
const { Template, Match } = require('aws-cdk-lib/assertions');
const { ReplicatorStack } = require('../lib/replicator-stack');

function synth(context = {}) {
  const app = new cdk.App({ context });
  const stack = new ReplicatorStack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  return Template.fromStack(stack);
}

/** Every IAM statement of the template: inline role policies and AWS::IAM::Policy documents. */
function statements(template) {
  const out = [];
  const resources = template.toJSON().Resources;
  for (const [id, r] of Object.entries(resources)) {
    const docs = [];
    if (r.Type === 'AWS::IAM::Policy') docs.push(r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') (r.Properties.Policies || []).forEach((p) => docs.push(p.PolicyDocument));
    for (const doc of docs) for (const s of doc.Statement) out.push({ id, ...s });
  }
  return out;
}

const asList = (x) => [].concat(x);
const text = (x) => JSON.stringify(x);

test('jobs queue redrives to a dead-letter queue that raises an alarm', () => {
  const t = synth({ sourceEvents: 'false' });
  t.resourceCountIs('AWS::SQS::Queue', 2);
  t.hasResourceProperties('AWS::SQS::Queue', {
    VisibilityTimeout: 900,
    RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
  });
  t.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Namespace: 'AWS/SQS',
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('Alarms') })],
  });
});

test('workers scale on queue depth between the configured bounds', () => {
  const t = synth({ minWorkers: 2, maxWorkers: 30 });
  t.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2, LaunchType: 'FARGATE' });
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
    MinCapacity: 2, MaxCapacity: 30, ScalableDimension: 'ecs:service:DesiredCount',
  });
  const alarms = t.findResources('AWS::CloudWatch::Alarm', {
    Properties: { MetricName: 'ApproximateNumberOfMessagesVisible', AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('QueueDepth') })] },
  });
  assert.ok(Object.keys(alarms).length >= 2, 'step scaling has an upper and a lower alarm on queue depth');
  t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
    PolicyType: 'StepScaling',
    StepScalingPolicyConfiguration: Match.objectLike({ AdjustmentType: 'ChangeInCapacity' }),
  });
});

test('workers run the container with a liveness health check and JSON logs', () => {
  const t = synth();
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: [Match.objectLike({
      Name: 'worker',
      Command: ['run', '--routes', '/app/routes'],
      PortMappings: [Match.objectLike({ ContainerPort: 8080 })],
      HealthCheck: Match.objectLike({
        Command: ['CMD-SHELL', Match.stringLikeRegexp('/observe/health/live')],
      }),
      Environment: Match.arrayWith([{ Name: 'LOG_FORMAT', Value: 'json' }]),
    })],
  });
});

test('the workers run in distributed mode and diff on their schedule, no separate diff task', () => {
  const t = synth({ diffSchedule: '0 30 1 * * ?' });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: [Match.objectLike({
      Name: 'worker',
      Environment: Match.arrayWith([
        { Name: 'SCHEDULE', Value: '0 30 1 * * ?' },
        { Name: 'S3REPLICATOR_QUEUE_KIND', Value: 'sqs' },
        Match.objectLike({ Name: 'S3REPLICATOR_SQS_QUEUE' }),
        Match.objectLike({ Name: 'S3REPLICATOR_SQS_DLQ' }),
        { Name: 'S3REPLICATOR_STATE_KIND', Value: 'dynamodb' },
        Match.objectLike({ Name: 'S3REPLICATOR_STATE_DYNAMODB_JOB_TABLE' }),
        Match.objectLike({ Name: 'S3REPLICATOR_STATE_DYNAMODB_IN_FLIGHT_TABLE' }),
      ]),
    })],
  });
  t.resourceCountIs('AWS::ECS::TaskDefinition', 1);
  t.resourceCountIs('AWS::Events::Rule', 0);
});

test('DynamoDB holds job state and in-flight jobs, on demand, items of both expire', () => {
  const t = synth();
  t.resourceCountIs('AWS::DynamoDB::Table', 2);
  t.hasResourceProperties('AWS::DynamoDB::Table', {
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
  });
  t.hasResourceProperties('AWS::DynamoDB::Table', {
    BillingMode: 'PAY_PER_REQUEST',
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
  });
});

test('workers keep their state in the two tables, which they may describe at start-up', () => {
  const t = synth();
  const containers = Object.values(t.findResources('AWS::ECS::TaskDefinition'))
    .flatMap((r) => r.Properties.ContainerDefinitions);
  const tables = Object.keys(t.findResources('AWS::DynamoDB::Table'));
  const jobState = tables.find((id) => id.startsWith('JobState'));
  const inFlight = tables.find((id) => id.startsWith('InFlightJobs'));
  const env = containers.find((c) => c.Name === 'worker').Environment;
  const value = (key) => (env.find((e) => e.Name === key) || {}).Value;
  assert.equal(value('S3REPLICATOR_STATE_KIND'), 'dynamodb');
  assert.deepEqual(value('S3REPLICATOR_STATE_DYNAMODB_JOB_TABLE'), { Ref: jobState });
  assert.deepEqual(value('S3REPLICATOR_STATE_DYNAMODB_IN_FLIGHT_TABLE'), { Ref: inFlight });
  const task = statements(t).filter((s) => s.id.startsWith('TaskRole'));
  for (const table of [jobState, inFlight]) {
    const on = task.filter((s) => text(s.Resource).includes(table)).flatMap((s) => asList(s.Action));
    for (const action of ['dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem',
      'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem']) {
      assert.ok(on.includes(action), `task role lacks ${action} on ${table}`);
    }
  }
  // Claims are PartiQL statements in BatchExecuteStatement requests (DynamoDbGroupClaims).
  const onInFlight = task.filter((s) => text(s.Resource).includes(inFlight)).flatMap((s) => asList(s.Action));
  for (const action of ['dynamodb:PartiQLUpdate', 'dynamodb:PartiQLInsert']) {
    assert.ok(onInFlight.includes(action), `task role lacks ${action} on ${inFlight}`);
  }
});

test('source object events are sent to their own queue, which only S3 for that bucket may send to', () => {
  const t = synth({ sourceBucket: 'src-bkt', sourcePrefix: 'logs/' });
  // Jobs + DLQ, events + events DLQ: an S3 event is not a job until the pair's event route says so.
  t.resourceCountIs('AWS::SQS::Queue', 4);
  const queues = t.findResources('AWS::SQS::Queue');
  const eventsId = Object.keys(queues).find((id) => id.startsWith('Events') && !id.startsWith('EventsDlq'));
  assert.ok(eventsId, 'an events queue');
  const notifications = Object.values(t.findResources('Custom::S3BucketNotifications'))[0];
  for (const q of notifications.Properties.NotificationConfiguration.QueueConfigurations) {
    assert.deepEqual(q.QueueArn, { 'Fn::GetAtt': [eventsId, 'Arn'] }, 'notifications go to the events queue');
  }
  const workerEnv = (template) => Object.values(template.findResources('AWS::ECS::TaskDefinition'))
    .flatMap((r) => r.Properties.ContainerDefinitions).find((c) => c.Name === 'worker').Environment;
  const vars = Object.fromEntries(workerEnv(t).map((e) => [e.Name, e.Value]));
  assert.deepEqual(vars.EVENTS, { Ref: eventsId }, 'the pair reads its events queue');
  assert.ok(vars.EVENTS_DLQ, 'and moves poison events to its DLQ');
  assert.equal(vars.DELETES, 'false', 'deletes are opt-in');
  assert.equal(Object.fromEntries(workerEnv(synth({ replicateDeletes: 'true' })).map((e) => [e.Name, e.Value])).DELETES,
    'true');
  t.hasResourceProperties('Custom::S3BucketNotifications', {
    BucketName: 'src-bkt',
    NotificationConfiguration: {
      QueueConfigurations: [
        Match.objectLike({ Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'logs/' }] } } }),
        Match.objectLike({ Events: ['s3:ObjectRemoved:*'] }),
      ],
    },
  });
  t.hasResourceProperties('AWS::SQS::QueuePolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
      Action: Match.arrayWith(['sqs:SendMessage']),
      Principal: { Service: 's3.amazonaws.com' },
      Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() } },
    })]) },
  });
  assert.equal(Object.keys(synth({ sourceEvents: 'false' }).findResources('Custom::S3BucketNotifications')).length, 0);
});

test('no IAM statement grants a wildcard resource except the ECR token AWS cannot scope', () => {
  const t = synth();
  const wildcards = statements(t).filter((s) => asList(s.Resource).includes('*'));
  for (const s of wildcards) {
    assert.deepEqual(asList(s.Action), ['ecr:GetAuthorizationToken'], `wildcard resource in ${s.id}: ${text(s)}`);
  }
  // Managed policies are not inspectable here: none may be attached.
  for (const [id, r] of Object.entries(t.findResources('AWS::IAM::Role'))) {
    assert.equal(r.Properties.ManagedPolicyArns, undefined, `${id} has managed policies`);
  }
  for (const s of statements(t)) {
    for (const a of asList(s.Action)) {
      assert.ok(!/^[a-z0-9-]+:\*$/.test(a) && a !== '*', `service-wide action ${a} in ${s.id}`);
    }
  }
});

test('the task role reads the source prefix and writes only the destination prefix', () => {
  const t = synth({ sourceBucket: 'src-bkt', sourcePrefix: 'in/', destinationBucket: 'dst-bkt', destinationPrefix: 'out/' });
  const task = statements(t).filter((s) => s.id.startsWith('TaskRole'));
  const on = (needle) => task.filter((s) => text(s.Resource).includes(needle));
  const actions = (list) => list.flatMap((s) => asList(s.Action));

  assert.ok(text(on('src-bkt')).includes('src-bkt/in/*'), 'source objects are scoped to the prefix');
  assert.deepEqual(actions(on('src-bkt')).filter((a) => /Put|Delete|Abort/.test(a)), [], 'nothing writes the source');
  assert.ok(actions(on('dst-bkt/out/*')).includes('s3:PutObject'));
  assert.ok(!text(task).includes('dst-bkt/*'), 'destination writes are scoped to the prefix');
  assert.ok(actions(task).includes('secretsmanager:GetSecretValue'), 'the task reads the credentials secret');
  assert.ok(actions(task).includes('sqs:ReceiveMessage') && actions(task).includes('dynamodb:PutItem'));
});

test('a Secrets Manager secret holds the other side\'s keys and that side\'s URI names it', () => {
  const t = synth({ secretSide: 'source' });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: [Match.objectLike({
      Name: 'worker',
      Environment: Match.arrayWith([{ Name: 'SOURCE', Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }]),
    })],
  });
  const worker = Object.values(t.findResources('AWS::ECS::TaskDefinition'))
    .flatMap((r) => r.Properties.ContainerDefinitions).find((c) => c.Name === 'worker');
  const source = worker.Environment.find((e) => e.Name === 'SOURCE');
  assert.match(text(source.Value), /credentials=secret:/);
  assert.ok(!text(worker.Environment.find((e) => e.Name === 'DESTINATION').Value).includes('credentials='));
  t.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: { SecretStringTemplate: '{"accessKeyId":"REPLACE_ME"}', GenerateStringKey: 'secretAccessKey' },
  });
});

test('the dashboard shows queue depth, DLQ, workers, network and per-object outcomes', () => {
  const t = synth();
  const boards = Object.values(t.findResources('AWS::CloudWatch::Dashboard'));
  assert.equal(boards.length, 1);
  const body = text(boards[0].Properties.DashboardBody);
  for (const expected of ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible',
    'RunningTaskCount', 'NetworkRxBytes', 'CPUUtilization', 'io.s3replicator.objects', 'outcome = \\\\\\"FAILED\\\\\\"']) {
    assert.ok(body.includes(expected), `dashboard lacks ${expected}`);
  }
});
