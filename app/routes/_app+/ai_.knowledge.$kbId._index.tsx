import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { KbDocumentList } from "~/components/ai/kb-document-list";
import { KbSearchResults } from "~/components/ai/kb-search-results";
import { KbUploadForm } from "~/components/ai/kb-upload-form";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { FieldShell, InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { type MessageKey, negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { addTextDocument, addUrlDocument, deleteDocument, listDocuments, MAX_UPLOAD_BYTES, retryDocument } from "~/modules/ai/knowledge/documents.server";
import { requireKnowledgeBase } from "~/modules/ai/knowledge/kb-page.server";
import { kbDocumentActionSchema } from "~/modules/ai/knowledge/kb-schemas";
import { reembedStatus, updateKnowledgeBase } from "~/modules/ai/knowledge/knowledge-bases.server";
import { retrievePassages } from "~/modules/ai/knowledge/retrieve.server";
import { notFound, requireOrg, requireSettingsManager } from "~/modules/auth/guards.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.kb.name ?? ""} · Master IA` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const kb = await requireKnowledgeBase(db, org.id, params.kbId);
  const query = new URL(request.url).searchParams.get("q")?.trim().slice(0, 500) ?? "";
  const [documents, reembed, passages] = await Promise.all([
    listDocuments(db, org.id, kb.id),
    reembedStatus(db, kb),
    query ? retrievePassages(db, { orgId: org.id, knowledgeBaseIds: [kb.id], query, purpose: "kb.search" }) : Promise.resolve(null),
  ]);
  return json({ kb, documents, reembed, query, passages, canManage: permissions.manageSettings(role), maxUploadMb: MAX_UPLOAD_BYTES / 1024 / 1024 });
}

type FieldErrors = Record<string, string[] | undefined>;

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const db = getDb();
  const kb = await requireKnowledgeBase(db, org.id, params.kbId);
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const form = Object.fromEntries(await request.formData());
  const parsed = kbDocumentActionSchema.safeParse(form);
  if (!parsed.success) {
    return json({ intent: String(form.intent ?? ""), fieldErrors: z.flattenError(parsed.error).fieldErrors as FieldErrors }, { status: 400 });
  }
  const input = parsed.data;
  const owner = { orgId: org.id, kbId: kb.id, userId: user.id };
  const back = `/ai/knowledge/${kb.id}`;
  const toast = (message: Parameters<typeof translate>[1]) => redirectWithToast(back, { kind: "success", message: translate(locale, message) });

  switch (input.intent) {
    case "addText":
    case "addUrl": {
      const added =
        input.intent === "addText"
          ? await addTextDocument(db, owner, { title: input.title, text: input.text })
          : await addUrlDocument(db, owner, { title: input.title, url: input.url, allowPrivate: getEnv().KB_FETCH_ALLOW_PRIVATE });
      if (!added.ok) {
        const field = input.intent === "addText" ? "text" : "url";
        const message = translate(locale, `ai.kb.error.${added.error}` as MessageKey, { mb: MAX_UPLOAD_BYTES / 1024 / 1024 });
        return json({ intent: input.intent, fieldErrors: { [field]: [message] } as FieldErrors }, { status: 400 });
      }
      return toast(added.duplicate ? "ai.kb.duplicate" : "ai.kb.added");
    }
    case "update":
      await updateKnowledgeBase(db, org.id, kb.id, { name: input.name, description: input.description });
      return toast("ai.kb.updated");
    case "deleteDocument":
      if (!(await deleteDocument(db, org.id, kb.id, input.documentId))) notFound("Document not found");
      return toast("ai.kb.docDeleted");
    case "retryDocument":
      if (!(await retryDocument(db, org.id, kb.id, input.documentId))) return redirect(back);
      return toast("ai.kb.docRetried");
  }
}

export default function KnowledgeBasePage() {
  const { kb, documents, reembed, query, passages, canManage, maxUploadMb } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const errorText = useErrorText();
  const errorsFor = (intent: string) => (actionData?.intent === intent ? actionData.fieldErrors : {});
  const working = documents.some((doc) => doc.status === "queued" || doc.status === "processing") || reembed !== null;
  return (
    <div className="max-w-4xl space-y-4">
      {working ? (
        // Without JavaScript the page reloads itself while documents index; with it, live events revalidate instead.
        <noscript>
          <meta httpEquiv="refresh" content="3" />
        </noscript>
      ) : null}
      <PageHeader
        title={kb.name}
        description={kb.description || undefined}
        actions={
          <Link to="/ai/knowledge" className="text-sm font-medium text-brand-700 underline">
            {t("ai.kb.back")}
          </Link>
        }
      />
      <p className="text-xs text-slate-500">{t("ai.kb.model", { model: kb.embeddingModel })}</p>
      {reembed ? (
        <div data-testid="kb-reembed">
          <Alert>{t("ai.kb.reembedding", { model: kb.embeddingModel, done: reembed.onCurrentModel, total: reembed.total })}</Alert>
        </div>
      ) : null}
      {!canManage ? <p className="text-sm text-slate-600">{t("ai.kb.onlyAdmins")}</p> : null}

      <Card>
        <h2 className="mb-3 font-medium">{t("ai.kb.docs")}</h2>
        <KbDocumentList kbId={kb.id} documents={documents} canManage={canManage} />
      </Card>

      {canManage ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <Card>
            <h2 className="mb-3 font-medium">{t("ai.kb.addText")}</h2>
            <Form method="post" className="space-y-3" noValidate>
              <input type="hidden" name="intent" value="addText" />
              <InputField id="kb-text-title" name="title" required maxLength={300} label={t("ai.kb.docTitle")} errors={errorText(errorsFor("addText").title)} />
              <FieldShell id="kb-text" label={t("ai.kb.text")} errors={errorText(errorsFor("addText").text)}>
                <textarea
                  id="kb-text"
                  name="text"
                  rows={6}
                  required
                  aria-invalid={errorsFor("addText").text ? true : undefined}
                  aria-describedby={errorsFor("addText").text ? "kb-text-error" : undefined}
                  className="block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
                />
              </FieldShell>
              <Button type="submit">{t("ai.kb.add")}</Button>
            </Form>
          </Card>
          <div className="space-y-4">
            <Card>
              <h2 className="mb-3 font-medium">{t("ai.kb.addUpload")}</h2>
              <KbUploadForm kbId={kb.id} maxMb={maxUploadMb} />
            </Card>
            <Card>
              <h2 className="mb-3 font-medium">{t("ai.kb.addUrl")}</h2>
              <Form method="post" className="space-y-3" noValidate>
                <input type="hidden" name="intent" value="addUrl" />
                <InputField id="kb-url" name="url" type="url" required placeholder="https://" label={t("ai.kb.url")} hint={t("ai.kb.urlHint")} errors={errorText(errorsFor("addUrl").url)} />
                <InputField id="kb-url-title" name="title" maxLength={300} label={t("ai.kb.docTitleOptional")} errors={errorText(errorsFor("addUrl").title)} />
                <Button type="submit">{t("ai.kb.add")}</Button>
              </Form>
            </Card>
          </div>
        </div>
      ) : null}

      <Card>
        <h2 className="mb-1 font-medium">{t("ai.kb.search")}</h2>
        <p className="mb-3 text-sm text-slate-600">{t("ai.kb.searchHint")}</p>
        <Form method="get" className="flex flex-wrap gap-2" role="search">
          <label htmlFor="kb-search" className="sr-only">
            {t("ai.kb.search")}
          </label>
          <input
            id="kb-search"
            name="q"
            type="search"
            defaultValue={query}
            className="min-w-0 flex-1 rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
          />
          <Button type="submit" variant="secondary">
            {t("ai.kb.searchButton")}
          </Button>
        </Form>
        {passages ? <KbSearchResults kbId={kb.id} passages={passages} /> : null}
      </Card>

      {canManage ? (
        <Card className="space-y-4">
          <h2 className="font-medium">{t("ai.kb.edit")}</h2>
          <Form method="post" className="max-w-lg space-y-3" noValidate>
            <input type="hidden" name="intent" value="update" />
            <InputField id="kb-edit-name" name="name" required maxLength={120} defaultValue={kb.name} label={t("ai.kb.name")} errors={errorText(errorsFor("update").name)} />
            <InputField
              id="kb-edit-description"
              name="description"
              maxLength={500}
              defaultValue={kb.description}
              label={t("ai.kb.descriptionField")}
              errors={errorText(errorsFor("update").description)}
            />
            <Button type="submit" variant="secondary">
              {t("ai.kb.save")}
            </Button>
          </Form>
          <Link to={`/ai/knowledge/${kb.id}/delete`} className="inline-block text-sm font-medium text-red-700 underline">
            {t("ai.kb.delete")}
          </Link>
        </Card>
      ) : null}
    </div>
  );
}
