import { Link } from "@remix-run/react";
import { useLocale, useT } from "~/lib/i18n";

type Passage = { chunkId: string; documentId: string; documentTitle: string; position: number; heading: string | null; content: string; vectorScore: number };

/** What the bot would receive for a question: each passage with its source and similarity. */
export function KbSearchResults({ kbId, passages }: { kbId: string; passages: Passage[] }) {
  const t = useT();
  const number = new Intl.NumberFormat(useLocale(), { maximumFractionDigits: 2 });
  if (passages.length === 0) return <p className="mt-3 text-sm text-slate-600">{t("ai.kb.noResults")}</p>;
  return (
    <ol className="mt-3 space-y-3" data-testid="kb-search-results">
      {passages.map((passage) => (
        <li key={passage.chunkId} className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
          <p className="mb-1 text-xs text-slate-500">
            <Link to={`/ai/knowledge/${kbId}/documents/${passage.documentId}#chunk-${passage.position}`} className="font-medium text-brand-700 underline">
              {passage.documentTitle}
            </Link>
            {passage.heading ? ` › ${passage.heading}` : ""} · {t("ai.kb.chunkPosition", { n: passage.position + 1 })} · {t("ai.kb.similarity", { value: number.format(passage.vectorScore) })}
          </p>
          <p className="whitespace-pre-line text-sm text-slate-800">{passage.content}</p>
        </li>
      ))}
    </ol>
  );
}
