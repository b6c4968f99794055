import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { Board } from "~/components/pipelines/board";
import { Button } from "~/components/ui/button";
import { PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { notFound, requireOrg } from "~/modules/auth/guards.server";
import { permissions } from "~/modules/orgs/roles";
import { loadBoard } from "~/modules/pipelines/board.server";
import { idParam } from "~/modules/pipelines/ids.server";
import { listMemberOptions } from "~/modules/pipelines/options.server";
import { findPipeline } from "~/modules/pipelines/pipelines.server";
import { boardQuerySchema } from "~/modules/pipelines/schemas";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.pipeline.name ?? "Funil"} · Master IA` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const pipeline = await findPipeline(db, org.id, idParam(params.pipelineId));
  if (!pipeline) notFound("Pipeline not found");
  const filter = boardQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [columns, members] = await Promise.all([loadBoard(db, org.id, pipeline.id, filter), listMemberOptions(db, org.id)]);
  return json({
    pipeline,
    columns,
    members,
    filter: { owner: filter.owner ?? "" },
    money: { currency: org.currency, locale: org.locale },
    canWrite: permissions.write(role),
    canManage: permissions.manageSettings(role),
  });
}

export default function BoardPage() {
  const { pipeline, columns, members, filter, money, canWrite, canManage } = useLoaderData<typeof loader>();
  const t = useT();
  const location = useLocation();
  const returnTo = `${location.pathname}${location.search}`;
  const withParams = (extra: Record<string, string>) => {
    const params = new URLSearchParams(filter.owner ? { owner: filter.owner } : {});
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    return `?${params}`;
  };
  return (
    <>
      <PageHeader
        title={pipeline.name}
        actions={
          <div className="flex flex-wrap gap-2">
            <Button asChild variant="ghost" size="sm">
              <Link to="/pipelines">{t("pipelines.all")}</Link>
            </Button>
            {canManage ? (
              <Button asChild variant="secondary" size="sm">
                <Link to={`/pipelines/${pipeline.id}/settings`}>{t("pipelines.settings")}</Link>
              </Button>
            ) : null}
            <Button asChild variant="secondary" size="sm">
              <Link to={`/pipelines/${pipeline.id}/ai`}>{t("aiBot.leads.link")}</Link>
            </Button>
            {canWrite && columns.length > 0 ? (
              <Button asChild size="sm">
                <Link to={`/pipelines/${pipeline.id}/leads/new`}>{t("pipelines.lead.new")}</Link>
              </Button>
            ) : null}
          </div>
        }
      />
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-2" data-testid="owner-filter">
        <div>
          <label htmlFor="owner-filter" className="block text-xs font-medium text-slate-600">
            {t("pipelines.lead.owner")}
          </label>
          <select
            id="owner-filter"
            name="owner"
            defaultValue={filter.owner}
            onChange={(event) => event.currentTarget.form?.requestSubmit()}
            className="mt-0.5 block rounded-md border-0 py-1.5 pl-2 pr-8 text-sm ring-1 ring-slate-300"
          >
            <option value="">{t("pipelines.owner.all")}</option>
            <option value="none">{t("pipelines.owner.none")}</option>
            {members.map((member) => (
              <option key={member.id} value={member.id}>
                {member.name}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" size="sm" variant="secondary">
          {t("pipelines.filter")}
        </Button>
      </Form>
      {columns.length === 0 ? (
        <p className="text-sm text-slate-600">{t("pipelines.noStages")}</p>
      ) : (
        <Board
          key={pipeline.id}
          columns={columns}
          money={money}
          canWrite={canWrite}
          returnTo={returnTo}
          newLeadHref={(stageId) => `/pipelines/${pipeline.id}/leads/new?stageId=${stageId}`}
          showMoreHref={(stageId, cards) => withParams({ expand: stageId, cards: String(cards) })}
        />
      )}
    </>
  );
}
