import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useT } from "~/lib/i18n";
import { useHydrated } from "../use-hydrated";
import { MessageBubble, type MessageView } from "./message-bubble";

type OlderPage = { messages: MessageView[]; olderCursor: string | null };

function merge(base: MessageView[], fresh: MessageView[]): MessageView[] {
  const byId = new Map(base.map((message) => [message.id, message]));
  for (const message of fresh) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

type Props = {
  messages: MessageView[];
  olderCursor: string | null;
  /** Without JavaScript: a plain link to the previous page. */
  olderHref: string | null;
  newestHref: string | null;
  /** With JavaScript: older pages are fetched from here and added above, as the reader scrolls up. */
  olderUrl: string;
  canRetry: boolean;
};

/**
 * Newest at the bottom. The scroller is `flex-col-reverse`, so the browser opens it at the bottom and
 * keeps the reader's place when older messages are added above, with or without JavaScript.
 */
export function MessageList({ messages, olderCursor, olderHref, newestHref, olderUrl, canRetry }: Props) {
  const t = useT();
  const hydrated = useHydrated();
  const fetcher = useFetcher<OlderPage>();
  const [seen, setSeen] = useState<MessageView[]>([]);
  const [cursor, setCursor] = useState(olderCursor);
  const sentinel = useRef<HTMLLIElement>(null);

  // Messages that left the newest page (new ones arrived) stay on screen with the older pages.
  useEffect(() => setSeen((previous) => merge(previous, messages)), [messages]);
  useEffect(() => {
    if (!fetcher.data) return;
    setSeen((previous) => merge(fetcher.data!.messages, previous));
    setCursor(fetcher.data.olderCursor);
  }, [fetcher.data]);

  const loadOlder = () => {
    if (cursor && fetcher.state === "idle") fetcher.load(`${olderUrl}?before=${encodeURIComponent(cursor)}`);
  };
  const loadOlderRef = useRef(loadOlder);
  loadOlderRef.current = loadOlder;
  useEffect(() => {
    if (!hydrated || !sentinel.current) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && loadOlderRef.current());
    observer.observe(sentinel.current);
    return () => observer.disconnect();
  }, [hydrated, cursor]);

  const shown = hydrated ? merge(seen, messages) : messages;
  return (
    <div className="flex min-h-0 flex-1 flex-col-reverse overflow-y-auto bg-slate-50 px-3 py-4" data-testid="message-scroller">
      <ol className="space-y-2" aria-live="polite" aria-relevant="additions">
        {hydrated ? (
          cursor ? (
            <li ref={sentinel} className="text-center">
              <button type="button" onClick={loadOlder} className="text-xs font-medium text-brand-700 underline" disabled={fetcher.state !== "idle"}>
                {fetcher.state === "idle" ? t("inbox.olderMessages") : t("inbox.loading")}
              </button>
            </li>
          ) : null
        ) : olderHref ? (
          <li className="text-center">
            <Link to={olderHref} className="text-xs font-medium text-brand-700 underline" data-testid="older-messages">
              {t("inbox.olderMessages")}
            </Link>
          </li>
        ) : null}
        {shown.length === 0 ? <li className="text-center text-sm text-slate-500">{t("inbox.noMessages")}</li> : null}
        {shown.map((message) => (
          <MessageBubble key={message.id} message={message} canRetry={canRetry} />
        ))}
        {newestHref ? (
          <li className="text-center">
            <Link to={newestHref} className="text-xs font-medium text-brand-700 underline">
              {t("inbox.newestMessages")}
            </Link>
          </li>
        ) : null}
      </ol>
    </div>
  );
}
