import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { PersonaForm } from "~/components/ai/persona-form";
import { PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { channelChoices, newPersonaDefaults } from "~/modules/ai/bot/persona-form-values";
import { listConnectionOptions } from "~/modules/ai/bot/persona-assignment.server";
import { personaFormSchema } from "~/modules/ai/bot/persona-schema";
import { createPersona, listKnowledgeBaseOptions, listPersonas } from "~/modules/ai/bot/personas.server";
import { requireSettingsManager } from "~/modules/auth/guards.server";
import { requestLocale } from "~/modules/contacts/http.server";

export const meta: MetaFunction = () => [{ title: "Nova persona · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireSettingsManager(request);
  const db = getDb();
  const [knowledgeBases, personas, connections] = await Promise.all([listKnowledgeBaseOptions(db, org.id), listPersonas(db, org.id), listConnectionOptions(db, org.id)]);
  return json({ knowledgeBases, channels: channelChoices(connections, personas, null), defaults: newPersonaDefaults(org, personas.length === 0) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const submission = parseWithZod(await request.formData(), { schema: personaFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });
  const result = await createPersona(getDb(), { orgId: org.id, userId: user.id, values: submission.value });
  if (!result.ok) return json({ result: submission.reply({ fieldErrors: { [result.field]: [result.code] } }) }, { status: 400 });
  return redirectWithToast(`/ai/personas/${result.personaId}`, { kind: "success", message: translate(requestLocale(user, request), "aiBot.personas.created") });
}

export default function NewPersonaPage() {
  const { knowledgeBases, channels, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("aiBot.personas.new")} />
      <PersonaForm
        lastResult={actionData?.result}
        defaultValue={defaults}
        onValidate={({ formData }) => parseWithZod(formData, { schema: personaFormSchema })}
        knowledgeBases={knowledgeBases}
        channels={channels}
        submitLabel={t("aiBot.personas.create")}
        cancelHref="/ai/personas"
      />
    </div>
  );
}
