import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ConnectionStatusBadge, kindLabelKey } from "~/components/channels/connection-status";
import { Button } from "~/components/ui/button";
import { Alert, Card } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireSettingsManager } from "~/modules/auth/guards.server";
import { createConnection, deleteConnection, listConnections, testConnection } from "~/modules/channels/connections.server";
import { availableKinds } from "~/modules/channels/registry.server";
import { permissions } from "~/modules/orgs/roles";

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("createSandbox") }),
  z.object({ intent: z.literal("test"), connectionId: z.uuid() }),
  z.object({ intent: z.literal("delete"), connectionId: z.uuid() }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const connections = await listConnections(getDb(), org.id);
  return json({ connections, kinds: availableKinds(), canManage: permissions.manageSettings(role) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ test: null }, { status: 400 });
  const db = getDb();
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const actor = { type: "user" as const, id: user.id };
  switch (parsed.data.intent) {
    case "createSandbox": {
      const created = await createConnection(db, { orgId: org.id, kind: "sandbox", name: "Sandbox", fields: {}, actor });
      if (!created.ok) throw new Error("the Sandbox needs no configuration");
      return redirectWithToast("/settings/channels", { kind: "success", message: translate(locale, "channels.sandboxCreated") });
    }
    case "test": {
      const result = await testConnection(db, org.id, parsed.data.connectionId);
      if (!result) notFound("Connection not found");
      return json({ test: { connectionId: parsed.data.connectionId, ...result } });
    }
    case "delete": {
      if (!(await deleteConnection(db, { orgId: org.id, id: parsed.data.connectionId, actor }))) notFound("Connection not found");
      return redirectWithToast("/settings/channels", { kind: "success", message: translate(locale, "channels.deleted") });
    }
  }
}

export default function ChannelsPage() {
  const { connections, kinds, canManage } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const test = actionData?.test;
  const hasSandbox = connections.some((connection) => connection.kind === "sandbox");

  return (
    <>
      <Card>
        <h2 className="font-medium">{t("settings.channels")}</h2>
        <p className="mb-4 text-sm text-slate-600">{t("channels.description")}</p>
        {connections.length === 0 ? (
          <p className="text-sm text-slate-600">{t("channels.none")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {connections.map((connection) => (
              <li key={connection.id} className="space-y-2 py-3" data-testid="connection-row">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <div className="min-w-0">
                    <Link to={`/settings/channels/${connection.id}`} className="font-medium text-brand-800 underline-offset-2 hover:underline">
                      {connection.name}
                    </Link>
                    <p className="text-xs text-slate-500">
                      {t(kindLabelKey(connection.kind))}
                      {connection.address ? ` · ${connection.address}` : ""}
                    </p>
                  </div>
                  <ConnectionStatusBadge status={connection.status} />
                </div>
                {connection.warnings.map((warning) => (
                  <Alert key={warning.message} kind="info">
                    ⚠ {warning.message}
                  </Alert>
                ))}
                {connection.lastError ? (
                  <p className="text-sm text-red-700">
                    {t("channels.lastError")}: {connection.lastError}
                  </p>
                ) : null}
                {test?.connectionId === connection.id ? (
                  <Alert kind={test.ok ? "success" : "error"}>{test.ok ? t("channels.testOk", { detail: test.detail ?? "" }) : t("channels.testFailed", { message: test.message })}</Alert>
                ) : null}
                <div className="flex flex-wrap gap-2">
                  {connection.kind === "sandbox" ? (
                    <Button asChild size="sm" variant="secondary">
                      <Link to={`/sandbox?connection=${connection.id}`}>{t("channels.openSimulator")}</Link>
                    </Button>
                  ) : null}
                  {canManage ? (
                    <>
                      <Form method="post">
                        <input type="hidden" name="intent" value="test" />
                        <input type="hidden" name="connectionId" value={connection.id} />
                        <Button type="submit" size="sm" variant="secondary">
                          {t("channels.test")}
                        </Button>
                      </Form>
                      <Button asChild size="sm" variant="ghost">
                        <Link to={`/settings/channels/${connection.id}`}>{t("channels.edit")}</Link>
                      </Button>
                    </>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>

      {canManage ? (
        <Card>
          <h2 className="mb-3 font-medium">{t("channels.add")}</h2>
          <ul className="grid gap-3 sm:grid-cols-2">
            {kinds.map((kind) => (
              <li key={kind} className="rounded-md p-3 ring-1 ring-slate-200">
                <p className="font-medium">{t(kindLabelKey(kind))}</p>
                <p className="mb-3 text-sm text-slate-600">{t(`channels.kind.${kind}.help` as Parameters<typeof t>[0])}</p>
                {kind === "sandbox" ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="createSandbox" />
                    <Button type="submit" size="sm" variant={hasSandbox ? "secondary" : "primary"}>
                      {t("channels.addSandbox")}
                    </Button>
                  </Form>
                ) : (
                  <Button asChild size="sm" variant="secondary">
                    <Link to={`/settings/channels/new?kind=${kind}`}>{t("channels.connect")}</Link>
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </Card>
      ) : (
        <p className="text-sm text-slate-600">{t("channels.onlyAdmins")}</p>
      )}
    </>
  );
}
