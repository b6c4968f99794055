import type { Database } from "#db/index.js";
import { AiBudgetExceededError, AiUnavailableError } from "./errors";
import { generateChat, getAiMode } from "./runtime.server";

export type ConnectionTestResult = { ok: true; model: string; latencyMs: number } | { ok: false; offline: boolean; message: string };

/** One tiny chat call with the saved settings (recorded in ai_runs like any other). */
export async function testAiConnection(db: Database, orgId: string): Promise<ConnectionTestResult> {
  const mode = await getAiMode(db, orgId);
  if (mode.kind === "offline") return { ok: false, offline: true, message: "offline" };
  try {
    const { usage } = await generateChat(db, {
      orgId,
      purpose: "settings.test",
      system: "Reply with the single word OK.",
      messages: [{ role: "user", content: "ping" }],
      maxOutputTokens: 5,
      maxRetries: 0,
    });
    return { ok: true, model: usage.model, latencyMs: usage.latencyMs };
  } catch (error) {
    if (error instanceof AiUnavailableError || error instanceof AiBudgetExceededError) return { ok: false, offline: false, message: error.message };
    throw error;
  }
}
