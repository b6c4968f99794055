import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AiModeBadge, toModeView } from "~/components/ai/ai-mode-badge";
import { Button } from "~/components/ui/button";
import { Alert, Card } from "~/components/ui/card";
import { InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { testAiConnection } from "~/modules/ai/connection-test.server";
import { reembedStaleKnowledgeBases } from "~/modules/ai/knowledge/knowledge-bases.server";
import { getAiMode } from "~/modules/ai/runtime.server";
import { aiSettingsSchema, formatBudget } from "~/modules/ai/settings-schema";
import { getAiSettings, saveAiSettings } from "~/modules/ai/settings.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { requireSettingsManager } from "~/modules/auth/guards.server";

export const meta: MetaFunction = () => [{ title: "IA · Master IA" }];

type FieldErrors = Record<string, string[] | undefined>;
type ActionData = { intent: "save"; fieldErrors: FieldErrors } | { intent: "test"; ok: boolean; message: string };

export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireSettingsManager(request);
  const db = getDb();
  const [settings, mode] = await Promise.all([getAiSettings(db, org.id), getAiMode(db, org.id)]);
  return json({ settings: { ...settings, budget: formatBudget(settings.monthlyBudgetMicros) }, mode: toModeView(mode) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const db = getDb();
  const form = await request.formData();
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));

  if (form.get("intent") === "test") {
    const result = await testAiConnection(db, org.id);
    const message = result.ok
      ? translate(locale, "ai.settings.testOk", { model: result.model, ms: result.latencyMs })
      : result.offline
        ? translate(locale, "ai.settings.testOffline")
        : translate(locale, "ai.settings.testFailed", { message: result.message });
    return json<ActionData>({ intent: "test", ok: result.ok, message });
  }

  const parsed = aiSettingsSchema.safeParse(Object.fromEntries([...form.entries()].filter(([, value]) => typeof value === "string")));
  if (!parsed.success) return json<ActionData>({ intent: "save", fieldErrors: z.flattenError(parsed.error).fieldErrors }, { status: 400 });
  const value = parsed.data;
  await saveAiSettings(db, org.id, user.id, {
    baseUrl: value.baseUrl ?? null,
    apiKey: value.apiKey,
    removeApiKey: value.removeApiKey === "on",
    chatModel: value.chatModel,
    embeddingModel: value.embeddingModel,
    monthlyBudgetMicros: value.monthlyBudget ?? null,
  });
  await recordAudit(db, {
    orgId: org.id,
    actor: { type: "user", id: user.id },
    action: "ai.settingsUpdated",
    // Never the key itself: only whether it changed.
    metadata: { baseUrl: value.baseUrl ?? null, chatModel: value.chatModel, embeddingModel: value.embeddingModel, monthlyBudgetMicros: value.monthlyBudget ?? null, keyChanged: Boolean(value.apiKey) || value.removeApiKey === "on" },
  });
  const reembedding = await reembedStaleKnowledgeBases(db, org.id);
  return redirectWithToast("/settings/ai", {
    kind: "success",
    message: reembedding > 0 ? translate(locale, "ai.settings.savedReembed", { count: reembedding }) : translate(locale, "ai.settings.saved"),
  });
}

export default function AiSettingsPage() {
  const { settings, mode } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const errorText = useErrorText();
  const fieldErrors = actionData?.intent === "save" ? actionData.fieldErrors : {};
  const testing = navigation.state !== "idle" && navigation.formData?.get("intent") === "test";
  return (
    <>
      <Card className="space-y-3">
        <h2 className="font-medium">{t("ai.settings.title")}</h2>
        <p className="text-sm text-slate-600">{t("ai.settings.description")}</p>
        <AiModeBadge mode={mode} detailed />
        <Form method="post" className="flex flex-wrap items-center gap-3">
          <input type="hidden" name="intent" value="test" />
          <Button type="submit" variant="secondary" size="sm" disabled={testing}>
            {t("ai.settings.test")}
          </Button>
          <span className="text-xs text-slate-500">{t("ai.settings.testHint")}</span>
        </Form>
        {actionData?.intent === "test" ? (
          <div data-testid="ai-test-result">
            <Alert kind={actionData.ok ? "success" : "error"}>{actionData.message}</Alert>
          </div>
        ) : null}
      </Card>
      <Card>
        <Form method="post" className="max-w-lg space-y-4" noValidate>
          <input type="hidden" name="intent" value="save" />
          <InputField
            id="ai-base-url"
            name="baseUrl"
            type="url"
            defaultValue={settings.baseUrl ?? ""}
            placeholder="https://api.openai.com/v1"
            label={t("ai.settings.baseUrl")}
            hint={t("ai.settings.baseUrlHint")}
            errors={errorText(fieldErrors.baseUrl)}
          />
          <div className="space-y-2">
            <InputField
              id="ai-api-key"
              name="apiKey"
              type="password"
              autoComplete="off"
              placeholder={settings.apiKeyHint ? `…${settings.apiKeyHint}` : "sk-…"}
              label={t("ai.settings.apiKey")}
              hint={t("ai.settings.apiKeyHint")}
              errors={errorText(fieldErrors.apiKey)}
            />
            {settings.hasApiKey ? (
              <div className="space-y-1 text-sm">
                <p className="text-slate-600" data-testid="ai-key-stored">
                  {t("ai.settings.apiKeyStored", { hint: settings.apiKeyHint ?? "" })}
                </p>
                <label className="flex items-center gap-2">
                  <input type="checkbox" name="removeApiKey" className="h-4 w-4 rounded border-slate-300" />
                  {t("ai.settings.removeKey")}
                </label>
              </div>
            ) : null}
          </div>
          <InputField id="ai-chat-model" name="chatModel" required defaultValue={settings.chatModel} label={t("ai.settings.chatModel")} errors={errorText(fieldErrors.chatModel)} />
          <InputField
            id="ai-embedding-model"
            name="embeddingModel"
            required
            defaultValue={settings.embeddingModel}
            label={t("ai.settings.embeddingModel")}
            hint={t("ai.settings.embeddingModelHint")}
            errors={errorText(fieldErrors.embeddingModel)}
          />
          <InputField
            id="ai-budget"
            name="monthlyBudget"
            inputMode="decimal"
            defaultValue={settings.budget}
            placeholder="25.00"
            label={t("ai.settings.budget")}
            hint={t("ai.settings.budgetHint")}
            errors={errorText(fieldErrors.monthlyBudget)}
          />
          <Button type="submit">{t("common.save")}</Button>
        </Form>
      </Card>
    </>
  );
}
