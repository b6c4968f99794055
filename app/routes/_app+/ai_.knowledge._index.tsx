import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AiModeBadge, toModeView } from "~/components/ai/ai-mode-badge";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { listKnowledgeBases } from "~/modules/ai/knowledge/knowledge-bases.server";
import { getAiMode } from "~/modules/ai/runtime.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Bases de conhecimento · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const [knowledgeBases, mode] = await Promise.all([listKnowledgeBases(db, org.id), getAiMode(db, org.id)]);
  return json({ knowledgeBases, mode: toModeView(mode), canManage: permissions.manageSettings(role) });
}

export default function KnowledgeBasesPage() {
  const { knowledgeBases, mode, canManage } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader
        title={t("ai.kb.title")}
        description={t("ai.kb.description")}
        actions={
          canManage ? (
            <Button asChild>
              <Link to="/ai/knowledge/new">{t("ai.kb.new")}</Link>
            </Button>
          ) : null
        }
      />
      <AiModeBadge mode={mode} />
      {knowledgeBases.length === 0 ? (
        <Card>
          <p className="text-sm text-slate-600">{t("ai.kb.empty")}</p>
        </Card>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg bg-white shadow-sm ring-1 ring-slate-200" data-testid="kb-list">
          {knowledgeBases.map((kb) => (
            <li key={kb.id} className="space-y-1 px-4 py-3">
              <Link to={`/ai/knowledge/${kb.id}`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
                {kb.name}
              </Link>
              {kb.description ? <p className="text-sm text-slate-600">{kb.description}</p> : null}
              <p className="flex flex-wrap gap-x-3 text-xs text-slate-500">
                <span>{t("ai.kb.documents", { count: kb.documentCount })}</span>
                <span>{t("ai.kb.chunks", { count: kb.chunkCount })}</span>
                {kb.pendingCount ? <span className="text-amber-700">{t("ai.kb.pending", { count: kb.pendingCount })}</span> : null}
                {kb.failedCount ? <span className="text-red-700">{t("ai.kb.failed", { count: kb.failedCount })}</span> : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
