import { z } from "zod";
import type { Database } from "#db/index.js";

/** What campaigns.message holds, as the builder saves it. */
export const campaignMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string().max(4096), mediaId: z.uuid().nullish() }),
  z.object({
    type: z.literal("template"),
    templateId: z.uuid(),
    variables: z.array(z.object({ source: z.string().max(100), fallback: z.string().max(200).default("") })).max(20).default([]),
  }),
]);
export type CampaignMessage = z.infer<typeof campaignMessageSchema>;

/** A message that can be sent on this connection: text or media present, the template and media exist. */
export async function checkCampaignMessage(db: Database, input: { orgId: string; connectionId: string; message: unknown }): Promise<CampaignMessage | null> {
  const parsed = campaignMessageSchema.safeParse(input.message);
  if (!parsed.success) return null;
  const message = parsed.data;
  if (message.type === "text") {
    if (!message.text.trim() && !message.mediaId) return null;
    if (message.mediaId) {
      const media = await db.selectFrom("media").select("id").where("org_id", "=", input.orgId).where("id", "=", message.mediaId).executeTakeFirst();
      if (!media) return null;
    }
    return message;
  }
  const template = await db
    .selectFrom("message_templates")
    .select("id")
    .where("org_id", "=", input.orgId)
    .where("connection_id", "=", input.connectionId)
    .where("id", "=", message.templateId)
    .executeTakeFirst();
  return template ? message : null;
}
