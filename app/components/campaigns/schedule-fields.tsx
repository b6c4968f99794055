import { useT } from "~/lib/i18n";
import { FieldErrors, InputField } from "../ui/field";
import type { FormErrors, FormValues, PacingLimits } from "./builder-types";
import { first } from "./builder-types";

export function ScheduleFields({ values, errors, timezone, mode, hydrated }: { values: FormValues; errors: FormErrors; timezone: string; mode: string; hydrated: boolean }) {
  const t = useT();
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-4 text-sm">
        {(["now", "later"] as const).map((option) => (
          <label key={option} className="flex items-center gap-1.5">
            <input type="radio" name="scheduleMode" value={option} defaultChecked={(first(values, "scheduleMode") || "now") === option} />
            {t(option === "now" ? "campaigns.schedule.now" : "campaigns.schedule.later")}
          </label>
        ))}
      </div>
      <div hidden={hydrated && mode !== "later"} className="max-w-xs">
        <InputField
          id="campaign-scheduled-at"
          type="datetime-local"
          name="scheduledAt"
          label={t("campaigns.schedule.at")}
          defaultValue={first(values, "scheduledAt")}
          hint={t("campaigns.schedule.timezone", { timezone })}
          errors={errors.scheduledAt}
        />
      </div>
    </div>
  );
}

export function PacingFields({ values, errors, limits }: { values: FormValues; errors: FormErrors; limits: PacingLimits | null }) {
  const t = useT();
  if (!limits) return <p className="text-sm text-slate-600">{t("campaigns.pacing.chooseConnection")}</p>;
  if (limits.style === "rate") {
    return (
      <div className="max-w-xs">
        <InputField
          id="campaign-rate"
          type="number"
          name="ratePerSecond"
          min={1}
          max={limits.max}
          step={1}
          label={t("campaigns.pacing.rate")}
          defaultValue={first(values, "ratePerSecond") || String(limits.default)}
          hint={t("campaigns.pacing.rateHint", { default: limits.default, max: limits.max })}
          errors={errors.ratePerSecond}
        />
      </div>
    );
  }
  return (
    <div className="space-y-2">
      <p className="text-xs text-slate-500">{t("campaigns.pacing.delayHint")}</p>
      <div className="grid gap-3 sm:grid-cols-3">
        <InputField id="campaign-min-delay" type="number" name="minDelaySeconds" min={1} max={limits.maxDelayLimit} label={t("campaigns.pacing.minDelay")} defaultValue={first(values, "minDelaySeconds") || String(limits.minDelay)} />
        <InputField id="campaign-max-delay" type="number" name="maxDelaySeconds" min={1} max={limits.maxDelayLimit} label={t("campaigns.pacing.maxDelay")} defaultValue={first(values, "maxDelaySeconds") || String(limits.maxDelay)} />
        <InputField id="campaign-daily-cap" type="number" name="dailyCap" min={1} max={limits.maxDailyCap} label={t("campaigns.pacing.dailyCap")} defaultValue={first(values, "dailyCap") || String(limits.dailyCap)} errors={errors.dailyCap} />
      </div>
      <FieldErrors id="campaign-delay-error" errors={errors.delay} />
    </div>
  );
}

export function QuietHoursFields({ values, errors }: { values: FormValues; errors: FormErrors }) {
  const t = useT();
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">{t("campaigns.quiet.title")}</legend>
      <div className="flex flex-wrap items-end gap-3">
        <InputField id="campaign-quiet-start" type="time" name="quietStart" label={t("campaigns.quiet.start")} defaultValue={first(values, "quietStart")} />
        <InputField id="campaign-quiet-end" type="time" name="quietEnd" label={t("campaigns.quiet.end")} defaultValue={first(values, "quietEnd")} />
      </div>
      <p className="text-xs text-slate-500">{t("campaigns.quiet.hint")}</p>
      <FieldErrors id="campaign-quiet-error" errors={errors.quietHours} />
    </fieldset>
  );
}
