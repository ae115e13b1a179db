import type { ColumnType, Generated } from 'kysely';

/** An immutable policy version: casbin model text plus rules text, identified by a content hash. */
export interface PolicyVersionTable {
  id: Generated<number>;
  content_hash: ColumnType<string, string, never>;
  model_text: ColumnType<string, string, never>;
  rules_text: ColumnType<string, string, never>;
  source: ColumnType<string, string, never>;
  created_at: ColumnType<Date, Date | undefined, never>;
  activated_at: Date | null;
}
