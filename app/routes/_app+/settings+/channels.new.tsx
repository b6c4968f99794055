import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ConnectionFields } from "~/components/channels/connection-fields";
import { kindLabelKey } from "~/components/channels/connection-status";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireSettingsManager } from "~/modules/auth/guards.server";
import { createConnection, isChannelKind } from "~/modules/channels/connections.server";
import { availableKinds, getAdapter } from "~/modules/channels/registry.server";

const nameSchema = z.string().trim().min(1, "validation.required").max(80, "validation.tooLong");

function kindFrom(request: Request) {
  const kind = new URL(request.url).searchParams.get("kind");
  if (!isChannelKind(kind) || !availableKinds().includes(kind)) notFound("Unknown channel kind");
  return kind;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSettingsManager(request);
  const kind = kindFrom(request);
  return json({ kind, fields: getAdapter(kind).configFields });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const kind = kindFrom(request);
  const form = Object.fromEntries([...(await request.formData())].map(([key, value]) => [key, String(value)]));
  const { name: rawName, ...fields } = form;
  const name = nameSchema.safeParse(rawName ?? "");
  const created = name.success
    ? await createConnection(getDb(), { orgId: org.id, kind, name: name.data, fields, actor: { type: "user", id: user.id } })
    : ({ ok: false, fieldErrors: {} } as const);
  if (!name.success || !created.ok) {
    const fieldErrors: Record<string, string[] | undefined> = { ...(created.ok ? {} : created.fieldErrors), name: name.success ? undefined : z.flattenError(name.error).formErrors };
    return json({ fieldErrors, values: Object.fromEntries(getAdapter(kind).configFields.filter((f) => !f.secret).map((f) => [f.name, fields[f.name] ?? ""])), name: rawName ?? "" }, { status: 400 });
  }
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast(`/settings/channels/${created.id}`, { kind: "success", message: translate(locale, "channels.created") });
}

export default function NewConnectionPage() {
  const { kind, fields } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <Card>
      <p className="mb-2 text-sm">
        <Link to="/settings/channels" className="text-brand-700 underline">
          ← {t("channels.back")}
        </Link>
      </p>
      <h2 className="font-medium">{t("channels.connectKind", { kind: t(kindLabelKey(kind)) })}</h2>
      <p className="mb-4 text-sm text-slate-600">{t(`channels.kind.${kind}.help` as Parameters<typeof t>[0])}</p>
      <Form method="post" className="space-y-4">
        <ConnectionFields fields={fields} name={actionData?.name ?? t(kindLabelKey(kind))} values={actionData?.values} errors={actionData?.fieldErrors} />
        <Button type="submit">{t("channels.connect")}</Button>
      </Form>
    </Card>
  );
}
