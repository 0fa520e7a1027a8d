'use strict';
// One stack runs s3-replicator on ECS Fargate for one replication pair: workers that scale on
// SQS queue depth and diff on a Quartz schedule under a DynamoDB lease (one diff at a time
// however many workers), the queue and its DLQ (alarmed), DynamoDB state
// tables, a Secrets Manager secret for the other side's keys, S3 event notifications, and a
// CloudWatch dashboard. IAM is written statement by statement: no "*" resources except the
// one action AWS cannot scope (ecr:GetAuthorizationToken, added by CDK for image pulls).
const cdk = require('aws-cdk-lib');
const { Duration, RemovalPolicy, Stack } = cdk;
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecs = require('aws-cdk-lib/aws-ecs');
const ecr = require('aws-cdk-lib/aws-ecr');
const iam = require('aws-cdk-lib/aws-iam');
const sqs = require('aws-cdk-lib/aws-sqs');
const s3 = require('aws-cdk-lib/aws-s3');
const s3n = require('aws-cdk-lib/aws-s3-notifications');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const logs = require('aws-cdk-lib/aws-logs');
const cloudwatch = require('aws-cdk-lib/aws-cloudwatch');
const cwActions = require('aws-cdk-lib/aws-cloudwatch-actions');
const sns = require('aws-cdk-lib/aws-sns');
const appscaling = require('aws-cdk-lib/aws-applicationautoscaling');

const MANAGEMENT_PORT = 8080;

/** Settings of one deployment; every one has a default so `cdk synth` works without context. */
function settings(scope) {
  const ctx = (name, fallback) => scope.node.tryGetContext(name) ?? fallback;
  return {
    sourceBucket: ctx('sourceBucket', 'example-source-bucket'),
    sourcePrefix: ctx('sourcePrefix', ''),
    destinationBucket: ctx('destinationBucket', 'example-destination-bucket'),
    destinationPrefix: ctx('destinationPrefix', ''),
    // Same account and region as this stack: only then can S3 notify the queue directly.
    sourceEvents: String(ctx('sourceEvents', 'true')) === 'true',
    // Apply ObjectRemoved events (and diff deletes of the replicator's own copies) at the destination.
    replicateDeletes: String(ctx('replicateDeletes', 'false')) === 'true',
    imageRepository: ctx('imageRepository', 's3-replicator'),
    imageTag: ctx('imageTag', '0.1.0'),
    // Quartz cron (with seconds) of the diff that catches whatever events missed. Every worker
    // fires it; the lease in the state table lets exactly one of them diff.
    diffSchedule: ctx('diffSchedule', '0 0 2 * * ?'),
    minWorkers: Number(ctx('minWorkers', 1)),
    maxWorkers: Number(ctx('maxWorkers', 20)),
    alarmEmail: ctx('alarmEmail', undefined),
    pairId: ctx('pairId', 'pair'),
    // Which side's URI uses the Secrets Manager keys: source, destination or none.
    secretSide: ctx('secretSide', 'source'),
  };
}

/** The key ARN pattern for one bucket prefix ("bucket/prefix*", or "bucket/*" without prefix). */
function objectsArn(bucket, prefix) {
  return `arn:${Stack.of(bucket).partition}:s3:::${bucket.bucketName}/${prefix}*`;
}

class ReplicatorStack extends Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const s = settings(this);

    const source = s3.Bucket.fromBucketName(this, 'Source', s.sourceBucket);
    const destination = s3.Bucket.fromBucketName(this, 'Destination', s.destinationBucket);

    // Queue: S3 events and diff jobs share it; three failed receives send a job to the DLQ.
    const dlq = new sqs.Queue(this, 'JobsDlq', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queue = new sqs.Queue(this, 'Jobs', {
      // Longer than the slowest single transfer, so a job in progress is not handed out twice.
      visibilityTimeout: Duration.minutes(15),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
    });

    // State (the replicator's DynamoDB layout): job status, multipart checkpoints, the parts of
    // uploads fanned out across workers and diff leases under pk/sk ("run#...", "upload#...",
    // "parts#...", "fanout#...", "lease#..."), and the in-flight
    // (idempotent) repository keyed by id, whose entries carry an epoch-seconds expiresAt.
    // Job results, copy records and fanned-out parts carry expiresAt too (s3replicator.state.retention
    // after their last write); upload checkpoints do not (deleted when their upload ends).
    const jobState = new dynamodb.Table(this, 'JobState', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const inFlight = new dynamodb.Table(this, 'InFlightJobs', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Entries of a worker that died mid-job expire instead of blocking the object forever.
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Keys for the side this account's role cannot reach (another partition or cloud).
    // Filled in after deployment: {"accessKeyId": "...", "secretAccessKey": "..."}.
    const credentials = new secretsmanager.Secret(this, 'OtherSideCredentials', {
      description: 's3-replicator: access key of the non-AWS / other-partition side, as JSON'
        + ' {"accessKeyId","secretAccessKey"}; referenced as credentials=secret:<name>',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ accessKeyId: 'REPLACE_ME' }),
        generateStringKey: 'secretAccessKey',
      },
    });

    // S3 events arrive on their own queue: the pair's event route reads them, decides which
    // records become jobs (bucket, prefix, filters, loop guard) and queues those on the jobs queue.
    // A message that is not an S3 event goes to the events DLQ with its reason.
    let events;
    let eventsDlq;
    if (s.sourceEvents) {
      eventsDlq = new sqs.Queue(this, 'EventsDlq', {
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      events = new sqs.Queue(this, 'Events', {
        visibilityTimeout: Duration.minutes(1),
        retentionPeriod: Duration.days(4),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: eventsDlq, maxReceiveCount: 5 },
      });
      const filters = s.sourcePrefix ? [{ prefix: s.sourcePrefix }] : [];
      source.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(events), ...filters);
      source.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SqsDestination(events), ...filters);
      this.scopeNotificationHandlerLogs();
    }

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'workers', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    // S3 and DynamoDB traffic stays off the NAT gateway (and its per-GB charge).
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 's3-replicator workers: read the source, write the destination, use the queue and state',
    });
    this.grantPair(taskRole, source, s.sourcePrefix, destination, s.destinationPrefix);
    queue.grantConsumeMessages(taskRole);
    queue.grantSendMessages(taskRole);
    dlq.grantSendMessages(taskRole);
    if (events) {
      events.grantConsumeMessages(taskRole);
      eventsDlq.grantSendMessages(taskRole);
    }
    jobState.grantReadWriteData(taskRole);
    inFlight.grantReadWriteData(taskRole);
    // Job claims are conditional PartiQL statements sent in batches (BatchExecuteStatement).
    inFlight.grant(taskRole, 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLInsert');
    credentials.grantRead(taskRole);

    const repository = ecr.Repository.fromRepositoryName(this, 'Image', s.imageRepository);
    const image = ecs.ContainerImage.fromEcrRepository(repository, s.imageTag);
    // The side whose keys live in the secret (another partition or cloud): its URI names the
    // secret, which the replicator reads (and re-reads) through Secrets Manager.
    const withSecret = (uri, side) => (s.secretSide === side
      ? `${uri}${uri.includes('?') ? '&' : '?'}credentials=secret:${credentials.secretName}` : uri);
    const environment = {
      LOG_FORMAT: 'json',
      PAIR_ID: s.pairId,
      SOURCE: withSecret(`s3://${s.sourceBucket}/${s.sourcePrefix}`, 'source'),
      DESTINATION: withSecret(`s3://${s.destinationBucket}/${s.destinationPrefix}`, 'destination'),
      SCHEDULE: s.diffSchedule,
      ...(events ? { EVENTS: events.queueUrl, EVENTS_DLQ: eventsDlq.queueUrl } : {}),
      DELETES: String(s.replicateDeletes),
      // Distributed mode: s3replicator.* properties as environment variables. State: the two
      // tables above; the region comes from the task's AWS_REGION.
      S3REPLICATOR_QUEUE_KIND: 'sqs',
      S3REPLICATOR_SQS_QUEUE: queue.queueUrl,
      S3REPLICATOR_SQS_DLQ: dlq.queueUrl,
      S3REPLICATOR_STATE_KIND: 'dynamodb',
      S3REPLICATOR_STATE_DYNAMODB_JOB_TABLE: jobState.tableName,
      S3REPLICATOR_STATE_DYNAMODB_IN_FLIGHT_TABLE: inFlight.tableName,
    };
    const healthCheck = {
      // Liveness only: readiness follows S3 and the state store, and a restart cures neither.
      command: ['CMD-SHELL', `curl -fsS http://127.0.0.1:${MANAGEMENT_PORT}/observe/health/live || exit 1`],
      interval: Duration.seconds(30),
      timeout: Duration.seconds(5),
      retries: 3,
      startPeriod: Duration.seconds(60),
    };

    const workerTask = new ecs.FargateTaskDefinition(this, 'WorkerTask', {
      cpu: 1024, memoryLimitMiB: 2048, taskRole,
    });
    workerTask.addContainer('worker', {
      image,
      command: ['run', '--routes', '/app/routes'],
      environment,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'worker' }),
      portMappings: [{ containerPort: MANAGEMENT_PORT, name: 'management' }],
      healthCheck,
    });
    const workers = new ecs.FargateService(this, 'Workers', {
      cluster,
      taskDefinition: workerTask,
      desiredCount: s.minWorkers,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });

    // Scale on the jobs waiting: add workers as the backlog grows, remove them as it drains.
    const scaling = workers.autoScaleTaskCount({ minCapacity: s.minWorkers, maxCapacity: s.maxWorkers });
    scaling.scaleOnMetric('QueueDepth', {
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: 0, change: -1 },
        { lower: 100, change: +1 },
        { lower: 1000, change: +3 },
        { lower: 10000, change: +5 },
      ],
      cooldown: Duration.minutes(2),
    });

    // A job in the DLQ failed three times: someone should look.
    const alarms = new sns.Topic(this, 'Alarms');
    if (s.alarmEmail) {
      new sns.Subscription(this, 'AlarmEmail', { topic: alarms, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: s.alarmEmail });
    }
    const dlqAlarm = new cloudwatch.Alarm(this, 'DlqNotEmpty', {
      alarmDescription: 's3-replicator: jobs reached the dead-letter queue',
      metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    dlqAlarm.addAlarmAction(new cwActions.SnsAction(alarms));

    this.dashboard(queue, dlq, workers, logGroup, dlqAlarm);

    new cdk.CfnOutput(this, 'QueueUrl', { value: queue.queueUrl });
    new cdk.CfnOutput(this, 'DeadLetterQueueUrl', { value: dlq.queueUrl });
    if (events) {
      new cdk.CfnOutput(this, 'EventsQueueUrl', { value: events.queueUrl });
      new cdk.CfnOutput(this, 'EventsDeadLetterQueueUrl', { value: eventsDlq.queueUrl });
    }
    new cdk.CfnOutput(this, 'CredentialsSecret', { value: credentials.secretName });
  }

  /** Source read and destination write, on these buckets and prefixes only. */
  grantPair(role, source, sourcePrefix, destination, destinationPrefix) {
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ListSource',
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [source.bucketArn],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadSource',
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
      resources: [objectsArn(source, sourcePrefix)],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ListDestination',
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [destination.bucketArn],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'WriteDestination',
      actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject',
        's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [objectsArn(destination, destinationPrefix)],
    }));
  }

  /**
   * CDK's bucket-notification handler (a small Lambda) gets the AWS-managed basic execution
   * policy, whose log permissions are on "*"; give it its own log group instead.
   */
  scopeNotificationHandlerLogs() {
    const handler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (!handler) {
      throw new Error('bucket notification handler not found: the CDK version changed its construct id');
    }
    const role = handler.node.findChild('Role');
    const fn = handler.node.findChild('Resource');
    role.node.defaultChild.addPropertyDeletionOverride('ManagedPolicyArns');
    new iam.Policy(this, 'NotificationHandlerLogs', {
      roles: [role],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`arn:${this.partition}:logs:${this.region}:${this.account}:log-group:/aws/lambda/${fn.ref}:*`],
      })],
    });
  }

  dashboard(queue, dlq, workers, logGroup, dlqAlarm) {
    const minute = Duration.minutes(1);
    const board = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-s3-replicator`,
    });
    board.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Jobs waiting and running',
        left: [
          queue.metricApproximateNumberOfMessagesVisible({ period: minute, label: 'waiting' }),
          queue.metricApproximateNumberOfMessagesNotVisible({ period: minute, label: 'running' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue',
        left: [dlq.metricApproximateNumberOfMessagesVisible({ period: minute, label: 'failed jobs' })],
        leftAnnotations: [{ value: 1, label: 'alarm', color: cloudwatch.Color.RED }],
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [dlqAlarm], width: 8 }),
    );
    board.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Workers',
        left: [new cloudwatch.Metric({
          namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', period: minute,
          dimensionsMap: { ClusterName: workers.cluster.clusterName, ServiceName: workers.serviceName },
        })],
        right: [workers.metricCpuUtilization({ period: minute }), workers.metricMemoryUtilization({ period: minute })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Network (bytes)',
        left: ['NetworkRxBytes', 'NetworkTxBytes'].map((name) => new cloudwatch.Metric({
          namespace: 'ECS/ContainerInsights', metricName: name, period: minute, statistic: 'Sum',
          dimensionsMap: { ClusterName: workers.cluster.clusterName, ServiceName: workers.serviceName },
        })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Messages sent / received',
        left: [queue.metricNumberOfMessagesSent({ period: minute }), queue.metricNumberOfMessagesDeleted({ period: minute })],
        width: 8,
      }),
    );
    // The per-object JSON log line (LOG_FORMAT=json) carries pair, outcome, size and path as fields.
    board.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Objects and bytes by outcome (5 min)',
        logGroupNames: [logGroup.logGroupName],
        view: cloudwatch.LogQueryVisualizationType.STACKEDAREA,
        queryLines: [
          'filter logger_name = "io.s3replicator.objects"',
          'stats count(*) as objects, sum(size) as bytes by bin(5m), outcome',
        ],
        width: 12,
      }),
      new cloudwatch.LogQueryWidget({
        title: 'Latest failures',
        logGroupNames: [logGroup.logGroupName],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        queryLines: [
          'filter logger_name = "io.s3replicator.objects" and outcome = "FAILED"',
          'fields @timestamp, pair, key, reason',
          'sort @timestamp desc',
          'limit 50',
        ],
        width: 12,
      }),
    );
  }
}

module.exports = { ReplicatorStack, settings };
