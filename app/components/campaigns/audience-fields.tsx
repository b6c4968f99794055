import { type MessageKey, useLocale, useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { FieldErrors, SelectField } from "../ui/field";
import type { AudienceCountView, BuilderOptions, FormErrors, FormValues } from "./builder-types";
import { first } from "./builder-types";

const KINDS = ["all", "segment", "tags", "list"] as const;
const EXCLUSIONS = ["optedOut", "noPhone", "invalidPhone", "duplicatePhone", "erased"] as const;

export function AudienceCount({ count, busy }: { count: AudienceCountView; busy: boolean }) {
  const t = useT();
  const number = new Intl.NumberFormat(useLocale());
  const excluded = EXCLUSIONS.filter((reason) => count.excluded[reason] > 0);
  return (
    <div className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200" aria-live="polite" data-testid="audience-count">
      <p className="text-sm">
        <strong className="text-base tabular-nums" data-testid="audience-eligible">
          {t("campaigns.audience.eligible", { count: number.format(count.eligible) })}
        </strong>{" "}
        <span className="text-slate-600">{t("campaigns.audience.total", { count: number.format(count.total) })}</span>
        {busy ? <span className="ml-2 text-slate-400">…</span> : null}
      </p>
      {excluded.length ? (
        <ul className="mt-1 flex flex-wrap gap-x-4 text-xs text-slate-600" aria-label={t("campaigns.audience.excluded")}>
          {excluded.map((reason) => (
            <li key={reason} data-testid={`excluded-${reason}`}>
              {t(`campaigns.audience.excluded.${reason}` as MessageKey, { count: number.format(count.excluded[reason]) })}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

type Props = {
  values: FormValues;
  errors: FormErrors;
  options: BuilderOptions;
  kind: string;
  /** With JavaScript only the chosen kind's fields show; without it every group stays visible. */
  hydrated: boolean;
  listCount: number;
  count: AudienceCountView;
  counting: boolean;
};

export function AudienceFields({ values, errors, options, kind, hydrated, listCount, count, counting }: Props) {
  const t = useT();
  const tagIds = new Set(values.tagIds ?? []);
  const show = (name: string) => !hydrated || kind === name;
  return (
    <div className="space-y-4">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">{t("campaigns.audience.kind")}</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {KINDS.map((option) => (
            <label key={option} className="flex items-center gap-2 text-sm">
              <input type="radio" name="audienceKind" value={option} defaultChecked={(first(values, "audienceKind") || "all") === option} />
              {t(`campaigns.audience.${option}` as MessageKey)}
            </label>
          ))}
        </div>
      </fieldset>

      <div hidden={!show("segment")}>
        {options.segments.length ? (
          <SelectField id="campaign-segment" name="segmentId" label={t("campaigns.audience.segmentLabel")} defaultValue={first(values, "segmentId")} errors={errors.segmentId}>
            <option value="">{t("campaigns.audience.chooseSegment")}</option>
            {options.segments.map((segment) => (
              <option key={segment.id} value={segment.id}>
                {segment.name}
              </option>
            ))}
          </SelectField>
        ) : (
          <>
            <p className="text-sm text-slate-600">{t("campaigns.audience.noSegments")}</p>
            <FieldErrors id="campaign-segment-error" errors={errors.segmentId} />
          </>
        )}
      </div>

      <fieldset hidden={!show("tags")}>
        <legend className="text-sm font-medium text-slate-700">{t("campaigns.audience.tagsLabel")}</legend>
        {options.tags.length ? (
          <>
            <div className="mt-2 flex flex-wrap gap-3">
              {options.tags.map((tag) => (
                <label key={tag.id} className="flex items-center gap-1.5 text-sm">
                  <input type="checkbox" name="tagIds" value={tag.id} defaultChecked={tagIds.has(tag.id)} />
                  <span className="h-2.5 w-2.5 rounded-full" style={{ backgroundColor: tag.color }} aria-hidden="true" />
                  {tag.name}
                </label>
              ))}
            </div>
            <div className="mt-2 flex flex-wrap gap-4 text-sm">
              {(["any", "all"] as const).map((match) => (
                <label key={match} className="flex items-center gap-1.5">
                  <input type="radio" name="tagMatch" value={match} defaultChecked={(first(values, "tagMatch") || "any") === match} />
                  {t(match === "any" ? "campaigns.audience.matchAny" : "campaigns.audience.matchAll")}
                </label>
              ))}
            </div>
          </>
        ) : (
          <p className="text-sm text-slate-600">{t("campaigns.audience.noTags")}</p>
        )}
        <FieldErrors id="campaign-tags-error" errors={errors.tagIds} />
      </fieldset>

      <div hidden={!show("list")} className="space-y-2">
        {listCount > 0 ? <p className="text-sm text-slate-600">{t("campaigns.audience.listSaved", { count: listCount })}</p> : null}
        <label htmlFor="campaign-list" className="block text-sm font-medium text-slate-700">
          {t("campaigns.audience.listLabel")}
        </label>
        <textarea
          id="campaign-list"
          name="listNumbers"
          rows={4}
          defaultValue={first(values, "listNumbers")}
          aria-invalid={errors.listNumbers?.length ? true : undefined}
          aria-describedby={errors.listNumbers?.length ? "campaign-list-error" : undefined}
          className="block w-full rounded-md px-3 py-2 font-mono text-sm ring-1 ring-inset ring-slate-300"
          placeholder={"+55 11 98765-4321, Maria\n(21) 99876-5432"}
        />
        <label htmlFor="campaign-list-file" className="block text-sm font-medium text-slate-700">
          {t("campaigns.audience.listFile")}
        </label>
        <input id="campaign-list-file" type="file" name="listFile" accept=".csv,text/csv,text/plain" className="block text-sm" />
        <FieldErrors id="campaign-list-error" errors={errors.listNumbers} />
      </div>

      <div className="flex flex-wrap items-center gap-3">
        <div className="grow">
          <AudienceCount count={count} busy={counting} />
        </div>
        <Button type="submit" name="intent" value="count" variant="secondary" size="sm" formNoValidate>
          {t("campaigns.audience.updateCount")}
        </Button>
      </div>
    </div>
  );
}
