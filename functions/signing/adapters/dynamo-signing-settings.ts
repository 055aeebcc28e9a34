import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../platform/core/errors.ts';
import type { AuditEntry } from '../../vault/core/model.ts';
import type { SignatureProviderName } from '../core/signature-provider.ts';
import type { SigningSettingsRepository } from '../core/signing-settings.ts';
import { AuditChainWriter } from '../../audit/adapters/audit-chain-writes.ts';

const settingsPk = 'SETTINGS#SIGNING';
const sealSk = 'SEAL';
const trustSk = (provider: SignatureProviderName) => `TRUST#${provider}`;

/** Signing settings as items of the vault table, each written with its audit entry. */
export class DynamoSigningSettings implements SigningSettingsRepository {
  private readonly audit: AuditChainWriter;

  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {
    this.audit = new AuditChainWriter(db, tableName);
  }

  getSealCertificates(): Promise<string | undefined> {
    return this.read(sealSk);
  }

  saveSealCertificates(pem: string, audit: AuditEntry[]): Promise<void> {
    return this.write(sealSk, pem, audit);
  }

  getTrustAnchors(provider: SignatureProviderName): Promise<string | undefined> {
    return this.read(trustSk(provider));
  }

  saveTrustAnchors(provider: SignatureProviderName, pem: string, audit: AuditEntry[]): Promise<void> {
    return this.write(trustSk(provider), pem, audit);
  }

  private async read(sk: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: settingsPk, sk }, ConsistentRead: true }));
    return typeof Item?.pem === 'string' ? Item.pem : undefined;
  }

  private async write(sk: string, pem: string, audit: AuditEntry[]): Promise<void> {
    const TableName = this.tableName;
    try {
      await this.audit.transact([{ Put: { TableName, Item: { pk: settingsPk, sk, entity: 'signing-setting', pem } } }], audit);
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new ConcurrentUpdateError();
      throw error;
    }
  }
}
