import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import type { AuditEntry } from '../../vault/core/model.ts';
import type { RecognitionTemplate } from '../core/template-model.ts';
import type { TemplateRepository } from '../core/template-repository.ts';
import { AuditChainWriter } from '../../audit/adapters/audit-chain-writes.ts';
import { queryAllItems } from '../../platform/storage/dynamo-query.ts';

const templatePk = (id: string) => `TEMPLATE#${id}`;
const versionSk = (version: number) => `V#${String(version).padStart(6, '0')}`;
/** Current versions are listed through gsi1; there are tens of templates, not thousands. */
const listingPk = 'TEMPLATES';

/**
 * Templates in the vault table: per template a CURRENT item (listed through gsi1) and one
 * immutable item per version, written together with the audit of the change.
 */
export class DynamoTemplateRepository implements TemplateRepository {
  private readonly audit: AuditChainWriter;

  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {
    this.audit = new AuditChainWriter(db, tableName);
  }

  async listTemplates(): Promise<RecognitionTemplate[]> {
    return this.queryTemplates({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': listingPk } });
  }

  async getTemplate(id: string): Promise<RecognitionTemplate | undefined> {
    return this.get(templatePk(id), 'CURRENT');
  }

  async getTemplateVersion(id: string, version: number): Promise<RecognitionTemplate | undefined> {
    return this.get(templatePk(id), versionSk(version));
  }

  async listTemplateVersions(id: string): Promise<RecognitionTemplate[]> {
    return this.queryTemplates({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': templatePk(id), ':prefix': 'V#' },
      ConsistentRead: true,
    });
  }

  async saveTemplate(next: RecognitionTemplate, previous: RecognitionTemplate | undefined, audit: AuditEntry[]): Promise<void> {
    const TableName = this.tableName;
    try {
      await this.audit.transact([
        {
          Put: {
            TableName,
            Item: { pk: templatePk(next.id), sk: 'CURRENT', gsi1pk: listingPk, gsi1sk: `${next.key}#${next.id}`, entity: 'template', version: next.version, template: next },
            ...(previous
              ? { ConditionExpression: 'version = :previous', ExpressionAttributeValues: { ':previous': previous.version } }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        },
        { Put: { TableName, Item: { pk: templatePk(next.id), sk: versionSk(next.version), entity: 'template-version', template: next }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ], audit);
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new ConcurrentUpdateError();
      throw error;
    }
  }

  private async get(pk: string, sk: string): Promise<RecognitionTemplate | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }));
    return Item?.template as RecognitionTemplate | undefined;
  }

  private async queryTemplates(input: Omit<QueryCommandInput, 'TableName'>): Promise<RecognitionTemplate[]> {
    return (await queryAllItems(this.db, this.tableName, input)).map((item) => item.template as RecognitionTemplate);
  }
}
