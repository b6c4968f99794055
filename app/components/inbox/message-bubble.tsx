import { Form } from "@remix-run/react";
import { type MessageKey, useLocale, useT } from "~/lib/i18n";
import { SourceList } from "../ai/test-chat";
import { cn } from "../ui/cn";

export type MessageView = {
  id: string;
  direction: "inbound" | "outbound";
  isNote: boolean;
  type: string;
  body: string;
  status: string;
  /** A human sentence for a failed (or retrying) send. */
  explanation: string | null;
  retrying: boolean;
  suggestTemplate: boolean;
  senderName: string | null;
  senderType: string;
  createdAt: string;
  media: { mimeType: string; filename: string | null; url: string | null } | null;
  templateName: string | null;
  aiSources: Array<{ title: string; excerpt: string }>;
};

const TICKS: Record<string, { symbol: string; className: string }> = {
  queued: { symbol: "◷", className: "text-slate-400" },
  sent: { symbol: "✓", className: "text-slate-400" },
  delivered: { symbol: "✓✓", className: "text-slate-400" },
  read: { symbol: "✓✓", className: "text-sky-500" },
  failed: { symbol: "⚠", className: "text-red-600" },
};

/** queued ◷ · sent ✓ · delivered ✓✓ · read blue ✓✓ · failed ⚠ */
export function StatusTick({ status }: { status: string }) {
  const t = useT();
  const tick = TICKS[status];
  if (!tick) return null;
  return (
    <span className={cn("ml-1 font-semibold tracking-tighter", tick.className)} data-testid="message-status" data-status={status} title={t(`inbox.messageStatus.${status}` as MessageKey)}>
      <span aria-hidden="true">{tick.symbol}</span>
      <span className="sr-only">{t(`inbox.messageStatus.${status}` as MessageKey)}</span>
    </span>
  );
}

function Media({ media, type }: { media: NonNullable<MessageView["media"]>; type: string }) {
  const t = useT();
  if (!media.url) return <p className="text-xs italic">{t("inbox.mediaUnavailable")}</p>;
  if (type === "image" || type === "sticker") return <img src={media.url} alt={media.filename ?? ""} className="max-h-64 max-w-full rounded" loading="lazy" />;
  if (type === "audio") return <audio controls src={media.url} className="max-w-full" />;
  if (type === "video") return <video controls src={media.url} className="max-h-64 max-w-full rounded" />;
  return (
    <a href={media.url} className="underline" target="_blank" rel="noreferrer">
      📎 {media.filename ?? t("inbox.attachment")}
    </a>
  );
}

export function MessageBubble({ message, canRetry }: { message: MessageView; canRetry: boolean }) {
  const t = useT();
  const locale = useLocale();
  const outbound = message.direction === "outbound";
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" }).format(new Date(message.createdAt));
  return (
    <li className={cn("flex", outbound ? "justify-end" : "justify-start")} data-testid="message" data-direction={message.direction} data-note={message.isNote || undefined}>
      <div
        className={cn(
          "max-w-[85%] rounded-lg px-3 py-2 text-sm shadow-sm ring-1 sm:max-w-[70%]",
          message.isNote ? "bg-amber-50 ring-amber-200" : outbound ? "bg-brand-50 ring-brand-100" : "bg-white ring-slate-200",
        )}
      >
        {message.isNote ? <p className="mb-1 text-xs font-semibold uppercase text-amber-800">{t("inbox.note")}</p> : null}
        {message.templateName ? <p className="mb-1 text-xs text-slate-500">{t("inbox.templateLabel", { name: message.templateName })}</p> : null}
        {message.media ? <Media media={message.media} type={message.type} /> : null}
        {message.body ? <p className="whitespace-pre-wrap break-words">{message.body}</p> : null}
        {message.aiSources.length > 0 ? <SourceList sources={message.aiSources} /> : null}
        <p className="mt-1 flex items-center justify-end gap-1 text-xs text-slate-500">
          {outbound && message.senderName ? <span className="truncate">{message.senderName} ·</span> : null}
          {outbound && message.senderType === "ai" ? <span data-testid="bot-label">{t("aiBot.test.bot")} ·</span> : null}
          <time dateTime={message.createdAt}>{time}</time>
          {outbound && !message.isNote ? <StatusTick status={message.status} /> : null}
        </p>
        {message.explanation ? (
          <p className={cn("mt-1 text-xs", message.status === "failed" ? "text-red-700" : "text-amber-700")} data-testid="message-error">
            {message.retrying ? `${t("inbox.retrying")} ` : ""}
            {message.explanation}
          </p>
        ) : null}
        {message.status === "failed" && message.suggestTemplate ? <p className="mt-1 text-xs text-red-700">{t("inbox.useTemplateHint")}</p> : null}
        {message.status === "failed" && canRetry ? (
          <Form method="post" className="mt-1 text-right">
            <input type="hidden" name="intent" value="retry" />
            <input type="hidden" name="messageId" value={message.id} />
            <button type="submit" className="text-xs font-medium text-brand-700 underline">
              {t("inbox.retry")}
            </button>
          </Form>
        ) : null}
      </div>
    </li>
  );
}
