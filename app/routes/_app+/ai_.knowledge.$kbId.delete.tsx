import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { requireKnowledgeBase } from "~/modules/ai/knowledge/kb-page.server";
import { deleteKnowledgeBase } from "~/modules/ai/knowledge/knowledge-bases.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { requireSettingsManager } from "~/modules/auth/guards.server";

export const meta: MetaFunction = () => [{ title: "Excluir base de conhecimento · Master IA" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireSettingsManager(request);
  const kb = await requireKnowledgeBase(getDb(), org.id, params.kbId);
  return json({ kb: { id: kb.id, name: kb.name } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const db = getDb();
  const kb = await requireKnowledgeBase(db, org.id, params.kbId);
  const form = await request.formData();
  if (form.get("confirm") !== "yes") return redirect(`/ai/knowledge/${kb.id}/delete`);
  await deleteKnowledgeBase(db, org.id, kb.id);
  await recordAudit(db, { orgId: org.id, actor: { type: "user", id: user.id }, action: "knowledgeBase.deleted", metadata: { knowledgeBaseId: kb.id, name: kb.name } });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast("/ai/knowledge", { kind: "success", message: translate(locale, "ai.kb.deleted") });
}

export default function DeleteKnowledgeBasePage() {
  const { kb } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="max-w-xl space-y-4">
      <PageHeader title={t("ai.kb.delete")} description={kb.name} />
      <Card className="space-y-3">
        <p className="text-sm text-slate-600">{t("ai.kb.deleteHint")}</p>
        <Form method="post" className="flex flex-wrap items-center gap-3">
          <input type="hidden" name="confirm" value="yes" />
          <Button type="submit" variant="danger">
            {t("ai.kb.deleteConfirm")}
          </Button>
          <Link to={`/ai/knowledge/${kb.id}`} className="text-sm font-medium text-slate-600 underline">
            {t("common.cancel")}
          </Link>
        </Form>
      </Card>
    </div>
  );
}
