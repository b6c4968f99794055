import { sql } from "kysely";
import { z } from "zod";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { type ConnectionStatus, loadConnection, setConnectionStatus } from "../channels/connections.server";
import { graphSettings } from "../channels/meta/config.server";
import { graphCall, type GraphOptions } from "../channels/meta/graph-client.server";
import type { ConnectionContext, SendError } from "../channels/types";

const PAGE_SIZE = 100;
/** 1,000 pages of 100 is far beyond any WABA's template limit: a paging loop past it is a bug on either side. */
const MAX_PAGES = 1_000;
const UPSERT_CHUNK = 200;

const graphTemplate = z.looseObject({
  id: z.string().optional(),
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(16),
  status: z.string().min(1).max(32),
  category: z.string().max(32).default("UNKNOWN"),
  components: z.array(z.unknown()).default([]),
});
const templatePage = z.looseObject({
  data: z.array(z.unknown()),
  paging: z.looseObject({ cursors: z.looseObject({ after: z.string().optional() }).optional(), next: z.string().optional() }).optional(),
});

export class TemplateSyncError extends Error {
  constructor(readonly failure: SendError) {
    super(`template sync failed (${failure.code}): ${failure.message}`);
    this.name = "TemplateSyncError";
  }
}

export type TemplateSyncResult = { pages: number; fetched: number; removed: number };

const FIELDS = "id,name,language,status,category,components";

/**
 * Mirrors every template of the connection's WABA: all pages of GET /{waba-id}/message_templates
 * (Meta pages by cursor; `paging.next` disappears on the last page), then one transaction upserts
 * them and deletes the ones Meta no longer lists. Nothing is written unless every page was read.
 */
export async function syncTemplates(db: Database, connection: ConnectionContext, options: Partial<GraphOptions> = {}): Promise<TemplateSyncResult> {
  const graph: GraphOptions = { timeoutMs: options.timeoutMs ?? 30_000, fetch: options.fetch ?? ((...args) => fetch(...args)) };
  const settings = graphSettings(connection);
  const templates = new Map<string, z.infer<typeof graphTemplate>>();
  const seenCursors = new Set<string>();
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    // The next page is built from the cursor on our own base URL, so the token never follows a link to another host.
    const query = new URLSearchParams({ fields: FIELDS, limit: String(PAGE_SIZE), ...(after ? { after } : {}) });
    const result = await graphCall<unknown>(settings, `${settings.wabaId}/message_templates?${query}`, graph);
    if (!result.ok) throw new TemplateSyncError(result.error);
    const page = templatePage.safeParse(result.data);
    if (!page.success) throw new TemplateSyncError({ code: "bad_response", message: "unexpected message_templates page", retryable: true });
    pages += 1;
    for (const item of page.data.data) {
      const template = graphTemplate.safeParse(item);
      if (template.success) templates.set(`${template.data.name}\u0000${template.data.language}`, template.data);
    }
    after = page.data.paging?.cursors?.after;
    if (!page.data.paging?.next || !after || page.data.data.length === 0) break;
    if (seenCursors.has(after) || pages >= MAX_PAGES) throw new TemplateSyncError({ code: "paging_loop", message: `paging did not end after ${pages} pages`, retryable: false });
    seenCursors.add(after);
  }

  const rows = [...templates.values()];
  const removed = await inTransaction(db, async (trx) => {
    const syncedAt = new Date();
    for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
      await trx
        .insertInto("message_templates")
        .values(
          rows.slice(start, start + UPSERT_CHUNK).map((template) => ({
            org_id: connection.orgId,
            connection_id: connection.id,
            external_id: template.id ?? null,
            name: template.name,
            language: template.language,
            status: template.status.toUpperCase(),
            category: template.category.toUpperCase(),
            components: JSON.stringify(template.components),
            synced_at: syncedAt,
          })),
        )
        .onConflict((conflict) =>
          conflict.columns(["connection_id", "name", "language"]).doUpdateSet((eb) => ({
            external_id: eb.ref("excluded.external_id"),
            status: eb.ref("excluded.status"),
            category: eb.ref("excluded.category"),
            components: eb.ref("excluded.components"),
            synced_at: eb.ref("excluded.synced_at"),
          })),
        )
        .execute();
    }
    const deleted = await trx
      .deleteFrom("message_templates")
      .where("org_id", "=", connection.orgId)
      .where("connection_id", "=", connection.id)
      .where("synced_at", "<", syncedAt)
      .executeTakeFirst();
    // Marks the sync itself, so the page can say when it last ran even for a WABA with no templates.
    await trx
      .updateTable("channel_connections")
      .set({ config: sql`config || ${JSON.stringify({ templatesSyncedAt: syncedAt.toISOString() })}::jsonb` })
      .where("id", "=", connection.id)
      .execute();
    return Number(deleted.numDeletedRows);
  });
  await publishLiveEvent({ orgId: connection.orgId, type: LiveEventTypes.channelStatusChanged, ids: { connectionId: connection.id } });
  return { pages, fetched: rows.length, removed };
}

/**
 * The `templates.sync` job: a failure Meta may get over (rate limit, 5xx, timeout) is thrown so the
 * worker retries it; one that will not (token expired, WABA id wrong) or the last attempt becomes a
 * warning on the connection instead of a silent retry loop.
 */
export async function runTemplateSyncJob(
  db: Database,
  input: { orgId: string; connectionId: string; attempts: number; maxAttempts: number },
): Promise<TemplateSyncResult | null> {
  const connection = await loadConnection(db, input.orgId, input.connectionId);
  if (!connection || connection.kind !== "whatsapp_cloud") return null;
  try {
    return await syncTemplates(db, connection);
  } catch (error) {
    if (!(error instanceof TemplateSyncError)) throw error;
    if (error.failure.retryable && input.attempts < input.maxAttempts) throw error;
    const current = await db.selectFrom("channel_connections").select("status").where("id", "=", connection.id).executeTakeFirst();
    if (current) await setConnectionStatus(db, connection.id, current.status as ConnectionStatus, { warning: `Template sync failed: ${error.failure.code}: ${error.failure.message}` });
    return null;
  }
}
