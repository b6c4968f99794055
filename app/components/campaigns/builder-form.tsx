import { Form, useFetcher } from "@remix-run/react";
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { Alert, Card } from "../ui/card";
import { InputField, SelectField } from "../ui/field";
import { useHydrated } from "../use-hydrated";
import { AudienceFields } from "./audience-fields";
import type { AudienceCountView, BuilderOptions, ChannelKindName, FormErrors, FormValues, MessageSnapshot, PacingLimits, SampleContactView } from "./builder-types";
import { first } from "./builder-types";
import { MessageFields } from "./message-fields";
import { PreviewPanel } from "./preview-panel";
import { PacingFields, QuietHoursFields, ScheduleFields } from "./schedule-fields";

type Props = {
  values: FormValues;
  errors: FormErrors;
  formError?: string | null;
  notice?: string | null;
  options: BuilderOptions;
  pacingLimits: Record<ChannelKindName, PacingLimits>;
  timezone: string;
  count: AudienceCountView;
  listCount: number;
  media: { filename: string | null } | null;
  samples: SampleContactView[];
  renderPreview: (message: MessageSnapshot, sample: SampleContactView) => string;
};

type Snapshot = MessageSnapshot & { connectionId: string; audienceKind: string; scheduleMode: string; sampleIndex: number };

const AUDIENCE_FIELDS = new Set(["audienceKind", "segmentId", "tagIds", "tagMatch", "listNumbers", "listFile"]);
const FICTIONAL: SampleContactView = { id: null, name: "Maria Silva", phone: "+5511987654321", email: "maria@example.com", attributes: {} };

function snapshotOf(get: (name: string) => string, getAll: (name: string) => string[]): Snapshot {
  const templateVars = [];
  for (let index = 0; index < 20; index++) {
    const source = getAll(`templateVar.${index}.source`);
    if (source.length === 0) break;
    templateVars.push({ source: source[0] ?? "", fallback: get(`templateVar.${index}.fallback`) });
  }
  return {
    connectionId: get("connectionId"),
    audienceKind: get("audienceKind") || "all",
    messageType: get("messageType") || "text",
    text: get("text"),
    templateId: get("templateId"),
    templateVars,
    scheduleMode: get("scheduleMode") || "now",
    sampleIndex: Number(get("sample")) || 0,
  };
}

function fromValues(values: FormValues): Snapshot {
  return snapshotOf(
    (name) => first(values, name),
    (name) => values[name] ?? [],
  );
}

function fromForm(form: HTMLFormElement): Snapshot {
  const data = new FormData(form);
  const text = (value: FormDataEntryValue | null) => (typeof value === "string" ? value : "");
  return snapshotOf(
    (name) => text(data.get(name)),
    (name) => data.getAll(name).map(text),
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card className="space-y-4">
      <h2 className="font-medium">{title}</h2>
      {children}
    </Card>
  );
}

/**
 * Give it a new `key` when `values` change (after a submit), so the fields take the new defaults.
 * The whole builder is one multipart form whose buttons say what to do (save, count, preview, test,
 * start), so it works without JavaScript. With it, sections follow the choices, the preview follows
 * the text and the count follows the audience (a fetcher posting intent=count).
 */
export function CampaignBuilderForm(props: Props) {
  const { values, errors, options, samples } = props;
  const t = useT();
  const hydrated = useHydrated();
  const form = useRef<HTMLFormElement>(null);
  const counter = useFetcher<{ count?: AudienceCountView }>();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [state, setState] = useState<Snapshot>(() => fromValues(values));
  useEffect(() => () => clearTimeout(timer.current), []);

  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const current = form.current;
    if (!current) return;
    setState(fromForm(current));
    const name = (event.target as HTMLInputElement | null)?.name;
    if (name && AUDIENCE_FIELDS.has(name)) {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        const data = new FormData(current);
        data.set("intent", "count");
        data.delete("mediaFile");
        counter.submit(data, { method: "post", encType: "multipart/form-data" });
      }, 350);
    }
  };

  const connection = options.connections.find((candidate) => candidate.id === state.connectionId);
  const sample = samples[state.sampleIndex] ?? samples[0] ?? FICTIONAL;
  const preview = props.renderPreview(state, sample);
  const count = counter.data?.count ?? props.count;

  return (
    <Form ref={form} method="post" encType="multipart/form-data" className="space-y-6" onChange={hydrated ? onChange : undefined} onInput={hydrated ? onChange : undefined} noValidate>
      {/* Enter in a text field saves (the first submit button is the form's default). */}
      <button type="submit" name="intent" value="save" className="sr-only" tabIndex={-1} aria-hidden="true" />
      {props.formError ? <Alert kind="error">{props.formError}</Alert> : null}
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}

      <Section title={t("campaigns.builder.basics")}>
        <InputField id="campaign-name" name="name" label={t("campaigns.field.name")} maxLength={120} defaultValue={first(values, "name")} errors={errors.name} />
        <SelectField id="campaign-connection" name="connectionId" label={t("campaigns.field.connection")} defaultValue={first(values, "connectionId")} errors={errors.connectionId}>
          <option value="">{t("campaigns.field.noConnection")}</option>
          {options.connections.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.name}
            </option>
          ))}
        </SelectField>
      </Section>

      <Section title={t("campaigns.builder.audience")}>
        <AudienceFields values={values} errors={errors} options={options} kind={state.audienceKind} hydrated={hydrated} listCount={props.listCount} count={count} counting={counter.state !== "idle"} />
      </Section>

      <Section title={t("campaigns.builder.message")}>
        <MessageFields values={values} errors={errors} options={options} messageType={state.messageType} connectionId={state.connectionId} templateId={state.templateId} hydrated={hydrated} media={props.media} />
      </Section>

      <Section title={t("campaigns.builder.preview")}>
        <PreviewPanel samples={samples} sampleIndex={state.sampleIndex} text={preview} />
      </Section>

      <Section title={t("campaigns.builder.schedule")}>
        <ScheduleFields values={values} errors={errors} timezone={props.timezone} mode={state.scheduleMode} hydrated={hydrated} />
      </Section>

      <Section title={t("campaigns.builder.pacing")}>
        <PacingFields key={connection?.kind ?? "none"} values={values} errors={errors} limits={connection ? props.pacingLimits[connection.kind] : null} />
        <QuietHoursFields values={values} errors={errors} />
      </Section>

      <Section title={t("campaigns.builder.test")}>
        <div className="flex flex-wrap items-end gap-2">
          <div className="min-w-[12rem] grow">
            <InputField id="campaign-test-phone" name="testPhone" type="tel" autoComplete="tel" label={t("campaigns.test.phone")} defaultValue={first(values, "testPhone")} errors={errors.testPhone} />
          </div>
          <Button type="submit" name="intent" value="testSend" variant="secondary">
            {t("campaigns.test.send")}
          </Button>
        </div>
      </Section>

      <Card className="flex flex-wrap justify-end gap-2">
        <Button type="submit" name="intent" value="save" variant="secondary">
          {t("campaigns.action.save")}
        </Button>
        <Button type="submit" name="intent" value="start">
          {state.scheduleMode === "later" ? t("campaigns.action.schedule") : t("campaigns.action.start")}
        </Button>
      </Card>
    </Form>
  );
}
