import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { InputField } from "~/components/ui/field";
import { cn } from "~/components/ui/cn";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { normalizePhone } from "~/modules/contacts/phone.server";
import {
  customerThread,
  findSimulatedCustomer,
  listSandboxConnections,
  listSimulatedCustomers,
  loadSandbox,
  setCustomerOnline,
  writeAsCustomer,
} from "~/modules/inbox/simulator.server";
import { permissions } from "~/modules/orgs/roles";

const actionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("write"),
    connectionId: z.uuid(),
    phone: z.string().trim().min(1, "validation.required").max(40),
    name: z.string().trim().max(80, "validation.tooLong").optional(),
    text: z.string().trim().min(1, "validation.required").max(4096, "validation.tooLong"),
  }),
  z.object({ intent: z.literal("online"), connectionId: z.uuid(), phone: z.string().trim().min(1).max(40), online: z.enum(["on", "off"]) }),
]);

function simulatorUrl(connectionId: string, phone?: string) {
  return `/sandbox?connection=${connectionId}${phone ? `&phone=${encodeURIComponent(phone)}` : ""}`;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const params = new URL(request.url).searchParams;
  const sandboxes = await listSandboxConnections(db, org.id);
  const requested = params.get("connection");
  const connection = requested ? await loadSandbox(db, org.id, requested) : sandboxes[0] ? await loadSandbox(db, org.id, sandboxes[0].id) : null;
  if (requested && !connection) notFound("Sandbox not found");
  const base = { sandboxes, canWrite: permissions.write(role), canManage: permissions.manageSettings(role) };
  if (!connection) return json({ ...base, connectionId: null, customers: [], customer: null, phone: null, thread: [] });
  const phone = normalizePhone(params.get("phone"), org.country);
  const customer = phone.ok ? await findSimulatedCustomer(db, connection, phone.e164) : null;
  return json({
    ...base,
    connectionId: connection.id,
    customers: await listSimulatedCustomers(db, connection),
    customer,
    phone: phone.ok ? phone.e164 : null,
    thread: customer ? await customerThread(db, connection, customer.contactId) : [],
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const db = getDb();
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    return json({ fieldErrors }, { status: 400 });
  }
  const connection = await loadSandbox(db, org.id, parsed.data.connectionId);
  if (!connection) notFound("Sandbox not found");
  if (parsed.data.intent === "online") {
    await setCustomerOnline(db, connection, parsed.data.phone, parsed.data.online === "on");
    return redirect(simulatorUrl(connection.id, parsed.data.phone));
  }
  const written = await writeAsCustomer(db, connection, { ...parsed.data, country: org.country });
  if (!written.ok) return json({ fieldErrors: { phone: [translate(locale, "sandbox.invalidPhone")] } as Record<string, string[] | undefined> }, { status: 400 });
  return redirect(simulatorUrl(connection.id, written.phone));
}

export default function SandboxPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const errors = actionData?.fieldErrors ?? {};
  const errorText = (list?: string[]) => list?.map((message) => (/^[a-z]+\.[A-Za-z.]+$/.test(message) ? t(message as Parameters<typeof t>[0]) : message));

  if (!data.connectionId) {
    return (
      <>
        <PageHeader title={t("sandbox.title")} description={t("sandbox.description")} />
        <Card>
          <p className="mb-3 text-sm text-slate-600">{t("sandbox.noSandbox")}</p>
          {data.canManage ? (
            <Form method="post" action="/settings/channels">
              <input type="hidden" name="intent" value="createSandbox" />
              <Button type="submit">{t("channels.addSandbox")}</Button>
            </Form>
          ) : (
            <p className="text-sm text-slate-600">{t("channels.onlyAdmins")}</p>
          )}
        </Card>
      </>
    );
  }

  const { connectionId, customer } = data;
  return (
    <>
      <PageHeader title={t("sandbox.title")} description={t("sandbox.description")} />
      {data.sandboxes.length > 1 ? (
        <Form method="get" className="mb-4 flex items-center gap-2">
          <label htmlFor="sandbox-connection" className="text-sm">
            {t("sandbox.connection")}
          </label>
          <select id="sandbox-connection" name="connection" defaultValue={connectionId} className="rounded-md border-0 py-1.5 pl-2 pr-8 text-sm ring-1 ring-slate-300">
            {data.sandboxes.map((sandbox) => (
              <option key={sandbox.id} value={sandbox.id}>
                {sandbox.name}
              </option>
            ))}
          </select>
          <Button type="submit" size="sm" variant="secondary">
            {t("sandbox.switch")}
          </Button>
        </Form>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
        <div className="space-y-6">
          <Card>
            <h2 className="mb-2 font-medium">{t("sandbox.customers")}</h2>
            {data.customers.length === 0 ? (
              <p className="text-sm text-slate-600">{t("sandbox.noCustomers")}</p>
            ) : (
              <ul className="space-y-1">
                {data.customers.map((item) => (
                  <li key={item.contactId}>
                    <Link
                      to={simulatorUrl(connectionId, item.phone)}
                      className={cn("block rounded px-2 py-1 text-sm hover:bg-slate-100", item.phone === data.phone && "bg-brand-50 font-medium")}
                    >
                      {item.name || item.phone} <span className="text-xs text-slate-500">{item.offline ? `· ${t("sandbox.offline")}` : ""}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          {data.canWrite ? (
            <Card>
              <h2 className="mb-2 font-medium">{t("sandbox.newCustomer")}</h2>
              <Form method="post" className="space-y-3">
                <input type="hidden" name="intent" value="write" />
                <input type="hidden" name="connectionId" value={connectionId} />
                <InputField id="sandbox-name" name="name" maxLength={80} label={t("sandbox.customerName")} placeholder="Maria Silva" errors={errorText(errors.name)} />
                <InputField id="sandbox-phone" name="phone" required maxLength={40} label={t("sandbox.customerPhone")} placeholder="+55 11 98765-4321" errors={errorText(errors.phone)} />
                <InputField id="sandbox-first-message" name="text" required maxLength={4096} label={t("sandbox.firstMessage")} errors={errorText(errors.text)} />
                <Button type="submit">{t("sandbox.writeAsCustomer")}</Button>
              </Form>
            </Card>
          ) : null}
        </div>

        <Card className="flex min-h-[24rem] flex-col p-0 sm:p-0">
          {data.phone ? (
            <>
              <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-3">
                <div>
                  <p className="font-medium" data-testid="sandbox-customer">
                    {customer?.name || data.phone}
                  </p>
                  <p className="text-xs text-slate-500">
                    {data.phone} · {customer?.offline ? t("sandbox.offline") : t("sandbox.online")}
                  </p>
                </div>
                {data.canWrite ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="online" />
                    <input type="hidden" name="connectionId" value={connectionId} />
                    <input type="hidden" name="phone" value={data.phone} />
                    <input type="hidden" name="online" value={customer?.offline ? "on" : "off"} />
                    <Button type="submit" size="sm" variant="secondary">
                      {customer?.offline ? t("sandbox.goOnline") : t("sandbox.goOffline")}
                    </Button>
                  </Form>
                ) : null}
              </div>
              <ol className="flex-1 space-y-2 overflow-y-auto bg-emerald-50/40 p-4" data-testid="sandbox-thread">
                {data.thread.length === 0 ? <li className="text-center text-sm text-slate-500">{t("sandbox.waiting")}</li> : null}
                {data.thread.map((message) => (
                  <li key={message.id} className={cn("flex", message.fromCustomer ? "justify-end" : "justify-start")} data-testid="sandbox-message" data-from={message.fromCustomer ? "customer" : "business"}>
                    <p className={cn("max-w-[80%] whitespace-pre-wrap break-words rounded-lg px-3 py-2 text-sm shadow-sm", message.fromCustomer ? "bg-emerald-100" : "bg-white ring-1 ring-slate-200")}>
                      {message.body || `[${message.type}]`}
                    </p>
                  </li>
                ))}
              </ol>
              {data.canWrite ? (
                <Form method="post" className="flex gap-2 border-t border-slate-200 p-3">
                  <input type="hidden" name="intent" value="write" />
                  <input type="hidden" name="connectionId" value={connectionId} />
                  <input type="hidden" name="phone" value={data.phone} />
                  <label htmlFor="sandbox-text" className="sr-only">
                    {t("sandbox.message")}
                  </label>
                  <input id="sandbox-text" name="text" required maxLength={4096} placeholder={t("sandbox.messagePlaceholder")} className="min-w-0 flex-1 rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300" />
                  <Button type="submit">{t("sandbox.send")}</Button>
                </Form>
              ) : null}
              {errors.text ? (
                <div className="px-3 pb-3">
                  <Alert kind="error">{errorText(errors.text)?.join(" ")}</Alert>
                </div>
              ) : null}
            </>
          ) : (
            <p className="p-6 text-sm text-slate-600">{t("sandbox.pickCustomer")}</p>
          )}
        </Card>
      </div>
    </>
  );
}
