import { Form, useNavigation } from "@remix-run/react";
import { type MessageKey, useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { cn } from "../ui/cn";
import { FieldErrors } from "../ui/field";
import { useErrorText } from "../use-field-errors";

export type TestTurnView =
  | { from: "customer"; text: string }
  | { from: "assistant"; text: string; sources: Array<{ title: string; excerpt: string }> }
  | { from: "handoff"; reason: string; detail: string | null };

/** Sources under a bot answer: the document titles, with the quoted passage on demand. */
export function SourceList({ sources }: { sources: Array<{ title: string; excerpt: string }> }) {
  const t = useT();
  if (sources.length === 0) return null;
  return (
    <div className="mt-2 border-t border-slate-200 pt-1 text-xs text-slate-600" data-testid="bot-sources">
      <p className="font-medium">{t("aiBot.sources")}</p>
      <ul className="space-y-0.5">
        {sources.map((source, index) => (
          <li key={`${source.title}-${index}`}>
            <details>
              <summary className="cursor-pointer" data-testid="bot-source">
                {source.title}
              </summary>
              <p className="mt-0.5 whitespace-pre-wrap italic">{source.excerpt}</p>
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The persona's test chat: each message is a plain POST; the transcript so far rides along in a
 * hidden field, so it works the same with JavaScript off.
 */
export function TestChat({ transcript, errors }: { transcript: TestTurnView[]; errors?: string[] }) {
  const t = useT();
  const errorText = useErrorText();
  const navigation = useNavigation();
  const sending = navigation.state === "submitting" && navigation.formData?.get("intent") === "test";
  return (
    <Card className="space-y-3" aria-labelledby="test-chat-title">
      <h2 id="test-chat-title" className="font-medium">
        {t("aiBot.test.title")}
      </h2>
      <p className="text-sm text-slate-600">{t("aiBot.test.description")}</p>
      <ol className="max-h-[28rem] space-y-2 overflow-y-auto rounded-md bg-slate-50 p-3" data-testid="test-transcript" aria-live="polite">
        {transcript.length === 0 ? <li className="text-sm text-slate-500">{t("aiBot.test.empty")}</li> : null}
        {transcript.map((turn, index) => (
          <li key={index} className={cn("flex", turn.from === "customer" ? "justify-end" : "justify-start")} data-testid={`test-${turn.from}`}>
            {turn.from === "handoff" ? (
              <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
                <span className="font-semibold">{t("aiBot.test.handoff")}</span> {t(`aiBot.handoff.reason.${turn.reason}` as MessageKey, { detail: turn.detail ?? "" })}
              </p>
            ) : (
              <div className={cn("max-w-[85%] rounded-lg px-3 py-2 text-sm shadow-sm ring-1", turn.from === "customer" ? "bg-brand-50 ring-brand-100" : "bg-white ring-slate-200")}>
                <p className="mb-0.5 text-xs font-semibold text-slate-500">{turn.from === "customer" ? t("aiBot.test.customer") : t("aiBot.test.bot")}</p>
                <p className="whitespace-pre-wrap break-words">{turn.text}</p>
                {turn.from === "assistant" ? <SourceList sources={turn.sources} /> : null}
              </div>
            )}
          </li>
        ))}
      </ol>
      {/* Keyed by the transcript's length: with JavaScript the box empties after each answer, as a page load would. */}
      <Form key={transcript.length} method="post" className="space-y-2">
        <input type="hidden" name="intent" value="test" />
        <input type="hidden" name="transcript" value={JSON.stringify(transcript)} />
        <label htmlFor="test-text" className="block text-sm font-medium text-slate-700">
          {t("aiBot.test.message")}
        </label>
        <textarea
          id="test-text"
          name="text"
          rows={2}
          required
          maxLength={2000}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? "test-text-error" : undefined}
          className="block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
        />
        <FieldErrors id="test-text-error" errors={errorText(errors)} />
        <div className="flex gap-2">
          <Button type="submit" disabled={sending}>
            {t("aiBot.test.send")}
          </Button>
          {transcript.length > 0 ? (
            <Button type="submit" variant="ghost" name="intent" value="restart" formNoValidate>
              {t("aiBot.test.restart")}
            </Button>
          ) : null}
        </div>
      </Form>
    </Card>
  );
}
