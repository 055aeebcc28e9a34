import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

/** Every item a query matches, following LastEvaluatedKey page by page. */
export async function queryAllItems(db: DynamoDBDocumentClient, tableName: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const result = await db.send(new QueryCommand({ ...input, TableName: tableName, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return items;
}
