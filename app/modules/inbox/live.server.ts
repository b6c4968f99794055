import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";

// Published after the change is committed; browsers refetch through loaders (ids only, never content).

export function publishMessageCreated(orgId: string, conversationId: string, messageId: string) {
  return Promise.all([
    publishLiveEvent({ orgId, type: LiveEventTypes.messageCreated, ids: { conversationId, messageId } }),
    publishLiveEvent({ orgId, type: LiveEventTypes.conversationUpdated, ids: { conversationId } }),
  ]);
}

export function publishMessageStatus(orgId: string, conversationId: string, messageId: string) {
  return publishLiveEvent({ orgId, type: LiveEventTypes.messageStatusChanged, ids: { conversationId, messageId } });
}

export function publishConversationUpdated(orgId: string, conversationId: string) {
  return publishLiveEvent({ orgId, type: LiveEventTypes.conversationUpdated, ids: { conversationId } });
}

export function publishConversationAssigned(orgId: string, conversationId: string, assigneeId: string | null) {
  return publishLiveEvent({ orgId, type: LiveEventTypes.conversationAssigned, ids: assigneeId ? { conversationId, assigneeId } : { conversationId } });
}
