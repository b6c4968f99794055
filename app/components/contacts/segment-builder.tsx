import { Form, Link, useFetcher } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { InputField } from "../ui/field";
import { useErrorText } from "../use-field-errors";
import { useHydrated } from "../use-hydrated";
import { ContactFilterFields } from "./contact-filter-fields";
import { useCountText } from "./use-count-text";

type Props = {
  name: string;
  nameErrors?: string[];
  values: Record<string, string[]>;
  errors: Record<string, string>;
  tags: Array<{ id: string; name: string; color: string }>;
  fields: Array<{ key: string; label: string; type: "text" | "number" | "date" | "select"; options: string[] }>;
  /** The server's count for `values` (null before the first preview). */
  count: number | null;
  submitLabel: string;
  cancelHref: string;
};

type CountData = { count?: number };

/**
 * One form, two buttons: "Preview" re-submits it as GET (the page's loader counts, no JS needed);
 * "Save" posts it. With JS the count follows every change (debounced resource-route fetch).
 */
export function SegmentBuilder({ name, nameErrors, values, errors, tags, fields, count, submitLabel, cancelHref }: Props) {
  const t = useT();
  const countText = useCountText();
  const errorText = useErrorText();
  const hydrated = useHydrated();
  const counter = useFetcher<CountData>();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const form = useRef<HTMLFormElement>(null);

  const refreshCount = () => {
    const current = form.current;
    if (!current) return;
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(current)) if (typeof value === "string" && key !== "name") params.append(key, value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => counter.load(`/contacts/segments/count?${params}`), 300);
  };
  useEffect(() => () => clearTimeout(timer.current), []);

  const liveCount = counter.data?.count ?? count;
  const previewQuery = new URLSearchParams(Object.entries(values).flatMap(([key, list]) => (key === "name" || key === "preview" ? [] : list.map((value) => [key, value])))).toString();

  return (
    <Form ref={form} method="post" className="space-y-6" onChange={hydrated ? refreshCount : undefined}>
      <Card className="space-y-4">
        <InputField id="segment-name" name="name" defaultValue={name} required maxLength={80} label={t("contacts.segments.name")} errors={errorText(nameErrors)} />
        <ContactFilterFields values={values} errors={errors} tags={tags} fields={fields} />
      </Card>
      <Card className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm" aria-live="polite" data-testid="segment-count">
          {liveCount === null ? t("contacts.segments.previewHint") : countText("contacts.segments.matches", liveCount)}
          {counter.state !== "idle" ? <span className="ml-2 text-slate-400">…</span> : null}
        </p>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="secondary" formMethod="get" formNoValidate name="preview" value="1">
            {t("contacts.segments.preview")}
          </Button>
          <Button type="submit">{submitLabel}</Button>
          <Button asChild variant="ghost">
            <Link to={cancelHref}>{t("common.cancel")}</Link>
          </Button>
        </div>
        {liveCount !== null && !counter.data ? (
          <Link to={`/contacts?${previewQuery}`} className="w-full text-sm font-medium text-brand-700 underline">
            {t("contacts.segments.seeContacts")}
          </Link>
        ) : null}
      </Card>
    </Form>
  );
}
