import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { type MessageKey, useT } from "~/lib/i18n";
import { findDocument, listDocumentChunks } from "~/modules/ai/knowledge/documents.server";
import { parseUuidParam, requireKnowledgeBase } from "~/modules/ai/knowledge/kb-page.server";
import { notFound, requireOrg } from "~/modules/auth/guards.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.document.title ?? ""} · Master IA` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireOrg(request);
  const db = getDb();
  const kb = await requireKnowledgeBase(db, org.id, params.kbId);
  const document = (await findDocument(db, org.id, kb.id, parseUuidParam(params.documentId, "Document"))) ?? notFound("Document not found");
  const chunks = await listDocumentChunks(db, org.id, document.id);
  return json({ kb: { id: kb.id, name: kb.name }, document, chunks });
}

/** A document's passages in order: what "source: <title>, passage n" under a bot answer points to. */
export default function KbDocumentPage() {
  const { kb, document, chunks } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="max-w-3xl space-y-4">
      {document.status === "queued" || document.status === "processing" ? (
        <noscript>
          <meta httpEquiv="refresh" content="3" />
        </noscript>
      ) : null}
      <PageHeader
        title={document.title}
        description={`${t(`ai.kb.source.${document.sourceKind}` as MessageKey)} · ${t(`ai.kb.status.${document.status}` as MessageKey)}`}
        actions={
          <Link to={`/ai/knowledge/${kb.id}`} className="text-sm font-medium text-brand-700 underline">
            {kb.name}
          </Link>
        }
      />
      {document.sourceKind === "url" && document.sourceRef ? <p className="break-all text-xs text-slate-500">{document.sourceRef}</p> : null}
      {document.error ? <p className="text-sm text-red-700">{document.error}</p> : null}
      <Card>
        <h2 className="mb-3 font-medium">{t("ai.kb.docChunks")}</h2>
        <ol className="space-y-3" data-testid="kb-chunks">
          {chunks.map((chunk) => (
            <li key={chunk.id} id={`chunk-${chunk.position}`} className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
              <p className="mb-1 text-xs text-slate-500">
                {t("ai.kb.chunkPosition", { n: chunk.position + 1 })}
                {chunk.heading ? ` · ${chunk.heading}` : ""}
              </p>
              <p className="whitespace-pre-line text-sm text-slate-800">{chunk.content}</p>
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
