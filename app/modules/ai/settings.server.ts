import type { Database } from "#db/index.js";
import { getSecretBox } from "~/lib/crypto/secret-box.server";

export const DEFAULT_CHAT_MODEL = "gpt-4o-mini";
export const DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small";

export type AiSettings = {
  baseUrl: string | null;
  hasApiKey: boolean;
  apiKeyHint: string | null;
  chatModel: string;
  embeddingModel: string;
  /** USD × 10⁶; null means no monthly limit. */
  monthlyBudgetMicros: number | null;
  updatedAt: Date | null;
};

export type AiSettingsInput = {
  baseUrl: string | null;
  chatModel: string;
  embeddingModel: string;
  monthlyBudgetMicros: number | null;
  /** A new key to store; undefined keeps the current one. */
  apiKey?: string;
  removeApiKey?: boolean;
};

const apiKeyContext = (orgId: string) => `ai_settings:${orgId}:api_key`;

export async function getAiSettings(db: Database, orgId: string): Promise<AiSettings> {
  const row = await db.selectFrom("ai_settings").selectAll().where("org_id", "=", orgId).executeTakeFirst();
  if (!row) {
    return {
      baseUrl: null,
      hasApiKey: false,
      apiKeyHint: null,
      chatModel: DEFAULT_CHAT_MODEL,
      embeddingModel: DEFAULT_EMBEDDING_MODEL,
      monthlyBudgetMicros: null,
      updatedAt: null,
    };
  }
  return {
    baseUrl: row.base_url,
    hasApiKey: row.api_key_sealed !== null,
    apiKeyHint: row.api_key_hint,
    chatModel: row.chat_model,
    embeddingModel: row.embedding_model,
    monthlyBudgetMicros: row.monthly_budget_micros,
    updatedAt: row.updated_at,
  };
}

/** The organization's own key, opened; null when none is stored. */
export async function getOrgApiKey(db: Database, orgId: string): Promise<string | null> {
  const row = await db.selectFrom("ai_settings").select("api_key_sealed").where("org_id", "=", orgId).executeTakeFirst();
  if (!row?.api_key_sealed) return null;
  return getSecretBox().decrypt(row.api_key_sealed, apiKeyContext(orgId));
}

export async function saveAiSettings(db: Database, orgId: string, userId: string | null, input: AiSettingsInput): Promise<void> {
  const key = input.removeApiKey ? null : input.apiKey?.trim() || undefined;
  const keyColumns =
    key === undefined && !input.removeApiKey
      ? {}
      : key
        ? { api_key_sealed: getSecretBox().encrypt(key, apiKeyContext(orgId)), api_key_hint: key.slice(-4) }
        : { api_key_sealed: null, api_key_hint: null };
  const values = {
    base_url: input.baseUrl,
    chat_model: input.chatModel,
    embedding_model: input.embeddingModel,
    monthly_budget_micros: input.monthlyBudgetMicros,
    updated_by: userId,
    updated_at: new Date(),
    ...keyColumns,
  };
  await db
    .insertInto("ai_settings")
    .values({ org_id: orgId, ...values })
    .onConflict((oc) => oc.column("org_id").doUpdateSet(values))
    .execute();
}
