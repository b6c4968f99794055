import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ConnectionFields } from "~/components/channels/connection-fields";
import { ConnectionStatusBadge, CopyField, kindLabelKey } from "~/components/channels/connection-status";
import { Button } from "~/components/ui/button";
import { Alert, Card } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { negotiateLocale, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireSettingsManager } from "~/modules/auth/guards.server";
import { deleteConnection, findConnectionSummary, loadConnection, testConnection, updateConnection } from "~/modules/channels/connections.server";
import { availableKinds, getAdapter, webhookPath } from "~/modules/channels/registry.server";
import { permissions } from "~/modules/orgs/roles";

const nameSchema = z.string().trim().min(1, "validation.required").max(80, "validation.tooLong");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const connection = await findConnectionSummary(db, org.id, params.connectionId ?? "");
  if (!connection) notFound("Connection not found");
  const canManage = permissions.manageSettings(role);
  const supported = availableKinds().includes(connection.kind);
  const path = webhookPath(connection.kind, connection.id);
  // The verify token is pasted into Meta's console, so managers see it; nobody else sees any secret.
  const verifyToken = canManage && path ? ((await loadConnection(db, org.id, connection.id))?.secrets.verifyToken ?? null) : null;
  return json({
    connection,
    canManage,
    supported,
    fields: supported ? getAdapter(connection.kind).configFields : [],
    webhookUrl: path ? new URL(path, getEnv().APP_URL).toString() : null,
    verifyToken,
  });
}

const actionSchema = z.discriminatedUnion("intent", [z.object({ intent: z.literal("save") }), z.object({ intent: z.literal("test") }), z.object({ intent: z.literal("delete") })]);

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const db = getDb();
  const id = params.connectionId ?? "";
  const existing = await findConnectionSummary(db, org.id, id);
  if (!existing) notFound("Connection not found");
  const form = Object.fromEntries([...(await request.formData())].map(([key, value]) => [key, String(value)]));
  const { intent, name: rawName, ...fields } = form;
  const parsed = actionSchema.safeParse({ intent });
  if (!parsed.success) return json({ fieldErrors: {}, test: null }, { status: 400 });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const actor = { type: "user" as const, id: user.id };
  if (parsed.data.intent !== "delete" && !availableKinds().includes(existing.kind)) return json({ fieldErrors: {}, test: null }, { status: 400 });
  if (parsed.data.intent === "test") {
    return json({ fieldErrors: {}, test: await testConnection(db, org.id, id) });
  }
  if (parsed.data.intent === "delete") {
    await deleteConnection(db, { orgId: org.id, id, actor });
    return redirectWithToast("/settings/channels", { kind: "success", message: translate(locale, "channels.deleted") });
  }
  const name = nameSchema.safeParse(rawName ?? "");
  const saved = name.success ? await updateConnection(db, { orgId: org.id, id, name: name.data, fields, actor }) : null;
  if (!name.success || !saved?.ok) {
    const fieldErrors: Record<string, string[] | undefined> = { ...(saved && !saved.ok ? saved.fieldErrors : {}), name: name.success ? undefined : z.flattenError(name.error).formErrors };
    return json({ fieldErrors, test: null }, { status: 400 });
  }
  return redirectWithToast(`/settings/channels/${id}`, { kind: "success", message: translate(locale, "channels.saved") });
}

export default function ConnectionPage() {
  const { connection, canManage, supported, fields, webhookUrl, verifyToken } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const test = actionData?.test;
  return (
    <>
      <Card>
        <p className="mb-2 text-sm">
          <Link to="/settings/channels" className="text-brand-700 underline">
            ← {t("channels.back")}
          </Link>
        </p>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <div>
            <h2 className="font-medium" data-testid="connection-name">
              {connection.name}
            </h2>
            <p className="text-sm text-slate-600">
              {t(kindLabelKey(connection.kind))}
              {connection.address ? ` · ${connection.address}` : ""} · {t("common.created")} {new Date(connection.createdAt).toLocaleDateString(locale)}
            </p>
          </div>
          <ConnectionStatusBadge status={connection.status} />
        </div>
        <div className="mt-4 space-y-2">
          {connection.warnings.map((warning) => (
            <Alert key={warning.message} kind="info">
              ⚠ {warning.message}
            </Alert>
          ))}
          {connection.lastError ? <Alert kind="error">{t("channels.lastError")}: {connection.lastError}</Alert> : null}
          {test ? <Alert kind={test.ok ? "success" : "error"}>{test.ok ? t("channels.testOk", { detail: test.detail ?? "" }) : t("channels.testFailed", { message: test.message })}</Alert> : null}
        </div>
        {webhookUrl ? (
          <div className="mt-4 space-y-3">
            <p className="text-sm text-slate-600">{t("channels.webhookHelp")}</p>
            <CopyField id="webhook-url" label={t("channels.webhookUrl")} value={webhookUrl} />
            {verifyToken ? <CopyField id="verify-token" label={t("channels.verifyToken")} value={verifyToken} /> : null}
          </div>
        ) : null}
        <div className="mt-4 flex flex-wrap gap-2">
          {connection.kind === "sandbox" ? (
            <Button asChild size="sm" variant="secondary">
              <Link to={`/sandbox?connection=${connection.id}`}>{t("channels.openSimulator")}</Link>
            </Button>
          ) : null}
          {connection.kind === "whatsapp_baileys" ? (
            <Button asChild size="sm" variant="secondary">
              <Link to={`/settings/channels/${connection.id}/qr`}>{t("channels.qrLink")}</Link>
            </Button>
          ) : null}
          {connection.kind === "whatsapp_cloud" ? (
            <Button asChild size="sm" variant="secondary">
              <Link to={`/settings/channels/${connection.id}/templates`}>{t("channels.templatesLink")}</Link>
            </Button>
          ) : null}
          {canManage && supported ? (
            <Form method="post">
              <input type="hidden" name="intent" value="test" />
              <Button type="submit" size="sm" variant="secondary">
                {t("channels.test")}
              </Button>
            </Form>
          ) : null}
        </div>
      </Card>

      {canManage && supported ? (
        <Card>
          <h2 className="mb-3 font-medium">{t("channels.edit")}</h2>
          <Form method="post" className="space-y-4">
            <input type="hidden" name="intent" value="save" />
            <ConnectionFields fields={fields} name={connection.name} values={connection.config} errors={actionData?.fieldErrors} editing />
            <Button type="submit">{t("common.save")}</Button>
          </Form>
        </Card>
      ) : null}

      {canManage ? (
        <Card>
          <h2 className="font-medium">{t("channels.delete")}</h2>
          <p className="mb-3 text-sm text-slate-600">{t("channels.deleteHelp")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="delete" />
            <Button type="submit" variant="danger">
              {t("channels.delete")}
            </Button>
          </Form>
        </Card>
      ) : null}
    </>
  );
}
