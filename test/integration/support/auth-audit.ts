import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { entities } from '../../../functions/platform/storage/schema.ts';
import type { LocalVault } from '../../../lib/local/vault-server.ts';

export interface AuthAuditEntry {
  action: string;
  outcome?: string;
  resourceId?: string;
  detail?: Record<string, string>;
}

/** The `auth` pseudo-owner's audit entries (refused credentials, logins, logouts), oldest first. */
export async function authAuditEntries(vault: LocalVault): Promise<AuthAuditEntry[]> {
  const { Items } = await vault.table.client.send(
    new QueryCommand({
      TableName: vault.table.name,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': entities.auditEntry.pk.of({ ownerId: 'auth', block: 0 }) },
    }),
  );
  return (Items ?? []) as AuthAuditEntry[];
}
