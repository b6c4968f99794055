import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { createCannedResponse, deleteCannedResponse, listCannedResponses, updateCannedResponse } from "~/modules/inbox/canned-responses.server";
import { cannedActionSchema, cannedResponseSchema } from "~/modules/inbox/schemas";
import { permissions } from "~/modules/orgs/roles";

type FieldErrors = Record<string, string[] | undefined>;

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  return json({ canned: await listCannedResponses(getDb(), org.id), canWrite: permissions.write(role) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const db = getDb();
  const command = cannedActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!command.success) return json({ id: null, fieldErrors: {} as FieldErrors }, { status: 400 });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const done = (key: "inbox.canned.saved" | "inbox.canned.deleted") => redirectWithToast("/inbox/canned", { kind: "success", message: translate(locale, key) });
  if (command.data.intent === "delete") {
    if (!(await deleteCannedResponse(db, org.id, command.data.id))) notFound("Canned response not found");
    return done("inbox.canned.deleted");
  }
  const rowId = command.data.intent === "update" ? command.data.id : null;
  const input = cannedResponseSchema.safeParse(command.data);
  if (!input.success) return json({ id: rowId, fieldErrors: z.flattenError(input.error).fieldErrors as FieldErrors }, { status: 400 });
  const result = rowId ? await updateCannedResponse(db, org.id, rowId, input.data) : await createCannedResponse(db, org.id, input.data);
  if (!result) notFound("Canned response not found");
  if (!result.ok) return json({ id: rowId, fieldErrors: result.fieldErrors as FieldErrors }, { status: 400 });
  return done("inbox.canned.saved");
}

function CannedFields({ id, shortcut, body, errors }: { id: string; shortcut?: string; body?: string; errors?: FieldErrors }) {
  const t = useT();
  const errorText = useErrorText();
  return (
    <div className="grid gap-3 sm:grid-cols-[10rem_1fr]">
      <InputField id={`${id}-shortcut`} name="shortcut" required maxLength={33} defaultValue={shortcut} label={t("inbox.canned.shortcut")} placeholder="ola" errors={errorText(errors?.shortcut)} />
      <div className="space-y-1">
        <label htmlFor={`${id}-body`} className="block text-sm font-medium text-slate-700">
          {t("inbox.canned.body")}
        </label>
        <textarea id={`${id}-body`} name="body" required maxLength={4096} rows={2} defaultValue={body} className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300" />
        {errors?.body ? <p className="text-sm text-red-700">{errorText(errors.body)?.join(" ")}</p> : null}
      </div>
    </div>
  );
}

export default function CannedResponsesPage() {
  const { canned, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <>
      <PageHeader
        title={t("inbox.canned.title")}
        description={t("inbox.canned.help")}
        actions={
          <Link to="/inbox" className="text-sm font-medium text-brand-700 underline">
            ← {t("nav.inbox")}
          </Link>
        }
      />
      <div className="space-y-6">
        {canWrite ? (
          <Card>
            <h2 className="mb-3 font-medium">{t("inbox.canned.new")}</h2>
            <Form method="post" className="space-y-3">
              <input type="hidden" name="intent" value="create" />
              <CannedFields id="new" errors={actionData && actionData.id === null ? actionData.fieldErrors : undefined} />
              <Button type="submit">{t("inbox.canned.create")}</Button>
            </Form>
          </Card>
        ) : null}
        <Card>
          {canned.length === 0 ? (
            <p className="text-sm text-slate-600">{t("inbox.canned.none")}</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {canned.map((item) => (
                <li key={item.id} className="py-3" data-testid="canned-row">
                  {canWrite ? (
                    <div className="space-y-2">
                      <Form method="post" className="space-y-2">
                        <input type="hidden" name="intent" value="update" />
                        <input type="hidden" name="id" value={item.id} />
                        <CannedFields id={item.id} shortcut={item.shortcut} body={item.body} errors={actionData?.id === item.id ? actionData.fieldErrors : undefined} />
                        <Button type="submit" size="sm" variant="secondary">
                          {t("common.save")}
                        </Button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="id" value={item.id} />
                        <Button type="submit" size="sm" variant="danger">
                          {t("inbox.canned.delete")}
                        </Button>
                      </Form>
                    </div>
                  ) : (
                    <p className="text-sm">
                      <span className="font-mono text-brand-800">/{item.shortcut}</span> — {item.body}
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
