import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { knowledgeBaseSchema } from "~/modules/ai/knowledge/kb-schemas";
import { createKnowledgeBase } from "~/modules/ai/knowledge/knowledge-bases.server";
import { requireSettingsManager } from "~/modules/auth/guards.server";

export const meta: MetaFunction = () => [{ title: "Nova base de conhecimento · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireSettingsManager(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const parsed = knowledgeBaseSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined> }, { status: 400 });
  const id = await createKnowledgeBase(getDb(), org.id, user.id, parsed.data);
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast(`/ai/knowledge/${id}`, { kind: "success", message: translate(locale, "ai.kb.created") });
}

export default function NewKnowledgeBasePage() {
  const actionData = useActionData<typeof action>();
  const t = useT();
  const errorText = useErrorText();
  return (
    <div className="max-w-xl space-y-4">
      <PageHeader
        title={t("ai.kb.new")}
        actions={
          <Link to="/ai/knowledge" className="text-sm font-medium text-brand-700 underline">
            {t("ai.kb.back")}
          </Link>
        }
      />
      <Card>
        <Form method="post" className="space-y-4" noValidate>
          <InputField id="kb-name" name="name" required maxLength={120} label={t("ai.kb.name")} errors={errorText(actionData?.fieldErrors?.name)} />
          <InputField id="kb-description" name="description" maxLength={500} label={t("ai.kb.descriptionField")} errors={errorText(actionData?.fieldErrors?.description)} />
          <Button type="submit">{t("ai.kb.create")}</Button>
        </Form>
      </Card>
    </div>
  );
}
