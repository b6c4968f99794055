import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AiModeBanner } from "~/components/ai/ai-mode-banner";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { type MessageKey, useT } from "~/lib/i18n";
import { listPersonas } from "~/modules/ai/bot/personas.server";
import { getAiMode } from "~/modules/ai/runtime.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Personas · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const [personas, mode] = await Promise.all([listPersonas(db, org.id), getAiMode(db, org.id)]);
  return json({ personas, mode: mode.kind === "openai" ? { kind: "openai" as const, chatModel: mode.chatModel } : { kind: "offline" as const }, canManage: permissions.manageSettings(role) });
}

export default function PersonasPage() {
  const { personas, mode, canManage } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader
        title={t("aiBot.personas.title")}
        description={t("aiBot.personas.description")}
        actions={
          <div className="flex flex-wrap gap-2">
            <Button asChild variant="secondary">
              <Link to="/ai/knowledge">{t("aiBot.personas.knowledgeLink")}</Link>
            </Button>
            {canManage ? (
              <Button asChild>
                <Link to="/ai/personas/new">{t("aiBot.personas.new")}</Link>
              </Button>
            ) : null}
          </div>
        }
      />
      <AiModeBanner mode={mode} />
      {!canManage ? <p className="text-sm text-slate-600">{t("aiBot.personas.onlyAdmins")}</p> : null}
      {personas.length === 0 ? (
        <Card>
          <p className="text-sm text-slate-600">{t("aiBot.personas.empty")}</p>
        </Card>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg bg-white shadow-sm ring-1 ring-slate-200" data-testid="persona-list">
          {personas.map((persona) => (
            <li key={persona.id} className="flex flex-wrap items-center gap-2 px-4 py-3">
              {canManage ? (
                <Link to={`/ai/personas/${persona.id}`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
                  {persona.name}
                </Link>
              ) : (
                <span className="font-medium">{persona.name}</span>
              )}
              {persona.isDefault ? <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs text-brand-800">{t("aiBot.personas.default")}</span> : null}
              <span className="ml-auto text-xs text-slate-500">
                {t(`aiBot.personas.tone.${persona.tone}` as MessageKey)} · {t(`aiBot.personas.language.${persona.language}` as MessageKey)} · {t("aiBot.personas.kbCount", { count: persona.knowledgeBaseCount })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
