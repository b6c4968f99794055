import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { FieldErrors, FieldShell, InputField, SelectField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { type MessageKey, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireSettingsManager } from "~/modules/auth/guards.server";
import { CUSTOM_FIELD_TYPES, customFieldActionSchema, keyFromLabel } from "~/modules/contacts/custom-fields";
import { createCustomField, deleteCustomField, listCustomFields, updateCustomField } from "~/modules/contacts/custom-fields.server";
import { requestLocale } from "~/modules/contacts/http.server";

export const meta: MetaFunction = () => [{ title: "Campos personalizados · Master IA" }];

type Errors = Record<string, string[] | undefined>;

export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireSettingsManager(request);
  return json({ fields: await listCustomFields(getDb(), org.id) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const formData = await request.formData();
  const fieldId = typeof formData.get("fieldId") === "string" ? String(formData.get("fieldId")) : null;
  const parsed = customFieldActionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return json({ errors: z.flattenError(parsed.error).fieldErrors as Errors, fieldId }, { status: 400 });
  const db = getDb();
  const command = parsed.data;
  if (command.intent === "create") {
    const result = await createCustomField(db, org.id, { ...command, key: command.key || keyFromLabel(command.label) });
    if (!result.ok) return json({ errors: { key: ["contacts.fields.duplicateKey"] } as Errors, fieldId }, { status: 409 });
  } else if (command.intent === "update") {
    const result = await updateCustomField(db, org.id, command.fieldId, command);
    if (!result.ok && result.reason === "not_found") notFound("Custom field not found");
    if (!result.ok) return json({ errors: { options: ["contacts.fields.optionsRequired"] } as Errors, fieldId }, { status: 400 });
  } else if (!(await deleteCustomField(db, org.id, command.fieldId, { type: "user", id: user.id }))) {
    notFound("Custom field not found");
  }
  const message = translate(requestLocale(user, request), `contacts.fields.done.${command.intent}` as MessageKey);
  return redirectWithToast("/contacts/fields", { kind: "success", message });
}

const textareaClass = "block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600";

export default function CustomFieldsPage() {
  const { fields } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const errorText = useErrorText();
  const errorsFor = (fieldId: string | null) => (actionData && actionData.fieldId === fieldId ? actionData.errors : {});
  const createErrors = errorsFor(null);

  return (
    <>
      <PageHeader title={t("contacts.fields.title")} description={t("contacts.fields.help")} />
      <Card className="mb-6">
        <h2 className="mb-3 font-medium">{t("contacts.fields.create")}</h2>
        <Form method="post" className="grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="intent" value="create" />
          <InputField id="field-label" name="label" required maxLength={60} label={t("contacts.fields.label")} errors={errorText(createErrors.label)} />
          <InputField id="field-key" name="key" maxLength={40} pattern="[a-z][a-z0-9_]*" label={t("contacts.fields.key")} hint={t("contacts.fields.keyHint")} errors={errorText(createErrors.key)} />
          <SelectField id="field-type" name="type" defaultValue="text" label={t("contacts.fields.type")} errors={errorText(createErrors.type)}>
            {CUSTOM_FIELD_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`contacts.fields.type.${type}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <FieldShell id="field-options" label={t("contacts.fields.options")} hint={t("contacts.fields.optionsHint")} errors={errorText(createErrors.options)}>
            <textarea id="field-options" name="options" rows={3} className={textareaClass} />
          </FieldShell>
          <div>
            <Button type="submit">{t("contacts.fields.create")}</Button>
          </div>
        </Form>
      </Card>
      <Card>
        {fields.length === 0 ? (
          <p className="text-sm text-slate-600">{t("contacts.fields.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {fields.map((field) => {
              const errors = errorsFor(field.id);
              return (
                <li key={field.id} className="space-y-2 py-4" data-testid="field-row">
                  <p className="text-sm">
                    <span className="font-medium">{field.label}</span> · <code className="text-xs text-slate-500">{field.key}</code> · {t(`contacts.fields.type.${field.type}` as MessageKey)}
                  </p>
                  <div className="flex flex-wrap items-start gap-2">
                    <Form method="post" className="flex flex-1 flex-wrap items-start gap-2">
                      <input type="hidden" name="intent" value="update" />
                      <input type="hidden" name="fieldId" value={field.id} />
                      <div>
                        <label htmlFor={`label-${field.id}`} className="sr-only">
                          {t("contacts.fields.label")}
                        </label>
                        <input id={`label-${field.id}`} name="label" defaultValue={field.label} required maxLength={60} className="rounded-md border-0 py-1.5 text-sm ring-1 ring-slate-300" />
                        <FieldErrors id={`label-${field.id}-error`} errors={errorText(errors.label)} />
                      </div>
                      <div>
                        <label htmlFor={`position-${field.id}`} className="sr-only">
                          {t("contacts.fields.position")}
                        </label>
                        <input id={`position-${field.id}`} name="position" type="number" min={0} max={1000} defaultValue={field.position} className="w-20 rounded-md border-0 py-1.5 text-sm ring-1 ring-slate-300" />
                      </div>
                      {field.type === "select" ? (
                        <div className="min-w-[12rem] flex-1">
                          <label htmlFor={`options-${field.id}`} className="sr-only">
                            {t("contacts.fields.options")}
                          </label>
                          <textarea id={`options-${field.id}`} name="options" rows={3} defaultValue={field.options.join("\n")} className={textareaClass} />
                          <FieldErrors id={`options-${field.id}-error`} errors={errorText(errors.options)} />
                        </div>
                      ) : null}
                      <Button type="submit" size="sm" variant="secondary">
                        {t("common.save")}
                      </Button>
                    </Form>
                    <details className="relative">
                      <summary className="inline-flex h-8 cursor-pointer list-none items-center rounded-md px-3 text-sm font-medium text-red-700 ring-1 ring-red-300 hover:bg-red-50">
                        {t("contacts.fields.delete")}
                      </summary>
                      <Form method="post" className="absolute right-0 z-10 mt-1 w-72 space-y-2 rounded-md bg-white p-3 text-sm shadow-lg ring-1 ring-slate-200">
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="fieldId" value={field.id} />
                        <p>{t("contacts.fields.deleteConfirm")}</p>
                        <Button type="submit" size="sm" variant="danger">
                          {t("contacts.fields.deleteButton", { field: field.label })}
                        </Button>
                      </Form>
                    </details>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </>
  );
}
