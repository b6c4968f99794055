import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { InputField, SelectField } from "~/components/ui/field";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { createDraft } from "~/modules/campaigns/drafts.server";
import { requireCampaignManager } from "~/modules/campaigns/http.server";
import { listConnections } from "~/modules/channels/connections.server";
import { requestLocale } from "~/modules/contacts/http.server";

export const meta: MetaFunction = () => [{ title: "Nova campanha · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireCampaignManager(request);
  const connections = await listConnections(getDb(), org.id);
  return json({ connections: connections.map((connection) => ({ id: connection.id, name: connection.name, kind: connection.kind })) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireCampaignManager(request);
  const db = getDb();
  const locale = requestLocale(user, request);
  const form = await request.formData();
  const name = String(form.get("name") ?? "").trim();
  const connectionId = String(form.get("connectionId") ?? "");
  const connection = connectionId ? (await listConnections(db, org.id)).find((candidate) => candidate.id === connectionId) : undefined;
  const errors: Record<string, string[]> = {};
  if (!name) errors.name = [translate(locale, "validation.required")];
  else if (name.length > 120) errors.name = [translate(locale, "validation.tooLong")];
  if (connectionId && !connection) errors.connectionId = [translate(locale, "campaigns.form.unknownConnection")];
  if (Object.keys(errors).length) return json({ errors, values: { name, connectionId } }, { status: 400 });
  const id = await createDraft(db, { orgId: org.id, userId: user.id, name, connection: connection ? { id: connection.id, kind: connection.kind } : null });
  return redirect(`/campaigns/${id}/edit`);
}

export default function NewCampaignPage() {
  const { connections } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-2xl">
      <PageHeader title={t("campaigns.new.title")} description={t("campaigns.new.description")} />
      <Form method="post">
        <Card className="space-y-4">
          {connections.length === 0 ? (
            <Alert>
              {t("campaigns.new.noConnections")}{" "}
              <Link to="/settings/channels" className="font-medium underline">
                {t("settings.channels")}
              </Link>
            </Alert>
          ) : null}
          <InputField id="campaign-name" name="name" label={t("campaigns.field.name")} required maxLength={120} defaultValue={actionData?.values.name} errors={actionData?.errors.name} />
          <SelectField id="campaign-connection" name="connectionId" label={t("campaigns.field.connection")} defaultValue={actionData?.values.connectionId ?? connections[0]?.id ?? ""} errors={actionData?.errors.connectionId}>
            <option value="">{t("campaigns.field.noConnection")}</option>
            {connections.map((connection) => (
              <option key={connection.id} value={connection.id}>
                {connection.name}
              </option>
            ))}
          </SelectField>
          <div className="flex gap-2">
            <Button type="submit">{t("campaigns.new.submit")}</Button>
            <Button asChild variant="ghost">
              <Link to="/campaigns">{t("common.cancel")}</Link>
            </Button>
          </div>
        </Card>
      </Form>
    </div>
  );
}
