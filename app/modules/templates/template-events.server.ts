import type { Database } from "#db/index.js";
import { type ConnectionStatus, setConnectionStatus } from "../channels/connections.server";
import type { ConnectionContext, InboundEvent } from "../channels/types";
import { requestTemplateSync } from "./templates.server";

type TemplateStatusEvent = Extract<InboundEvent, { kind: "template_status" }>;

/**
 * A `message_template_status_update` webhook: the row takes the new status, anything but an approval
 * becomes a warning on the connection (which publishes channel.statusChanged, so open pages refresh),
 * and a template we have never synced (created in Meta's console) queues a sync to fetch its body.
 */
export async function applyTemplateStatusEvent(db: Database, connection: ConnectionContext, event: TemplateStatusEvent): Promise<{ updated: number }> {
  const status = event.status.toUpperCase();
  let query = db
    .updateTable("message_templates")
    .set({ status, synced_at: new Date() })
    .where("org_id", "=", connection.orgId)
    .where("connection_id", "=", connection.id)
    .where("name", "=", event.templateName);
  if (event.language) query = query.where("language", "=", event.language);
  const updated = Number((await query.executeTakeFirst()).numUpdatedRows);
  if (updated === 0) await requestTemplateSync(db, connection);

  const current = await db.selectFrom("channel_connections").select("status").where("id", "=", connection.id).executeTakeFirst();
  if (current) {
    const label = `${event.templateName}${event.language ? ` (${event.language})` : ""}`;
    const warning = status === "APPROVED" ? undefined : `Template ${label}: ${status}${event.reason ? ` — ${event.reason}` : ""}`;
    await setConnectionStatus(db, connection.id, current.status as ConnectionStatus, warning ? { warning } : {});
  }
  return { updated };
}
