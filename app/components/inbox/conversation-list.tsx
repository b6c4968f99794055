import { Link } from "@remix-run/react";
import { useLocale, useT } from "~/lib/i18n";
import { cn } from "../ui/cn";

export type ConversationListEntry = {
  id: string;
  status: string;
  unreadCount: number;
  lastMessageAt: string;
  preview: string;
  assignee: { id: string; name: string } | null;
  contact: { name: string; phone: string | null };
  channel: { name: string };
};

function shortTime(iso: string, locale: string) {
  const date = new Date(iso);
  const sameDay = new Date().toDateString() === date.toDateString();
  return new Intl.DateTimeFormat(locale, sameDay ? { hour: "2-digit", minute: "2-digit" } : { day: "2-digit", month: "2-digit" }).format(date);
}

export function ConversationList({ conversations, activeId, query }: { conversations: ConversationListEntry[]; activeId?: string; query: string }) {
  const t = useT();
  const locale = useLocale();
  if (conversations.length === 0) return <p className="p-4 text-sm text-slate-600">{t("inbox.empty")}</p>;
  return (
    <ul className="divide-y divide-slate-100" data-testid="conversation-list">
      {conversations.map((conversation) => {
        const title = conversation.contact.name || conversation.contact.phone || t("inbox.unknownContact");
        const unread = conversation.unreadCount > 0;
        return (
          <li key={conversation.id}>
            <Link
              to={`/inbox/${conversation.id}${query}`}
              prefetch="intent"
              aria-current={conversation.id === activeId ? "page" : undefined}
              className={cn("block px-3 py-3 hover:bg-slate-50", conversation.id === activeId && "bg-brand-50")}
              data-testid="conversation-item"
            >
              <div className="flex items-baseline justify-between gap-2">
                <span className={cn("truncate text-sm", unread ? "font-semibold text-slate-900" : "font-medium text-slate-800")}>{title}</span>
                <time dateTime={conversation.lastMessageAt} className="shrink-0 text-xs text-slate-500">
                  {shortTime(conversation.lastMessageAt, locale)}
                </time>
              </div>
              <div className="mt-0.5 flex items-center justify-between gap-2">
                <span className="truncate text-sm text-slate-600">{conversation.preview || "—"}</span>
                {unread ? (
                  <span className="shrink-0 rounded-full bg-brand-700 px-2 py-0.5 text-xs font-semibold text-white" data-testid="unread-badge">
                    <span className="sr-only">{t("inbox.unreadCount", { count: conversation.unreadCount })}</span>
                    <span aria-hidden="true">{conversation.unreadCount}</span>
                  </span>
                ) : null}
              </div>
              <p className="mt-0.5 truncate text-xs text-slate-500">
                {conversation.channel.name}
                {conversation.assignee ? ` · ${conversation.assignee.name}` : ` · ${t("inbox.unassigned")}`}
                {conversation.status !== "open" ? ` · ${t(conversation.status === "resolved" ? "inbox.conversationStatus.resolved" : "inbox.conversationStatus.pending")}` : ""}
              </p>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
