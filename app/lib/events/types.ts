// Shared by server and browser code: keep this file free of node and server-only imports.

/** Every live event the platform publishes. Events carry ids only; the browser refetches through loaders. */
export const LiveEventTypes = {
  messageCreated: "message.created",
  messageStatusChanged: "message.statusChanged",
  conversationUpdated: "conversation.updated",
  conversationAssigned: "conversation.assigned",
  leadStageChanged: "lead.stageChanged",
  campaignProgress: "campaign.progress",
  importProgress: "import.progress",
  kbDocumentProgress: "kbDocument.progress",
  channelStatusChanged: "channel.statusChanged",
  channelQr: "channel.qr",
} as const;

export type LiveEventType = (typeof LiveEventTypes)[keyof typeof LiveEventTypes];

export const liveEventTypes: readonly LiveEventType[] = Object.values(LiveEventTypes);

export type LiveEvent = {
  orgId: string;
  type: LiveEventType;
  /** e.g. `{ conversationId, messageId }`: ids only, never content. */
  ids: Record<string, string>;
  /** ISO timestamp of when it happened. */
  at?: string;
};

export function isLiveEventType(value: unknown): value is LiveEventType {
  return typeof value === "string" && (liveEventTypes as readonly string[]).includes(value);
}
