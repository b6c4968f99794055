import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { SelectField } from "../ui/field";
import type { SampleContactView } from "./builder-types";

type Props = {
  samples: SampleContactView[];
  sampleIndex: number;
  /** The message as the chosen sample contact reads it. */
  text: string;
};

export function PreviewPanel({ samples, sampleIndex, text }: Props) {
  const t = useT();
  return (
    <div className="space-y-3">
      {samples.length ? (
        <div className="flex flex-wrap items-end gap-2">
          <div className="min-w-[12rem] grow">
            <SelectField id="campaign-sample" name="sample" label={t("campaigns.preview.sample")} defaultValue={String(sampleIndex)}>
              {samples.map((sample, index) => (
                <option key={`${sample.id ?? sample.phone}-${index}`} value={index}>
                  {[sample.name, sample.phone].filter(Boolean).join(" · ")}
                </option>
              ))}
            </SelectField>
          </div>
          <Button type="submit" name="intent" value="preview" variant="secondary" size="sm" formNoValidate>
            {t("campaigns.preview.refresh")}
          </Button>
        </div>
      ) : (
        <p className="text-xs text-slate-500">{t("campaigns.preview.fictional")}</p>
      )}
      <div className="max-w-md whitespace-pre-wrap rounded-lg bg-emerald-50 px-3 py-2 text-sm text-slate-900 ring-1 ring-emerald-200" data-testid="campaign-preview" aria-live="polite">
        {text.trim() ? text : <span className="text-slate-500">{t("campaigns.preview.empty")}</span>}
      </div>
    </div>
  );
}
