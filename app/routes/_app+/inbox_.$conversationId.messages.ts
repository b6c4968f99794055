import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { negotiateLocale } from "~/lib/i18n";
import { notFound, requireOrg } from "~/modules/auth/guards.server";
import { findConversation } from "~/modules/inbox/conversations.server";
import { toMessageViews } from "~/modules/inbox/message-view.server";
import { listMessages } from "~/modules/inbox/messages.server";

/** Older pages of a conversation for infinite scroll (JSON); without JavaScript the page's own ?before= link does this. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, user } = await requireOrg(request);
  const db = getDb();
  const conversation = await findConversation(db, org.id, params.conversationId ?? "");
  if (!conversation) notFound("Conversation not found");
  const page = await listMessages(db, org.id, conversation.id, { before: new URL(request.url).searchParams.get("before") });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return json({ messages: await toMessageViews(page.messages, conversation.channel.kind, locale), olderCursor: page.olderCursor });
}
