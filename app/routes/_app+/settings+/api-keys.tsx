import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Alert, Card } from "~/components/ui/card";
import { InputField, SelectField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireSettingsManager } from "~/modules/auth/guards.server";
import { createApiKey, listApiKeys, revokeApiKey } from "~/modules/api-keys/api-keys.server";

const apiKeyActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: z.string().trim().min(1, "validation.required").max(80, "validation.tooLong"), role: z.enum(["admin", "agent", "viewer"]) }),
  z.object({ intent: z.literal("revoke"), keyId: z.uuid() }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireSettingsManager(request);
  return json({ keys: await listApiKeys(getDb(), org.id) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const parsed = apiKeyActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return json({ key: null, fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined> }, { status: 400 });
  }
  const db = getDb();
  if (parsed.data.intent === "create") {
    const { key } = await createApiKey(db, { orgId: org.id, name: parsed.data.name, role: parsed.data.role, createdBy: user.id });
    return json({ key, fieldErrors: {} as Record<string, string[] | undefined> });
  }
  if (!(await revokeApiKey(db, org.id, parsed.data.keyId, user.id))) notFound("API key not found");
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast("/settings/api-keys", { kind: "success", message: translate(locale, "apiKeys.revoked") });
}

export default function ApiKeysPage() {
  const { keys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errorText = useErrorText();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  return (
    <>
      <Card>
        <h2 className="mb-3 font-medium">{t("apiKeys.create")}</h2>
        {actionData?.key ? (
          <div className="mb-4 space-y-2">
            <Alert kind="success">{t("apiKeys.created")}</Alert>
            <input readOnly aria-label="API key" value={actionData.key} className="w-full rounded-md bg-slate-50 px-3 py-2 font-mono text-xs ring-1 ring-slate-300" data-testid="api-key" />
          </div>
        ) : null}
        <Form method="post" className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-end">
          <input type="hidden" name="intent" value="create" />
          <InputField id="api-key-name" name="name" required maxLength={80} label={t("apiKeys.name")} errors={errorText(actionData?.fieldErrors?.name)} />
          <SelectField id="api-key-role" name="role" defaultValue="admin" label={t("team.role")}>
            {(["admin", "agent", "viewer"] as const).map((role) => (
              <option key={role} value={role}>
                {t(`team.role.${role}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <Button type="submit">{t("apiKeys.create")}</Button>
        </Form>
      </Card>
      <Card>
        <h2 className="mb-3 font-medium">{t("settings.apiKeys")}</h2>
        {keys.length === 0 ? (
          <p className="text-sm text-slate-600">{t("apiKeys.none")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {keys.map((key) => (
              <li key={key.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
                <div>
                  <p className="font-medium">{key.name}</p>
                  <p className="font-mono text-xs text-slate-500">
                    {key.prefix}… · {t(`team.role.${key.role}` as MessageKey)} · {t("apiKeys.lastUsed")}: {key.last_used_at ? date.format(new Date(key.last_used_at)) : t("apiKeys.never")}
                  </p>
                </div>
                <Form method="post">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="keyId" value={key.id} />
                  <Button type="submit" size="sm" variant="danger">
                    {t("apiKeys.revoke")}
                  </Button>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
