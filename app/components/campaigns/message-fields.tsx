import { useRef } from "react";
import { useT } from "~/lib/i18n";
import { FieldErrors, SelectField } from "../ui/field";
import type { BuilderOptions, BuilderTemplate, FormErrors, FormValues } from "./builder-types";
import { first } from "./builder-types";

const BUILT_IN = ["first_name", "name", "phone", "email"];

type Props = {
  values: FormValues;
  errors: FormErrors;
  options: BuilderOptions;
  messageType: string;
  connectionId: string;
  templateId: string;
  hydrated: boolean;
  media: { filename: string | null } | null;
};

function VariablePicker({ fields, onPick }: { fields: BuilderOptions["fields"]; onPick: (key: string) => void }) {
  const t = useT();
  return (
    <select
      aria-label={t("campaigns.message.insertVariable")}
      className="rounded-md py-1 pl-2 pr-8 text-sm ring-1 ring-inset ring-slate-300"
      value=""
      onChange={(event) => {
        if (event.target.value) onPick(event.target.value);
      }}
    >
      <option value="">{t("campaigns.message.insertVariable")}</option>
      {[...BUILT_IN.map((key) => ({ key, label: key })), ...fields].map((field) => (
        <option key={field.key} value={field.key}>
          {field.label === field.key ? `{{${field.key}}}` : `${field.label} — {{${field.key}}}`}
        </option>
      ))}
    </select>
  );
}

function TemplateVariables({ template, values, errors, fields }: { template: BuilderTemplate; values: FormValues; errors: FormErrors; fields: BuilderOptions["fields"] }) {
  const t = useT();
  return (
    <div className="space-y-3">
      {template.variables.map((variable, index) => (
        <fieldset key={variable} className="grid gap-2 rounded-md p-3 ring-1 ring-slate-200 sm:grid-cols-2" data-testid="template-variable">
          <legend className="px-1 text-sm font-medium">{t("campaigns.message.templateVar", { name: `{{${variable}}}` })}</legend>
          <SelectField id={`template-var-${index}-source`} name={`templateVar.${index}.source`} label={t("campaigns.message.source")} defaultValue={first(values, `templateVar.${index}.source`)}>
            <option value="">{t("campaigns.message.fixedText")}</option>
            {[...BUILT_IN.map((key) => ({ key, label: key })), ...fields].map((field) => (
              <option key={field.key} value={field.key}>
                {field.label}
              </option>
            ))}
          </SelectField>
          <div className="space-y-1">
            <label htmlFor={`template-var-${index}-fallback`} className="block text-sm font-medium text-slate-700">
              {t("campaigns.message.fallback")}
            </label>
            <input
              id={`template-var-${index}-fallback`}
              name={`templateVar.${index}.fallback`}
              defaultValue={first(values, `templateVar.${index}.fallback`)}
              maxLength={200}
              className="block w-full rounded-md px-3 py-2 text-sm ring-1 ring-inset ring-slate-300"
            />
          </div>
          <div className="sm:col-span-2">
            <FieldErrors id={`template-var-${index}-error`} errors={errors[`templateVar.${index}`]} />
          </div>
        </fieldset>
      ))}
    </div>
  );
}

export function MessageFields({ values, errors, options, messageType, connectionId, templateId, hydrated, media }: Props) {
  const t = useT();
  const textArea = useRef<HTMLTextAreaElement>(null);
  const connection = options.connections.find((candidate) => candidate.id === connectionId);
  const templates = options.templates.filter((template) => !connection || template.connectionId === connection.id);
  const template = options.templates.find((candidate) => candidate.id === templateId);
  const show = (type: string) => !hydrated || messageType === type;

  const insertVariable = (key: string) => {
    const area = textArea.current;
    if (!area) return;
    const token = `{{${key}}}`;
    const start = area.selectionStart ?? area.value.length;
    area.setRangeText(token, start, area.selectionEnd ?? start, "end");
    area.focus();
    // Let the form's change listener (live preview, count) see the edit.
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.form?.dispatchEvent(new Event("change", { bubbles: true }));
  };

  return (
    <div className="space-y-4">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">{t("campaigns.message.type")}</legend>
        <div className="mt-2 flex flex-wrap gap-4 text-sm">
          {(["text", "template"] as const).map((type) => (
            <label key={type} className="flex items-center gap-1.5">
              <input type="radio" name="messageType" value={type} defaultChecked={(first(values, "messageType") || "text") === type} />
              {t(type === "text" ? "campaigns.message.text" : "campaigns.message.template")}
            </label>
          ))}
        </div>
      </fieldset>

      <div hidden={!show("text")} className="space-y-3">
        <div className="space-y-1">
          <div className="flex flex-wrap items-end justify-between gap-2">
            <label htmlFor="campaign-text" className="block text-sm font-medium text-slate-700">
              {t("campaigns.message.textLabel")}
            </label>
            {hydrated ? <VariablePicker fields={options.fields} onPick={insertVariable} /> : null}
          </div>
          <textarea
            ref={textArea}
            id="campaign-text"
            name="text"
            rows={6}
            maxLength={4096}
            defaultValue={first(values, "text")}
            aria-invalid={errors.text?.length ? true : undefined}
            aria-describedby={errors.text?.length ? "campaign-text-error" : "campaign-text-hint"}
            className="block w-full rounded-md px-3 py-2 text-sm ring-1 ring-inset ring-slate-300"
          />
          <p id="campaign-text-hint" className="text-xs text-slate-500">
            {t("campaigns.message.textHint")}
            {options.fields.length ? ` ${options.fields.map((field) => `{{${field.key}}}`).join(", ")}` : null}
          </p>
          <FieldErrors id="campaign-text-error" errors={errors.text} />
        </div>
        <div className="space-y-1">
          <label htmlFor="campaign-media" className="block text-sm font-medium text-slate-700">
            {t("campaigns.message.media")}
          </label>
          {media ? (
            <p className="flex flex-wrap items-center gap-3 text-sm text-slate-600">
              {t("campaigns.message.mediaCurrent", { name: media.filename ?? "—" })}
              <label className="flex items-center gap-1.5">
                <input type="checkbox" name="removeMedia" /> {t("campaigns.message.removeMedia")}
              </label>
            </p>
          ) : null}
          <input id="campaign-media" type="file" name="mediaFile" className="block text-sm" />
          <FieldErrors id="campaign-media-error" errors={errors.mediaFile} />
        </div>
      </div>

      <div hidden={!show("template")} className="space-y-3">
        {templates.length ? (
          <SelectField id="campaign-template" name="templateId" label={t("campaigns.message.templateLabel")} defaultValue={templateId} errors={errors.templateId}>
            <option value="">{t("campaigns.message.chooseTemplate")}</option>
            {templates.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name} ({candidate.language})
              </option>
            ))}
          </SelectField>
        ) : (
          <>
            <p className="text-sm text-slate-600">{t("campaigns.message.noTemplates")}</p>
            <FieldErrors id="campaign-template-error" errors={errors.templateId} />
          </>
        )}
        {template ? <TemplateVariables key={template.id} template={template} values={values} errors={errors} fields={options.fields} /> : null}
      </div>
    </div>
  );
}
