import { Form, Link } from "@remix-run/react";
import { type MessageKey, useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";

type DocumentRow = {
  id: string;
  title: string;
  sourceKind: string;
  sourceRef: string | null;
  status: string;
  progress: number;
  chunkCount: number;
  error: string | null;
};

const STATUS_STYLES: Record<string, string> = {
  queued: "bg-slate-100 text-slate-700",
  processing: "bg-amber-50 text-amber-900",
  ready: "bg-emerald-50 text-emerald-900",
  failed: "bg-red-50 text-red-900",
};

/** Each document with its indexing status; progress bars move with live events (or the no-JS refresh). */
export function KbDocumentList({ kbId, documents, canManage }: { kbId: string; documents: DocumentRow[]; canManage: boolean }) {
  const t = useT();
  if (documents.length === 0) return <p className="text-sm text-slate-600">{t("ai.kb.noDocs")}</p>;
  return (
    <ul className="divide-y divide-slate-100" data-testid="kb-documents">
      {documents.map((doc) => (
        <li key={doc.id} className="space-y-1 py-3" data-testid="kb-document" data-status={doc.status}>
          <div className="flex flex-wrap items-center gap-2">
            <Link to={`/ai/knowledge/${kbId}/documents/${doc.id}`} className="min-w-0 break-words font-medium text-brand-700 underline-offset-2 hover:underline">
              {doc.title}
            </Link>
            <span className="text-xs text-slate-500">{t(`ai.kb.source.${doc.sourceKind}` as MessageKey)}</span>
            <span className={cn("rounded-full px-2 py-0.5 text-xs font-medium", STATUS_STYLES[doc.status])}>{t(`ai.kb.status.${doc.status}` as MessageKey)}</span>
            {doc.status === "ready" ? <span className="text-xs text-slate-500">{t("ai.kb.chunks", { count: doc.chunkCount })}</span> : null}
            {canManage ? (
              <div className="ml-auto flex gap-2">
                {doc.status === "failed" ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="retryDocument" />
                    <input type="hidden" name="documentId" value={doc.id} />
                    <Button type="submit" size="sm" variant="secondary">
                      {t("ai.kb.retryDoc")}
                    </Button>
                  </Form>
                ) : null}
                <Form method="post">
                  <input type="hidden" name="intent" value="deleteDocument" />
                  <input type="hidden" name="documentId" value={doc.id} />
                  <Button type="submit" size="sm" variant="danger">
                    {t("ai.kb.deleteDoc")}
                  </Button>
                </Form>
              </div>
            ) : null}
          </div>
          {doc.status === "queued" || doc.status === "processing" ? (
            <div className="h-1.5 max-w-sm overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-valuenow={doc.progress} aria-valuemin={0} aria-valuemax={100} aria-label={doc.title}>
              <div className="h-full bg-brand-600 transition-all" style={{ width: `${doc.progress}%` }} />
            </div>
          ) : null}
          {doc.status === "failed" && doc.error ? <p className="text-sm text-red-700">{doc.error}</p> : null}
          {doc.sourceKind === "url" && doc.sourceRef ? <p className="truncate text-xs text-slate-500">{doc.sourceRef}</p> : null}
        </li>
      ))}
    </ul>
  );
}
