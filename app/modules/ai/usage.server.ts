import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { AiBudgetExceededError } from "./errors";

export type AiRunRecord = {
  orgId: string;
  purpose: string;
  kind: "chat" | "structured" | "embedding";
  mode: "openai" | "offline";
  model: string;
  promptTokens?: number;
  completionTokens?: number;
  latencyMs: number;
  costMicros?: number;
  status: "ok" | "error" | "budget_exceeded";
  error?: string | null;
  personaId?: string | null;
  conversationId?: string | null;
};

export async function recordAiRun(db: Database, run: AiRunRecord): Promise<void> {
  await db
    .insertInto("ai_runs")
    .values({
      org_id: run.orgId,
      purpose: run.purpose,
      kind: run.kind,
      mode: run.mode,
      model: run.model,
      prompt_tokens: run.promptTokens ?? 0,
      completion_tokens: run.completionTokens ?? 0,
      latency_ms: Math.round(run.latencyMs),
      cost_micros: run.costMicros ?? 0,
      status: run.status,
      error: run.error?.slice(0, 1000) ?? null,
      persona_id: run.personaId ?? null,
      conversation_id: run.conversationId ?? null,
    })
    .execute();
}

export type MonthUsage = {
  monthStart: Date;
  nextMonthStart: Date;
  runs: number;
  failedRuns: number;
  promptTokens: number;
  completionTokens: number;
  costMicros: number;
  budgetMicros: number | null;
  budgetReached: boolean;
};

/** This calendar month in the organization's time zone. */
export async function getMonthUsage(db: Database, orgId: string): Promise<MonthUsage> {
  const { rows } = await sql<{
    month_start: Date;
    next_month_start: Date;
    runs: number;
    failed_runs: number;
    prompt_tokens: number;
    completion_tokens: number;
    cost_micros: number;
    budget_micros: number | null;
  }>`
    WITH org AS (
      SELECT o.id, date_trunc('month', now() AT TIME ZONE o.timezone) AT TIME ZONE o.timezone AS month_start,
             (date_trunc('month', now() AT TIME ZONE o.timezone) + interval '1 month') AT TIME ZONE o.timezone AS next_month_start
      FROM organizations o WHERE o.id = ${orgId}
    )
    SELECT org.month_start, org.next_month_start,
           count(r.id)::int AS runs,
           count(r.id) FILTER (WHERE r.status <> 'ok')::int AS failed_runs,
           coalesce(sum(r.prompt_tokens), 0)::bigint AS prompt_tokens,
           coalesce(sum(r.completion_tokens), 0)::bigint AS completion_tokens,
           coalesce(sum(r.cost_micros), 0)::bigint AS cost_micros,
           (SELECT monthly_budget_micros FROM ai_settings WHERE org_id = org.id) AS budget_micros
    FROM org LEFT JOIN ai_runs r ON r.org_id = org.id AND r.created_at >= org.month_start
    GROUP BY org.id, org.month_start, org.next_month_start`.execute(db);
  const row = rows[0];
  if (!row) throw new Error(`organization ${orgId} not found`);
  const budgetMicros = row.budget_micros === null ? null : Number(row.budget_micros);
  const costMicros = Number(row.cost_micros);
  return {
    monthStart: row.month_start,
    nextMonthStart: row.next_month_start,
    runs: row.runs,
    failedRuns: row.failed_runs,
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    costMicros,
    budgetMicros,
    budgetReached: budgetMicros !== null && costMicros >= budgetMicros,
  };
}

/** Throws AiBudgetExceededError when this month's spend has reached the budget. */
export async function assertWithinBudget(db: Database, orgId: string): Promise<void> {
  const usage = await getMonthUsage(db, orgId);
  if (usage.budgetReached) throw new AiBudgetExceededError(usage.costMicros, usage.budgetMicros!, usage.nextMonthStart);
}

export type AiRunView = { id: string; purpose: string; model: string; mode: string; tokens: number; costMicros: number; latencyMs: number; status: string; createdAt: Date };

export async function listRecentRuns(db: Database, orgId: string, limit = 20): Promise<AiRunView[]> {
  const rows = await db
    .selectFrom("ai_runs")
    .select(["id", "purpose", "model", "mode", "prompt_tokens", "completion_tokens", "cost_micros", "latency_ms", "status", "created_at"])
    .where("org_id", "=", orgId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    purpose: row.purpose,
    model: row.model,
    mode: row.mode,
    tokens: row.prompt_tokens + row.completion_tokens,
    costMicros: row.cost_micros,
    latencyMs: row.latency_ms,
    status: row.status,
    createdAt: row.created_at,
  }));
}
