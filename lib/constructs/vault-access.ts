import { Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { indexes, objectPrefixes, tableSchema, type IndexRole } from '../../functions/platform/storage/schema.ts';

/** Object actions the vault code performs; each grant names the prefixes it may touch. */
export type ObjectAccess = 'read' | 'write' | 'delete';

const objectActions: Record<ObjectAccess, string> = {
  // GetObject also covers HeadObject and presigned GETs.
  read: 's3:GetObject',
  // PutObject covers CopyObject's destination and the presigned POSTs this role signs.
  write: 's3:PutObject',
  delete: 's3:DeleteObject',
};

export interface VaultObjects {
  bucket: IBucket;
  dataKey: IKey;
}

/** Object actions by key prefix, e.g. `{ incoming: ['read', 'delete'], vault: ['write'] }`. */
export type ObjectGrants = Partial<Record<keyof typeof objectPrefixes, readonly ObjectAccess[]>>;

/**
 * Grants object actions under each named key prefix, plus the KMS use SSE-KMS needs for
 * them: Decrypt to read, GenerateDataKey to write. Nothing on the bucket itself (no listing).
 */
export function grantObjects(role: IRole, objects: VaultObjects, grants: ObjectGrants): void {
  for (const [name, access] of Object.entries(grants) as [keyof typeof objectPrefixes, readonly ObjectAccess[]][]) {
    grantObjectsUnder(role, objects, objectPrefixes[name], access);
  }
}

function grantObjectsUnder(role: IRole, objects: VaultObjects, prefix: string, access: readonly ObjectAccess[]): void {
  const resource = objects.bucket.arnForObjects(`${prefix}*`);
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: access.map((kind) => objectActions[kind]), resources: [resource] }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagFinding(Stack.of(role).resolve(resource))}]`,
    reason: `Object keys are generated ids; the grant covers exactly the ${prefix} prefix this function works on.`,
  });
  const keyActions = [
    ...(access.includes('read') ? ['kms:Decrypt'] : []),
    ...(access.includes('write') ? ['kms:GenerateDataKey'] : []),
  ];
  if (keyActions.length > 0) objects.dataKey.grant(role, ...keyActions);
}

/**
 * Item reads and writes by key, which is what the repository's GetItem, BatchGetItem
 * (search results), PutItem and TransactWriteItems (Put, Update, Delete, ConditionCheck)
 * need. No Scan, no batch writes, no table management.
 */
export function grantItemAccess(grantee: IGrantable, table: ITable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
      ],
      resources: [table.tableArn],
    }),
  );
}

/**
 * Reads by key and Query on the table itself (no index): what verifying an audit chain needs, and nothing that writes.
 */
export function grantItemReadsAndTableQuery(grantee: IGrantable, table: ITable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [table.tableArn],
    }),
  );
}

/** Query on the table and on each index named in the table schema (listings, history, trash). */
export function grantQuery(grantee: IGrantable, table: ITable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [
        table.tableArn,
        ...tableSchema.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.name}`),
      ],
    }),
  );
}

/** Query on one index only, for a function that reads a single listing (e.g. the due signature checks). */
export function grantIndexQuery(grantee: IGrantable, table: ITable, index: IndexRole): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${table.tableArn}/index/${indexes[index].name}`],
    }),
  );
}

/**
 * A resolved ARN the way cdk-nag prints it in finding ids (pseudo parameters and references
 * in angle brackets), so a prefix grant can be acknowledged by its exact finding.
 */
function nagFinding(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (node['Fn::Join']) return node['Fn::Join'][1].map(nagFinding).join(node['Fn::Join'][0]);
  if (node.Ref) return `<${node.Ref}>`;
  throw new Error(`cannot name the cdk-nag finding for ${JSON.stringify(value)}`);
}

/** Item actions a function performs on the partitions its keys lead with. */
export type ItemAccess = 'read' | 'write' | 'delete';

const itemActions: Record<ItemAccess, string[]> = {
  read: ['dynamodb:GetItem'],
  // The audit chain's transaction puts the entry and updates the head under a condition.
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  delete: ['dynamodb:DeleteItem'],
};

/**
 * A partition key template of the schema as an IAM pattern: the placeholders named in `fixed`
 * filled in, every other placeholder a `*`.
 */
export function partitionPattern(template: { text: string }, fixed: Record<string, string> = {}): string {
  return template.text.replace(/<([a-zA-Z]+)(?::\d+)?>/g, (_whole, name: string) => fixed[name] ?? '*');
}

/**
 * Item actions only on the partitions whose keys match the patterns (IAM's dynamodb:LeadingKeys):
 * the authorizer reads deny-list items and nothing else of the vault.
 */
export function grantItemsByPartition(
  grantee: IGrantable,
  table: ITable,
  access: readonly ItemAccess[],
  partitions: readonly string[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: access.flatMap((kind) => itemActions[kind]),
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] } },
    }),
  );
}
