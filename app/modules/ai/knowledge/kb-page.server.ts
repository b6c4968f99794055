import { z } from "zod";
import type { Database } from "#db/index.js";
import { notFound } from "~/modules/auth/guards.server";
import { findKnowledgeBase, type KnowledgeBase } from "./knowledge-bases.server";

export function parseUuidParam(value: string | undefined, what: string): string {
  const parsed = z.uuid().safeParse(value);
  return parsed.success ? parsed.data : notFound(`${what} not found`);
}

/** The knowledge base named in the URL, in the caller's organization, or a 404. */
export async function requireKnowledgeBase(db: Database, orgId: string, kbIdParam: string | undefined): Promise<KnowledgeBase> {
  const kb = await findKnowledgeBase(db, orgId, parseUuidParam(kbIdParam, "Knowledge base"));
  return kb ?? notFound("Knowledge base not found");
}
