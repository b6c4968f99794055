import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ConfirmForm } from "~/components/contacts/confirm-form";
import { PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { deletePersona, findPersona } from "~/modules/ai/bot/personas.server";
import { notFound, requireSettingsManager } from "~/modules/auth/guards.server";
import { requestLocale, requireId } from "~/modules/contacts/http.server";

export const meta: MetaFunction = () => [{ title: "Excluir persona · Master IA" }];

const confirmSchema = z.object({ confirm: z.literal("yes", { error: "aiBot.personas.confirmRequired" }) });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireSettingsManager(request);
  const persona = await findPersona(getDb(), org.id, requireId(params.personaId, "Persona not found"));
  if (!persona) notFound("Persona not found");
  return json({ persona: { id: persona.id, name: persona.name } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const personaId = requireId(params.personaId, "Persona not found");
  const parsed = confirmSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    if (!(await findPersona(getDb(), org.id, personaId))) notFound("Persona not found");
    return json({ errors: z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined> }, { status: 400 });
  }
  if (!(await deletePersona(getDb(), { orgId: org.id, userId: user.id, personaId }))) notFound("Persona not found");
  return redirectWithToast("/ai/personas", { kind: "success", message: translate(requestLocale(user, request), "aiBot.personas.deleted") });
}

export default function DeletePersonaPage() {
  const { persona } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-xl">
      <PageHeader title={`${t("aiBot.personas.delete")}: ${persona.name}`} />
      <ConfirmForm
        body={t("aiBot.personas.deleteHelp")}
        confirmLabel={t("aiBot.personas.deleteConfirm")}
        submitLabel={t("aiBot.personas.delete")}
        cancelHref={`/ai/personas/${persona.id}`}
        errors={actionData?.errors?.confirm}
      />
    </div>
  );
}
