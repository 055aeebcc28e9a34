import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import type { AuditEntry } from '../../audit/core/audit-model.ts';
import type { SignatureProviderName } from '../core/signature-provider.ts';
import type { SigningSettingsRepository } from '../core/signing-settings.ts';
import { AuditChainWriter } from '../../platform/storage/audit-chain-writer.ts';
import { attributes, entities, primaryKey } from '../../platform/storage/schema.ts';

const sealKey = primaryKey(entities.sealSetting, {});
const trustKey = (provider: SignatureProviderName) => primaryKey(entities.trustSetting, { provider });

/** Signing settings as items of the vault table, each written with its audit entry. */
export class DynamoSigningSettings implements SigningSettingsRepository {
  private readonly audit: AuditChainWriter;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.audit = new AuditChainWriter(db, tableName);
  }

  getSealCertificates(): Promise<string | undefined> {
    return this.read(sealKey);
  }

  saveSealCertificates(pem: string, audit: AuditEntry[]): Promise<void> {
    return this.write(sealKey, pem, audit);
  }

  getTrustAnchors(provider: SignatureProviderName): Promise<string | undefined> {
    return this.read(trustKey(provider));
  }

  saveTrustAnchors(provider: SignatureProviderName, pem: string, audit: AuditEntry[]): Promise<void> {
    return this.write(trustKey(provider), pem, audit);
  }

  private async read(key: { pk: string; sk: string }): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return typeof Item?.pem === 'string' ? Item.pem : undefined;
  }

  private async write(key: { pk: string; sk: string }, pem: string, audit: AuditEntry[]): Promise<void> {
    const TableName = this.tableName;
    try {
      await this.audit.transact(
        [{ Put: { TableName, Item: { ...key, [attributes.entity]: entities.sealSetting.entity, pem } } }],
        audit,
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new ConcurrentUpdateError();
      throw error;
    }
  }
}
