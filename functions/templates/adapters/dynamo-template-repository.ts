import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { RecognitionTemplate } from '../core/template-model.ts';
import type { TemplateRepository } from '../core/template-repository.ts';
import { AuditChainWriter } from '../../platform/storage/audit-chain-writer.ts';
import { DynamoTable, unchangedVersionCondition } from '../../platform/storage/dynamo-table.ts';
import { attributes, entities, indexAttributes, primaryKey } from '../../platform/storage/schema.ts';

const { template, templateVersion } = entities;
const currentKey = (templateId: string) => primaryKey(template, { templateId });
const versionKey = (templateId: string, version: number) => primaryKey(templateVersion, { templateId, version });

const templateOf = (item: Record<string, unknown>) => item.template as RecognitionTemplate;

/**
 * Templates in the vault table: per template a current item (all of them listed in one index
 * partition: there are tens, not thousands) and one immutable item per version, written
 * together with the audit of the change.
 */
export class DynamoTemplateRepository implements TemplateRepository {
  private readonly audit: AuditChainWriter;
  private readonly table: DynamoTable;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.audit = new AuditChainWriter(db, tableName);
    this.table = new DynamoTable(db, tableName);
  }

  async listTemplates(): Promise<RecognitionTemplate[]> {
    return (await this.table.queryIndexItems(template.indexKeys.all, {})).map(templateOf);
  }

  async getTemplate(id: string): Promise<RecognitionTemplate | undefined> {
    return this.get(currentKey(id));
  }

  async getTemplateVersion(id: string, version: number): Promise<RecognitionTemplate | undefined> {
    return this.get(versionKey(id, version));
  }

  async listTemplateVersions(id: string): Promise<RecognitionTemplate[]> {
    const items = await this.table.queryAllItems({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': attributes.partitionKey, '#sk': attributes.sortKey },
      ExpressionAttributeValues: {
        ':pk': templateVersion.pk.of({ templateId: id }),
        ':prefix': templateVersion.sk.prefix({}),
      },
      ConsistentRead: true,
    });
    return items.map(templateOf);
  }

  async saveTemplate(
    next: RecognitionTemplate,
    previous: RecognitionTemplate | undefined,
    audit: AuditEntry[],
  ): Promise<void> {
    const TableName = this.tableName;
    try {
      await this.audit.transact(
        [
          {
            Put: {
              TableName,
              Item: {
                ...currentKey(next.id),
                ...indexAttributes(template.indexKeys.all, { typeKey: next.key, templateId: next.id }),
                [attributes.entity]: template.entity,
                version: next.version,
                template: next,
              },
              ...unchangedVersionCondition(previous),
            },
          },
          {
            Put: {
              TableName,
              Item: {
                ...versionKey(next.id, next.version),
                [attributes.entity]: templateVersion.entity,
                template: next,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        audit,
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new ConcurrentUpdateError();
      throw error;
    }
  }

  private async get(key: { pk: string; sk: string }): Promise<RecognitionTemplate | undefined> {
    const item = await this.table.getItem(key);
    return item && templateOf(item);
  }
}
