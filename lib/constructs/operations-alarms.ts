import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface OperationsAlarmsProps {
  namePrefix: string;
  api: HttpApi;
  stateMachine: StateMachine;
  deadLetterQueues: readonly IQueue[];
  /** Subscribed to the alarm topic when set. */
  alarmEmail?: string;
}

/**
 * The alarms an operator acts on: anything in a dead-letter queue, any failed
 * digitisation, and server errors from the API. All notify one topic.
 */
export class OperationsAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    // A key of its own: CloudWatch must be allowed to use it, which the AWS managed SNS key forbids.
    const key = new Key(this, 'TopicKey', {
      description: 'khoso: encrypts alarm notifications',
      enableKeyRotation: true,
    });
    this.topic = new Topic(this, 'Topic', {
      topicName: `${props.namePrefix}-alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const alarm = (alarmId: string, description: string, metric: IMetric, threshold: number) => {
      new Alarm(this, alarmId, {
        alarmName: `${props.namePrefix}-${alarmId.replace(/[A-Z]/g, (c, i: number) => `${i ? '-' : ''}${c.toLowerCase()}`)}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(this.topic));
    };

    props.deadLetterQueues.forEach((queue, index) =>
      alarm(
        `DeadLetters${index + 1}`,
        'Events failed every retry and wait in a dead-letter queue; inspect and redrive them.',
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        1,
      ),
    );
    // A rejected scan also ends as a failed execution (MarkFailed → Failed), so one failure is
    // normal; a burst means the workflow or what feeds it is broken.
    alarm(
      'WorkflowFailures',
      'Five or more digitize executions failed within 5 minutes (rejected scans included).',
      props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      5,
    );
    alarm(
      'WorkflowTimeouts',
      'A digitize execution timed out: a task hung.',
      props.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
    );
    alarm(
      'ApiServerErrors',
      'The API answered 5xx responses.',
      props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      5,
    );
  }
}
