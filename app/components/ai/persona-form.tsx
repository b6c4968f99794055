import { type FieldMetadata, getFormProps, getTextareaProps, type SubmissionResult, useForm } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { type MessageKey, useT } from "~/lib/i18n";
import { inputProps } from "../conform";
import { Button } from "../ui/button";
import { Alert, Card } from "../ui/card";
import { cn } from "../ui/cn";
import { FieldErrors, FieldShell, InputField, SelectField } from "../ui/field";
import { useErrorText } from "../use-field-errors";

export type PersonaFormValues = {
  name?: string;
  systemPrompt?: string;
  tone?: string;
  language?: string;
  model?: string;
  temperature?: string;
  maxReplyChars?: string;
  greeting?: string;
  hoursEnabled?: string;
  hoursDays?: string[];
  hoursStart?: string;
  hoursEnd?: string;
  timezone?: string;
  awayMessage?: string;
  handoffKeywords?: string;
  lowConfidenceThreshold?: string;
  sentimentHandoff?: string;
  maxBotTurns?: string;
  replyDelaySeconds?: string;
  isDefault?: string;
  knowledgeBaseIds?: string[];
  connectionIds?: string[];
};

type Validate = Parameters<typeof useForm<PersonaFormValues>>[0]["onValidate"];

type Props = {
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue: PersonaFormValues;
  /** The route's zod check, run in the browser too (the same schema the server applies). */
  onValidate: (context: { formData: FormData }) => unknown;
  knowledgeBases: Array<{ id: string; name: string }>;
  /** The organization's channels, with the persona each one answers with today (if another). */
  channels: Array<{ id: string; name: string; otherPersona: string | null }>;
  submitLabel: string;
  cancelHref: string;
};

const TONES = ["friendly", "formal", "neutral", "enthusiastic"];
const LANGUAGES = ["pt-BR", "en"];
const DAYS = ["1", "2", "3", "4", "5", "6", "0"];
const textareaClass =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-brand-600";

function TextareaField({ meta, label, hint, errors, rows = 3 }: { meta: FieldMetadata<string | undefined>; label: ReactNode; hint?: ReactNode; errors?: string[]; rows?: number }) {
  const { key: _key, ...props } = getTextareaProps(meta);
  return (
    <FieldShell id={meta.id} label={label} hint={hint} errors={errors}>
      <textarea {...props} id={meta.id} rows={rows} className={cn(textareaClass, errors?.length ? "ring-red-500" : undefined)} />
    </FieldShell>
  );
}

function CheckboxField({ meta, label, hint }: { meta: FieldMetadata<string | undefined>; label: ReactNode; hint?: ReactNode }) {
  return (
    <div>
      <label className="flex items-start gap-2 text-sm font-medium text-slate-800">
        <input {...inputProps(meta, { type: "checkbox", value: "on" })} className="mt-0.5" />
        {label}
      </label>
      {hint ? <p className="ml-6 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

/** New and edit share this form; each section is a card, every error sits under its field. */
export function PersonaForm({ lastResult, defaultValue, onValidate, knowledgeBases, channels, submitLabel, cancelHref }: Props) {
  const t = useT();
  const errorText = useErrorText();
  const [form, fields] = useForm<PersonaFormValues>({ lastResult, defaultValue, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate: onValidate as Validate });
  const checkedKbs = new Set(fields.knowledgeBaseIds.initialValue as string[] | undefined);
  const checkedChannels = new Set(fields.connectionIds.initialValue as string[] | undefined);
  const checkedDays = new Set(fields.hoursDays.initialValue as string[] | undefined);
  const number = (meta: FieldMetadata<string | undefined>) => ({ ...inputProps(meta, { type: "text" }), inputMode: "decimal" as const });

  return (
    <Form method="post" className="space-y-6" {...getFormProps(form)}>
      {form.errors?.length ? <Alert kind="error">{errorText(form.errors)}</Alert> : null}
      <Card className="space-y-4">
        <h2 className="font-medium">{t("aiBot.personas.section.behaviour")}</h2>
        <InputField {...inputProps(fields.name, { type: "text" })} label={t("aiBot.personas.name")} autoComplete="off" errors={errorText(fields.name.errors)} />
        <TextareaField meta={fields.systemPrompt} rows={6} label={t("aiBot.personas.systemPrompt")} hint={t("aiBot.personas.systemPromptHint")} errors={errorText(fields.systemPrompt.errors)} />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField id={fields.tone.id} name={fields.tone.name} defaultValue={(fields.tone.initialValue as string) ?? "friendly"} label={t("aiBot.personas.tone")} errors={errorText(fields.tone.errors)}>
            {TONES.map((tone) => (
              <option key={tone} value={tone}>
                {t(`aiBot.personas.tone.${tone}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <SelectField
            id={fields.language.id}
            name={fields.language.name}
            defaultValue={(fields.language.initialValue as string) ?? "pt-BR"}
            label={t("aiBot.personas.language")}
            errors={errorText(fields.language.errors)}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {t(`aiBot.personas.language.${language}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <InputField {...inputProps(fields.model, { type: "text" })} label={t("aiBot.personas.model")} hint={t("aiBot.personas.modelHint")} autoComplete="off" errors={errorText(fields.model.errors)} />
          <InputField {...number(fields.temperature)} label={t("aiBot.personas.temperature")} hint={t("aiBot.personas.temperatureHint")} errors={errorText(fields.temperature.errors)} />
          <InputField {...number(fields.maxReplyChars)} inputMode="numeric" label={t("aiBot.personas.maxReplyChars")} errors={errorText(fields.maxReplyChars.errors)} />
          <InputField
            {...number(fields.replyDelaySeconds)}
            inputMode="numeric"
            label={t("aiBot.personas.replyDelay")}
            hint={t("aiBot.personas.replyDelayHint")}
            errors={errorText(fields.replyDelaySeconds.errors)}
          />
        </div>
        <TextareaField meta={fields.greeting} rows={2} label={t("aiBot.personas.greeting")} hint={t("aiBot.personas.greetingHint")} errors={errorText(fields.greeting.errors)} />
        <CheckboxField meta={fields.isDefault} label={t("aiBot.personas.isDefault")} hint={t("aiBot.personas.isDefaultHint")} />
      </Card>

      <Card className="space-y-3">
        <h2 className="font-medium">{t("aiBot.personas.section.knowledge")}</h2>
        <fieldset aria-describedby={fields.knowledgeBaseIds.errors?.length ? `${fields.knowledgeBaseIds.id}-error` : undefined}>
          <legend className="text-sm font-medium text-slate-700">{t("aiBot.personas.knowledgeBases")}</legend>
          {knowledgeBases.length === 0 ? (
            <p className="text-sm text-slate-600">
              {t("aiBot.personas.noKnowledgeBases")}{" "}
              <Link to="/ai/knowledge/new" className="font-medium text-brand-700 underline">
                {t("aiBot.personas.createKnowledgeBase")}
              </Link>
            </p>
          ) : null}
          <ul className="mt-1 space-y-1">
            {knowledgeBases.map((kb) => (
              <li key={kb.id}>
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name={fields.knowledgeBaseIds.name} value={kb.id} defaultChecked={checkedKbs.has(kb.id)} />
                  {kb.name}
                </label>
              </li>
            ))}
          </ul>
          <FieldErrors id={`${fields.knowledgeBaseIds.id}-error`} errors={errorText(fields.knowledgeBaseIds.errors)} />
        </fieldset>
      </Card>

      <Card className="space-y-3">
        <h2 className="font-medium">{t("aiBot.personas.section.channels")}</h2>
        <fieldset aria-describedby={fields.connectionIds.errors?.length ? `${fields.connectionIds.id}-error` : undefined}>
          <legend className="text-sm text-slate-600">{t("aiBot.personas.channelsHint")}</legend>
          {channels.length === 0 ? (
            <p className="text-sm text-slate-600">
              {t("aiBot.personas.noChannels")}{" "}
              <Link to="/settings/channels" className="font-medium text-brand-700 underline">
                {t("aiBot.personas.connectChannel")}
              </Link>
            </p>
          ) : null}
          <ul className="mt-1 space-y-1">
            {channels.map((channel) => (
              <li key={channel.id}>
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name={fields.connectionIds.name} value={channel.id} defaultChecked={checkedChannels.has(channel.id)} />
                  {channel.name}
                  {channel.otherPersona ? <span className="text-xs text-slate-500">({t("aiBot.personas.channelNow", { name: channel.otherPersona })})</span> : null}
                </label>
              </li>
            ))}
          </ul>
          <FieldErrors id={`${fields.connectionIds.id}-error`} errors={errorText(fields.connectionIds.errors)} />
        </fieldset>
      </Card>

      <Card className="space-y-4">
        <h2 className="font-medium">{t("aiBot.personas.section.handoff")}</h2>
        <InputField
          {...inputProps(fields.handoffKeywords, { type: "text" })}
          label={t("aiBot.personas.handoffKeywords")}
          hint={t("aiBot.personas.handoffKeywordsHint")}
          autoComplete="off"
          errors={errorText(fields.handoffKeywords.errors)}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <InputField
            {...number(fields.lowConfidenceThreshold)}
            label={t("aiBot.personas.lowConfidence")}
            hint={t("aiBot.personas.lowConfidenceHint")}
            errors={errorText(fields.lowConfidenceThreshold.errors)}
          />
          <InputField {...number(fields.maxBotTurns)} inputMode="numeric" label={t("aiBot.personas.maxBotTurns")} errors={errorText(fields.maxBotTurns.errors)} />
        </div>
        <CheckboxField meta={fields.sentimentHandoff} label={t("aiBot.personas.sentimentHandoff")} />
      </Card>

      <Card className="space-y-4">
        <h2 className="font-medium">{t("aiBot.personas.section.hours")}</h2>
        <CheckboxField meta={fields.hoursEnabled} label={t("aiBot.personas.hoursEnabled")} />
        <fieldset aria-describedby={fields.hoursDays.errors?.length ? `${fields.hoursDays.id}-error` : undefined}>
          <legend className="text-sm font-medium text-slate-700">{t("aiBot.personas.hoursDays")}</legend>
          <div className="mt-1 flex flex-wrap gap-3">
            {DAYS.map((day) => (
              <label key={day} className="flex items-center gap-1 text-sm">
                <input type="checkbox" name={fields.hoursDays.name} value={day} defaultChecked={checkedDays.has(day)} />
                {t(`aiBot.day.${day}` as MessageKey)}
              </label>
            ))}
          </div>
          <FieldErrors id={`${fields.hoursDays.id}-error`} errors={errorText(fields.hoursDays.errors)} />
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-3">
          <InputField {...inputProps(fields.hoursStart, { type: "time" })} label={t("aiBot.personas.hoursStart")} errors={errorText(fields.hoursStart.errors)} />
          <InputField {...inputProps(fields.hoursEnd, { type: "time" })} label={t("aiBot.personas.hoursEnd")} errors={errorText(fields.hoursEnd.errors)} />
          <InputField {...inputProps(fields.timezone, { type: "text" })} label={t("aiBot.personas.timezone")} autoComplete="off" errors={errorText(fields.timezone.errors)} />
        </div>
        <TextareaField meta={fields.awayMessage} rows={2} label={t("aiBot.personas.awayMessage")} hint={t("aiBot.personas.awayMessageHint")} errors={errorText(fields.awayMessage.errors)} />
      </Card>

      <div className="flex gap-2">
        <Button type="submit">{submitLabel}</Button>
        <Button asChild variant="ghost">
          <Link to={cancelHref}>{t("common.cancel")}</Link>
        </Button>
      </div>
    </Form>
  );
}
