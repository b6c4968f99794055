import { Form, useNavigation } from "@remix-run/react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { Alert } from "../ui/card";

export type AssistView = { kind: "suggest" | "summarize"; ok: true; text: string; offline: boolean } | { kind: "suggest" | "summarize"; ok: false; message: string };

/**
 * "Suggest a reply" and "summarize conversation": plain POSTs to the conversation. The suggestion
 * lands in the reply box (the route passes it as the box's prefill); the summary shows here.
 */
export type PersonaChoiceView = { chosenId: string | null; answeringName: string | null; options: Array<{ id: string; name: string }> };

export function AssistPanel({ assist, personaChoice }: { assist: AssistView | null; personaChoice: PersonaChoiceView | null }) {
  const t = useT();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && ["suggest", "summarize"].includes(String(navigation.formData?.get("intent")));
  return (
    <div className="space-y-2 border-t border-slate-200 bg-white px-3 pt-2" data-testid="assist-panel">
      <div className="flex flex-wrap items-center gap-2">
        {personaChoice ? (
          <Form method="post" className="flex min-w-0 flex-wrap items-center gap-1" data-testid="persona-choice">
            <input type="hidden" name="intent" value="persona" />
            <label htmlFor="conversation-persona" className="text-xs text-slate-600">
              {t("aiBot.conversation.persona")}
            </label>
            <select
              id="conversation-persona"
              name="personaId"
              defaultValue={personaChoice.chosenId ?? "inherit"}
              className="min-w-0 max-w-[9rem] rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-slate-300"
            >
              <option value="inherit">{t("aiBot.conversation.personaInherit")}</option>
              {personaChoice.options.map((persona) => (
                <option key={persona.id} value={persona.id}>
                  {persona.name}
                </option>
              ))}
            </select>
            <Button type="submit" size="sm" variant="ghost">
              {t("aiBot.conversation.setPersona")}
            </Button>
            <span className="w-full text-xs text-slate-500">
              {personaChoice.answeringName ? t("aiBot.conversation.answering", { name: personaChoice.answeringName }) : t("aiBot.conversation.noPersona")}
            </span>
          </Form>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value="suggest" />
          <Button type="submit" size="sm" variant="secondary" disabled={busy} data-testid="assist-suggest">
            {t("aiBot.assist.suggest")}
          </Button>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="summarize" />
          <Button type="submit" size="sm" variant="secondary" disabled={busy} data-testid="assist-summarize">
            {t("aiBot.assist.summarize")}
          </Button>
        </Form>
      </div>
      {assist && !assist.ok ? <Alert kind="error">{assist.message}</Alert> : null}
      {assist?.ok && assist.kind === "suggest" ? <Alert kind="success">{t("aiBot.assist.suggestionReady")}</Alert> : null}
      {assist?.ok && assist.kind === "summarize" ? (
        <section className="rounded-md bg-slate-50 p-2 text-sm ring-1 ring-slate-200" data-testid="assist-summary" aria-label={t("aiBot.assist.summaryTitle")}>
          <h3 className="text-xs font-semibold uppercase text-slate-600">
            {t("aiBot.assist.summaryTitle")}
            {assist.offline ? ` · ${t("aiBot.assist.offline")}` : ""}
          </h3>
          <p className="whitespace-pre-wrap">{assist.text}</p>
        </section>
      ) : null}
    </div>
  );
}
