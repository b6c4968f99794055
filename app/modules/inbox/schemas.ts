import { z } from "zod";

// Shared by the inbox routes (server) and their forms. Error messages are i18n keys.

export const CONVERSATION_STATUSES = ["open", "pending", "resolved"] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** The list's filters, read from the URL: anything unexpected falls back to the default rather than failing. */
export const inboxFilterSchema = z.object({
  status: z.enum([...CONVERSATION_STATUSES, "all"]).catch("open"),
  assignee: z.enum(["all", "mine", "unassigned"]).catch("all"),
  channel: z.uuid().optional().catch(undefined),
  tag: z.uuid().optional().catch(undefined),
  unread: z.literal("1").optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
});
export type InboxFilter = z.infer<typeof inboxFilterSchema>;

export function parseInboxFilter(params: URLSearchParams): InboxFilter {
  const raw = Object.fromEntries([...params].filter(([, value]) => value !== ""));
  return inboxFilterSchema.parse(raw);
}

/** The filter as a query string (defaults left out), for links that keep the list as it is. */
export function filterQuery(filter: InboxFilter, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  if (filter.status !== "open") params.set("status", filter.status);
  if (filter.assignee !== "all") params.set("assignee", filter.assignee);
  if (filter.channel) params.set("channel", filter.channel);
  if (filter.tag) params.set("tag", filter.tag);
  if (filter.unread) params.set("unread", "1");
  if (filter.q) params.set("q", filter.q);
  for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
  const query = params.toString();
  return query ? `?${query}` : "";
}

const text = z.string().trim().min(1, "validation.required").max(4096, "validation.tooLong");

export const conversationActionSchema = z.discriminatedUnion("intent", [
  // A reply may be only an attachment; the text is checked with the file in hand.
  z.object({ intent: z.literal("reply"), body: z.string().trim().max(4096, "validation.tooLong").default("") }),
  z.object({ intent: z.literal("note"), body: text }),
  z.object({ intent: z.literal("assign"), assigneeId: z.union([z.uuid(), z.literal("none"), z.literal("me")]) }),
  z.object({ intent: z.literal("status"), status: z.enum(CONVERSATION_STATUSES) }),
  z.object({ intent: z.literal("bot"), active: z.enum(["on", "off"]) }),
  z.object({ intent: z.literal("retry"), messageId: z.uuid() }),
  z.object({
    intent: z.literal("template"),
    templateId: z.uuid(),
    // Variables arrive as var1, var2… and are gathered in order by the route.
  }),
]);
export type ConversationAction = z.infer<typeof conversationActionSchema>;

export const cannedResponseSchema = z.object({
  shortcut: z
    .string()
    .trim()
    .toLowerCase()
    .transform((value) => value.replace(/^\//, ""))
    .pipe(z.string().min(1, "validation.required").max(32, "validation.tooLong").regex(/^[a-z0-9_-]+$/, "inbox.canned.shortcutFormat")),
  body: z.string().trim().min(1, "validation.required").max(4096, "validation.tooLong"),
});

export const cannedActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), shortcut: z.string(), body: z.string() }),
  z.object({ intent: z.literal("update"), id: z.uuid(), shortcut: z.string(), body: z.string() }),
  z.object({ intent: z.literal("delete"), id: z.uuid() }),
]);
