import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { findConnectionSummary } from "~/modules/channels/connections.server";
import { permissions } from "~/modules/orgs/roles";
import { previewParts } from "~/modules/templates/template-preview";
import { countTemplatesByStatus, listTemplates, requestTemplateSync, TEMPLATE_STATUSES, type TemplateRow } from "~/modules/templates/templates.server";

const filterSchema = z.object({
  status: z.enum(TEMPLATE_STATUSES).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(1200).optional().catch(undefined),
});

async function cloudConnection(orgId: string, connectionId: string) {
  const connection = await findConnectionSummary(getDb(), orgId, connectionId);
  if (!connection || connection.kind !== "whatsapp_cloud") notFound("Connection not found");
  return connection;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const connection = await cloudConnection(org.id, params.connectionId ?? "");
  const filter = filterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const db = getDb();
  const [page, counts] = await Promise.all([
    listTemplates(db, org.id, connection.id, { status: filter.status, q: filter.q || undefined }, filter.after),
    countTemplatesByStatus(db, org.id, connection.id),
  ]);
  const syncedAt = typeof connection.config.templatesSyncedAt === "string" ? connection.config.templatesSyncedAt : null;
  return json({ connection: { id: connection.id, name: connection.name }, filter, ...page, counts, syncedAt, canSync: permissions.write(role) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const connection = await cloudConnection(org.id, params.connectionId ?? "");
  const intent = (await request.formData()).get("intent");
  if (intent !== "sync") return json({ error: "unknown intent" }, { status: 400 });
  await requestTemplateSync(getDb(), { id: connection.id, orgId: org.id });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const url = new URL(request.url);
  return redirectWithToast(`${url.pathname}${url.search}`, { kind: "info", message: translate(locale, "templates.syncQueued") });
}

const STATUS_COLORS: Record<string, string> = {
  APPROVED: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  PENDING: "bg-amber-50 text-amber-800 ring-amber-200",
  REJECTED: "bg-red-50 text-red-800 ring-red-200",
  PAUSED: "bg-orange-50 text-orange-800 ring-orange-200",
  DISABLED: "bg-slate-100 text-slate-700 ring-slate-300",
};

function Chip({ className, children, testId }: { className?: string; children: ReactNode; testId?: string }) {
  return (
    <span className={cn("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1", className ?? "bg-slate-50 text-slate-700 ring-slate-200")} data-testid={testId}>
      {children}
    </span>
  );
}

function labelOr(t: ReturnType<typeof useT>, key: string, fallback: string) {
  const text = t(key as MessageKey);
  return text === key ? fallback : text;
}

/** The template as the customer will see it, with its {{n}} placeholders marked. */
function TemplatePreview({ template }: { template: TemplateRow }) {
  const t = useT();
  const part = (type: string) => template.components.find((component) => component.type.toUpperCase() === type);
  const header = part("HEADER");
  const body = part("BODY")?.text ?? "";
  const footer = part("FOOTER")?.text;
  const buttons = part("BUTTONS")?.buttons ?? [];
  const placeholders = previewParts(body).filter((piece) => piece.placeholder).length;
  return (
    <div className="mt-2 max-w-prose rounded-lg bg-emerald-50/60 p-3 text-sm ring-1 ring-emerald-100">
      {header ? (
        <p className="mb-1 font-semibold" aria-label={t("templates.header")}>
          {header.text ? <Highlighted text={header.text} /> : `[${header.format ?? "MEDIA"}]`}
        </p>
      ) : null}
      <p className="whitespace-pre-wrap" data-testid="template-body">
        <Highlighted text={body} />
      </p>
      {footer ? (
        <p className="mt-1 text-xs text-slate-500" aria-label={t("templates.footer")}>
          {footer}
        </p>
      ) : null}
      {buttons.length ? (
        <ul className="mt-2 flex flex-wrap gap-1" aria-label={t("templates.buttons")}>
          {buttons.map((button, index) => (
            <li key={index} className="rounded bg-white px-2 py-0.5 text-xs text-sky-700 ring-1 ring-slate-200">
              {button.text}
            </li>
          ))}
        </ul>
      ) : null}
      {placeholders ? <p className="mt-1 text-xs text-slate-500">{t("templates.variables", { count: placeholders })}</p> : null}
    </div>
  );
}

function Highlighted({ text }: { text: string }) {
  return (
    <>
      {previewParts(text).map((piece, index) =>
        piece.placeholder ? (
          <mark key={index} className="rounded bg-amber-200 px-0.5 font-mono text-amber-950" data-testid="template-placeholder">
            {piece.text}
          </mark>
        ) : (
          <span key={index}>{piece.text}</span>
        ),
      )}
    </>
  );
}

export default function TemplatesPage() {
  const { connection, filter, templates, next, counts, syncedAt, canSync } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const base = `/settings/channels/${connection.id}/templates`;
  const query = (extra: Record<string, string | undefined>) => {
    const params = new URLSearchParams(Object.entries({ status: filter.status, q: filter.q, ...extra }).filter((entry): entry is [string, string] => Boolean(entry[1])));
    const text = params.toString();
    return text ? `${base}?${text}` : base;
  };
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return (
    <>
      <Card>
        <p className="mb-2 text-sm">
          <Link to={`/settings/channels/${connection.id}`} className="text-brand-700 underline">
            ← {t("templates.back")}
          </Link>
        </p>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h2 className="font-medium">
              {t("templates.title")} · {connection.name}
            </h2>
            <p className="text-sm text-slate-600">{t("templates.help")}</p>
            <p className="mt-1 text-xs text-slate-500" data-testid="templates-synced">
              {syncedAt ? t("templates.lastSynced", { when: new Date(syncedAt).toLocaleString(locale) }) : t("templates.neverSynced")} · {t("templates.count", { count: total })}
            </p>
          </div>
          {canSync ? (
            <Form method="post">
              <input type="hidden" name="intent" value="sync" />
              <Button type="submit" size="sm" variant="secondary">
                {t("templates.syncNow")}
              </Button>
            </Form>
          ) : null}
        </div>
        <nav aria-label={t("templates.filterStatus")} className="mt-4 flex flex-wrap gap-2">
          {[undefined, ...TEMPLATE_STATUSES].map((status) => (
            <Link
              key={status ?? "all"}
              to={query({ status, after: undefined })}
              aria-current={filter.status === status ? "page" : undefined}
              className={cn("rounded-full px-3 py-1 text-xs font-medium ring-1", filter.status === status ? "bg-brand-700 text-white ring-brand-700" : "bg-white text-slate-700 ring-slate-300")}
            >
              {status ? t(`templates.status.${status}` as MessageKey) : t("templates.filterAll")} ({status ? (counts[status] ?? 0) : total})
            </Link>
          ))}
        </nav>
        <Form method="get" className="mt-3 flex gap-2">
          {filter.status ? <input type="hidden" name="status" value={filter.status} /> : null}
          <input
            type="search"
            name="q"
            defaultValue={filter.q ?? ""}
            aria-label={t("templates.search")}
            placeholder={t("templates.search")}
            className="block w-full max-w-xs rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300"
          />
          <Button type="submit" size="sm" variant="secondary">
            {t("templates.apply")}
          </Button>
        </Form>
      </Card>
      <Card>
        {templates.length === 0 ? (
          <p className="text-sm text-slate-600">{t("templates.none")}</p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="template-list">
            {templates.map((template) => (
              <li key={template.id} className="py-3" data-testid="template-row">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono text-sm font-medium">{template.name}</span>
                  <Chip testId="template-language">{template.language}</Chip>
                  <Chip className={STATUS_COLORS[template.status]} testId="template-status">
                    {labelOr(t, `templates.status.${template.status}`, template.status)}
                  </Chip>
                  <Chip testId="template-category">{labelOr(t, `templates.category.${template.category}`, template.category)}</Chip>
                </div>
                <TemplatePreview template={template} />
              </li>
            ))}
          </ul>
        )}
        <div className="mt-4 flex gap-3 text-sm">
          {filter.after ? (
            <Link to={query({ after: undefined })} className="text-brand-700 underline">
              {t("templates.first")}
            </Link>
          ) : null}
          {next ? (
            <Link to={query({ after: next })} className="text-brand-700 underline" rel="next">
              {t("templates.next")}
            </Link>
          ) : null}
        </div>
      </Card>
    </>
  );
}
