import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import { inputProps } from "../conform";
import { Button } from "../ui/button";
import { Alert, Card } from "../ui/card";
import { FieldShell, InputField } from "../ui/field";
import { useErrorText } from "../use-field-errors";
import { useT } from "~/lib/i18n";

export type ContactFormValues = { name?: string; phone?: string; email?: string; attr?: Record<string, string | undefined> };
type CustomFieldInput = { key: string; label: string; type: "text" | "number" | "date" | "select"; options: string[] };
type Validate = Parameters<typeof useForm<ContactFormValues>>[0]["onValidate"];

type Props = {
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue?: ContactFormValues;
  onValidate: Validate;
  customFields: CustomFieldInput[];
  /** When the phone belongs to another contact of the organization. */
  duplicateOf?: string | null;
  country: string;
  submitLabel: string;
  cancelHref: string;
};

const controlClass = "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-brand-600";

/** Create and edit share this form; the server normalizes the phone and checks custom field types. */
export function ContactForm({ lastResult, defaultValue, onValidate, customFields, duplicateOf, country, submitLabel, cancelHref }: Props) {
  const t = useT();
  const errorText = useErrorText();
  const [form, fields] = useForm<ContactFormValues>({ lastResult, defaultValue, shouldValidate: "onBlur", shouldRevalidate: "onInput", onValidate });
  const attr = fields.attr.getFieldset();

  return (
    <Form method="post" className="space-y-6" {...getFormProps(form)}>
      {form.errors?.length ? <Alert kind="error">{errorText(form.errors)}</Alert> : null}
      <Card className="space-y-4">
        <InputField {...inputProps(fields.name, { type: "text" })} label={t("contacts.name")} autoComplete="off" errors={errorText(fields.name.errors)} />
        <div className="space-y-1">
          <InputField
            {...inputProps(fields.phone, { type: "tel" })}
            label={t("contacts.phone")}
            autoComplete="off"
            hint={t("contacts.phone.hint", { country })}
            errors={errorText(fields.phone.errors)}
          />
          {duplicateOf ? (
            <Link to={`/contacts/${duplicateOf}`} className="text-sm font-medium text-brand-700 underline" data-testid="duplicate-link">
              {t("contacts.phone.openExisting")}
            </Link>
          ) : null}
        </div>
        <InputField {...inputProps(fields.email, { type: "email" })} label={t("contacts.email")} autoComplete="off" errors={errorText(fields.email.errors)} />
      </Card>

      {customFields.length ? (
        <Card className="space-y-4">
          <h2 className="font-medium">{t("contacts.fields.title")}</h2>
          {customFields.map((field) => {
            const meta = attr[field.key]!;
            const errors = errorText(meta.errors);
            if (field.type === "select") {
              return (
                <FieldShell key={field.key} id={meta.id} label={field.label} errors={errors}>
                  <select id={meta.id} name={meta.name} defaultValue={(meta.initialValue as string | undefined) ?? ""} aria-invalid={errors?.length ? true : undefined} className={controlClass}>
                    <option value="">—</option>
                    {field.options.map((option) => (
                      <option key={option} value={option}>
                        {option}
                      </option>
                    ))}
                  </select>
                </FieldShell>
              );
            }
            return (
              <InputField
                key={field.key}
                {...inputProps(meta, { type: field.type === "date" ? "date" : "text" })}
                inputMode={field.type === "number" ? "decimal" : undefined}
                label={field.label}
                errors={errors}
              />
            );
          })}
        </Card>
      ) : null}

      <div className="flex gap-2">
        <Button type="submit">{submitLabel}</Button>
        <Button asChild variant="ghost">
          <Link to={cancelHref}>{t("common.cancel")}</Link>
        </Button>
      </div>
    </Form>
  );
}
