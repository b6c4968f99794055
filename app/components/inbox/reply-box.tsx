import { Form, useNavigation } from "@remix-run/react";
import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { FieldErrors } from "../ui/field";
import { useHydrated } from "../use-hydrated";

export type CannedOption = { id: string; shortcut: string; body: string };

const EMOJI = ["😀", "😂", "😊", "😍", "🙏", "👍", "👏", "🎉", "❤️", "🔥", "✅", "👋", "🤝", "😉", "😢", "🤔", "⏰", "📦", "💰", "📍"];

/** What the route passes for SMS channels (the counter lives in the channel module, which components may not import). */
export type SegmentCounter = (text: string) => { encoding: string; segments: number; remaining: number; unicodeCharacters: string[] };

type Props = {
  prefill: string;
  countSegments?: SegmentCounter;
  canned: CannedOption[];
  errors?: string[] | null;
  attachments: { enabled: boolean; accept: string };
};

/**
 * Text, attachment, and two ways out: send to the customer or keep as a private note. With JavaScript,
 * `/shortcut` offers canned responses and an emoji palette appears; without it, the canned-response
 * menu beside the box fills the text through the page's URL.
 */
export function ReplyBox({ prefill, canned, errors, attachments, countSegments }: Props) {
  const t = useT();
  const hydrated = useHydrated();
  const navigation = useNavigation();
  const [value, setValue] = useState(prefill);
  const formRef = useRef<HTMLFormElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const submitting = navigation.state === "submitting" && ["reply", "note"].includes(String(navigation.formData?.get("intent")));
  const wasSubmitting = useRef(false);

  useEffect(() => setValue(prefill), [prefill]);
  useEffect(() => {
    if (submitting) wasSubmitting.current = true;
    else if (navigation.state === "idle" && wasSubmitting.current) {
      wasSubmitting.current = false;
      if (!errors?.length) {
        setValue("");
        formRef.current?.reset();
      }
    }
  }, [submitting, navigation.state, errors]);

  const typed = /^\/(\S*)$/.exec(value)?.[1]?.toLowerCase();
  const suggestions = hydrated && typed !== undefined ? canned.filter((item) => item.shortcut.startsWith(typed)).slice(0, 6) : [];
  const choose = (body: string) => {
    setValue(body);
    textRef.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if ((event.key === "Enter" || event.key === "Tab") && suggestions[0]) {
      event.preventDefault();
      choose(suggestions[0].body);
    }
  };
  const insertEmoji = (emoji: string) => {
    const area = textRef.current;
    const start = area?.selectionStart ?? value.length;
    const end = area?.selectionEnd ?? value.length;
    setValue(value.slice(0, start) + emoji + value.slice(end));
    requestAnimationFrame(() => area?.setSelectionRange(start + emoji.length, start + emoji.length));
  };

  return (
    <Form ref={formRef} method="post" encType={attachments.enabled ? "multipart/form-data" : undefined} className="space-y-2 border-t border-slate-200 bg-white p-3">
      <div className="relative">
        <label htmlFor="reply-body" className="sr-only">
          {t("inbox.reply")}
        </label>
        <textarea
          ref={textRef}
          id="reply-body"
          name="body"
          rows={3}
          maxLength={4096}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={t("inbox.replyPlaceholder")}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? "reply-body-error" : undefined}
          className="block w-full resize-y rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
        />
        {suggestions.length > 0 ? (
          <ul className="absolute bottom-full left-0 z-10 mb-1 w-full max-w-sm rounded-md bg-white p-1 shadow-lg ring-1 ring-slate-200" role="listbox" aria-label={t("inbox.canned.title")}>
            {suggestions.map((item) => (
              <li key={item.id} role="option" aria-selected="false">
                <button type="button" onClick={() => choose(item.body)} className="block w-full truncate rounded px-2 py-1 text-left text-sm hover:bg-slate-100">
                  <span className="font-mono text-brand-800">/{item.shortcut}</span> <span className="text-slate-600">{item.body}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {countSegments && value ? <SegmentInfo count={countSegments(value)} /> : null}
      <FieldErrors id="reply-body-error" errors={errors} />
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" name="intent" value="reply" disabled={submitting}>
          {t("inbox.send")}
        </Button>
        <Button type="submit" name="intent" value="note" variant="secondary" disabled={submitting}>
          {t("inbox.addNote")}
        </Button>
        {attachments.enabled ? (
          <label className="text-xs text-slate-600">
            <span className="sr-only">{t("inbox.attachment")}</span>
            <input type="file" name="attachment" accept={attachments.accept} className="max-w-[12rem] text-xs file:mr-2 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1" />
          </label>
        ) : null}
        {hydrated ? (
          <details className="relative">
            <summary className="cursor-pointer list-none rounded px-2 py-1 text-lg hover:bg-slate-100" aria-label={t("inbox.emoji")}>
              🙂
            </summary>
            <div className="absolute bottom-full z-10 mb-1 grid w-56 grid-cols-5 gap-1 rounded-md bg-white p-2 shadow-lg ring-1 ring-slate-200">
              {EMOJI.map((emoji) => (
                <button key={emoji} type="button" onClick={() => insertEmoji(emoji)} className="rounded p-1 text-lg hover:bg-slate-100" aria-label={emoji}>
                  {emoji}
                </button>
              ))}
            </div>
          </details>
        ) : null}
      </div>
    </Form>
  );
}

function SegmentInfo({ count }: { count: ReturnType<SegmentCounter> }) {
  const t = useT();
  return (
    <p className="text-xs text-slate-500" data-testid="sms-segments" aria-live="polite">
      {t("twilio.segments", { segments: count.segments, encoding: count.encoding, remaining: count.remaining })}
      {count.unicodeCharacters.length > 0 ? ` ${t("twilio.unicodeHint", { characters: count.unicodeCharacters.slice(0, 5).join(" ") })}` : null}
    </p>
  );
}
