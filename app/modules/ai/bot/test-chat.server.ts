import { z } from "zod";
import type { Database } from "#db/index.js";
import type { Persona } from "./personas.server";
import type { TranscriptLine } from "./prompt";
import { composeReply } from "./reply-pipeline.server";

/**
 * The persona page's test chat: the same pipeline the inbox bot runs, with no contact and no
 * conversation stored. The transcript travels in the form (a hidden field), so it works without
 * JavaScript and leaves nothing behind.
 */

const MAX_TURNS = 30;

const turnSchema = z.discriminatedUnion("from", [
  z.object({ from: z.literal("customer"), text: z.string().max(4000) }),
  z.object({
    from: z.literal("assistant"),
    text: z.string().max(4000),
    sources: z.array(z.object({ title: z.string().max(300), excerpt: z.string().max(400) })).max(8).default([]),
  }),
  z.object({ from: z.literal("handoff"), reason: z.string().max(40), detail: z.string().max(300).nullable() }),
]);
export type TestTurn = z.infer<typeof turnSchema>;

/** A tampered or stale transcript restarts the chat instead of failing. */
export function parseTranscript(raw: string | undefined): TestTurn[] {
  if (!raw) return [];
  try {
    const parsed = z.array(turnSchema).max(MAX_TURNS * 3).safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export async function runTestChatTurn(db: Database, input: { orgId: string; persona: Persona; transcript: TestTurn[]; text: string }): Promise<TestTurn[]> {
  const lastHandoff = input.transcript.findLastIndex((turn) => turn.from === "handoff");
  const sinceHandoff = input.transcript.slice(lastHandoff + 1);
  const history: TranscriptLine[] = input.transcript
    .filter((turn): turn is Exclude<TestTurn, { from: "handoff" }> => turn.from !== "handoff")
    .slice(-20)
    .map((turn) => ({ from: turn.from, text: turn.text }));
  history.push({ from: "customer", text: input.text });
  const decision = await composeReply(db, {
    orgId: input.orgId,
    persona: input.persona,
    history,
    pending: [input.text],
    contact: null,
    botTurns: sinceHandoff.filter((turn) => turn.from === "assistant").length,
  });
  const reply: TestTurn =
    decision.kind === "reply"
      ? { from: "assistant", text: decision.text, sources: decision.sources.map((source) => ({ title: source.title, excerpt: source.excerpt })) }
      : { from: "handoff", reason: decision.reason, detail: decision.detail };
  const asked: TestTurn = { from: "customer", text: input.text };
  return [...input.transcript, asked, reply].slice(-MAX_TURNS * 2);
}
