import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { KbUploadForm } from "~/components/ai/kb-upload-form";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { addUploadedDocument, MAX_UPLOAD_BYTES } from "~/modules/ai/knowledge/documents.server";
import { requireKnowledgeBase } from "~/modules/ai/knowledge/kb-page.server";
import { uploadTitleSchema } from "~/modules/ai/knowledge/kb-schemas";
import { requireSettingsManager } from "~/modules/auth/guards.server";

export const meta: MetaFunction = () => [{ title: "Enviar arquivo · Master IA" }];

const MAX_MB = MAX_UPLOAD_BYTES / 1024 / 1024;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireSettingsManager(request);
  const kb = await requireKnowledgeBase(getDb(), org.id, params.kbId);
  return json({ kb: { id: kb.id, name: kb.name } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const db = getDb();
  const kb = await requireKnowledgeBase(db, org.id, params.kbId);
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const fail = (field: "file" | "title", key: MessageKey) => json({ fieldErrors: { [field]: [translate(locale, key, { mb: MAX_MB })] } as Record<string, string[] | undefined> }, { status: 400 });

  if (!(request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) return fail("file", "ai.kb.error.missing");
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return fail("file", "ai.kb.error.too_large");
    throw error;
  }
  const file = form.get("file");
  if (!(file instanceof File) || !file.name) return fail("file", "ai.kb.error.missing");
  const title = uploadTitleSchema.safeParse(form.get("title") ?? undefined);
  if (!title.success) return fail("title", "validation.tooLong");
  const added = await addUploadedDocument(db, { orgId: org.id, kbId: kb.id, userId: user.id }, { title: title.data, filename: file.name, mime: file.type || null, bytes: new Uint8Array(await file.arrayBuffer()) });
  if (!added.ok) return fail("file", `ai.kb.error.${added.error}` as MessageKey);
  return redirectWithToast(`/ai/knowledge/${kb.id}`, { kind: "success", message: translate(locale, "ai.kb.added") });
}

export default function KbUploadPage() {
  const { kb } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-xl space-y-4">
      <PageHeader
        title={t("ai.kb.addUpload")}
        description={kb.name}
        actions={
          <Link to={`/ai/knowledge/${kb.id}`} className="text-sm font-medium text-brand-700 underline">
            {kb.name}
          </Link>
        }
      />
      <Card>
        <KbUploadForm kbId={kb.id} maxMb={MAX_MB} errors={actionData?.fieldErrors} />
      </Card>
    </div>
  );
}
