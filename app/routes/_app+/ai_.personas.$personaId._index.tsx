import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AiModeBanner } from "~/components/ai/ai-mode-banner";
import { PersonaForm } from "~/components/ai/persona-form";
import { TestChat } from "~/components/ai/test-chat";
import { Button } from "~/components/ui/button";
import { PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { channelChoices, personaFormValues } from "~/modules/ai/bot/persona-form-values";
import { listConnectionOptions } from "~/modules/ai/bot/persona-assignment.server";
import { personaFormSchema, testChatSchema } from "~/modules/ai/bot/persona-schema";
import { findPersona, listKnowledgeBaseOptions, listPersonas, updatePersona } from "~/modules/ai/bot/personas.server";
import { parseTranscript, runTestChatTurn, type TestTurn } from "~/modules/ai/bot/test-chat.server";
import { getAiMode } from "~/modules/ai/runtime.server";
import { notFound, requireSettingsManager } from "~/modules/auth/guards.server";
import { requestLocale, requireId } from "~/modules/contacts/http.server";

export const meta: MetaFunction = () => [{ title: "Persona · Master IA" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireSettingsManager(request);
  const db = getDb();
  const persona = await findPersona(db, org.id, requireId(params.personaId, "Persona not found"));
  if (!persona) notFound("Persona not found");
  const [knowledgeBases, mode, connections, personas] = await Promise.all([
    listKnowledgeBaseOptions(db, org.id),
    getAiMode(db, org.id),
    listConnectionOptions(db, org.id),
    listPersonas(db, org.id),
  ]);
  return json({
    persona: { id: persona.id, name: persona.name },
    defaults: personaFormValues(persona, org, connections),
    knowledgeBases,
    channels: channelChoices(connections, personas, persona.id),
    mode: mode.kind === "openai" ? { kind: "openai" as const, chatModel: persona.model ?? mode.chatModel } : { kind: "offline" as const },
  });
}

type ActionData = { result?: SubmissionResult<string[]>; transcript?: TestTurn[]; testErrors?: string[] };

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const db = getDb();
  const persona = await findPersona(db, org.id, requireId(params.personaId, "Persona not found"));
  if (!persona) notFound("Persona not found");
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "restart") return json<ActionData>({ transcript: [] });
  if (intent === "test") {
    const parsed = testChatSchema.safeParse(Object.fromEntries(form));
    const transcript = parseTranscript(typeof form.get("transcript") === "string" ? String(form.get("transcript")) : undefined);
    if (!parsed.success) return json<ActionData>({ transcript, testErrors: z.flattenError(parsed.error).fieldErrors.text ?? ["common.error"] }, { status: 400 });
    return json<ActionData>({ transcript: await runTestChatTurn(db, { orgId: org.id, persona, transcript, text: parsed.data.text }) });
  }
  const submission = parseWithZod(form, { schema: personaFormSchema });
  if (submission.status !== "success") return json<ActionData>({ result: submission.reply() }, { status: 400 });
  const result = await updatePersona(db, { orgId: org.id, userId: user.id, personaId: persona.id, values: submission.value });
  if (!result.ok) {
    if (result.field === null) notFound("Persona not found");
    return json<ActionData>({ result: submission.reply({ fieldErrors: { [result.field]: [result.code] } }) }, { status: 400 });
  }
  return redirectWithToast(`/ai/personas/${persona.id}`, { kind: "success", message: translate(requestLocale(user, request), "aiBot.personas.saved") });
}

export default function PersonaPage() {
  const { persona, defaults, knowledgeBases, channels, mode } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-5xl space-y-4">
      <PageHeader
        title={persona.name}
        actions={
          <div className="flex gap-2">
            <Button asChild variant="ghost">
              <Link to="/ai/personas">{t("aiBot.personas.backToList")}</Link>
            </Button>
            <Button asChild variant="danger">
              <Link to={`/ai/personas/${persona.id}/delete`}>{t("aiBot.personas.delete")}</Link>
            </Button>
          </div>
        }
      />
      <AiModeBanner mode={mode} />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <PersonaForm
          key={JSON.stringify(defaults)}
          lastResult={actionData?.result}
          defaultValue={defaults}
          onValidate={({ formData }) => parseWithZod(formData, { schema: personaFormSchema })}
          knowledgeBases={knowledgeBases}
          channels={channels}
          submitLabel={t("aiBot.personas.save")}
          cancelHref="/ai/personas"
        />
        <div className="lg:sticky lg:top-4 lg:self-start">
          <TestChat transcript={actionData?.transcript ?? []} errors={actionData?.testErrors} />
        </div>
      </div>
    </div>
  );
}
