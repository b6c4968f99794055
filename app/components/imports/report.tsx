import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { type MessageKey, useLocale, useT } from "~/lib/i18n";
import { Alert, Card } from "../ui/card";
import { ImportProgress } from "./status";

type Upload = {
  id: string;
  status: string;
  onExisting: string;
  totalRows: number;
  processedRows: number;
  createdCount: number;
  updatedCount: number;
  skippedCount: number;
  errorCount: number;
  failure: string | null;
  startedAt: string | null;
  finishedAt: string | null;
};
type Report = { errors: Array<{ rowNumber: number; message: string }>; tagNames: string[] } | null;

function Counters({ upload }: { upload: Upload }) {
  const t = useT();
  const number = new Intl.NumberFormat(useLocale());
  const counters: Array<[MessageKey, number, string]> = [
    ["imports.report.created", upload.createdCount, "created"],
    ["imports.report.updated", upload.updatedCount, "updated"],
    ["imports.report.skipped", upload.skippedCount, "skipped"],
    ["imports.report.errors", upload.errorCount, "errors"],
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {counters.map(([label, value, name]) => (
        <div key={name} className="rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
          <dt className="text-xs text-slate-500">{t(label)}</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid={`import-${name}`}>
            {number.format(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Live events drive the updates; this slow poll only covers one missed while the socket was
 * (re)connecting, since the bus delivers at most once.
 */
function useSafetyPoll(ms: number) {
  const revalidator = useRevalidator();
  const latest = useRef(revalidator);
  useEffect(() => {
    latest.current = revalidator;
  });
  useEffect(() => {
    const timer = setInterval(() => {
      if (latest.current.state === "idle") latest.current.revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [ms]);
}

/** While queued or running: the bar and the counters, refreshed live (JS) or by the page reloading itself (no JS). */
export function ImportProgressPanel({ upload }: { upload: Upload }) {
  const t = useT();
  useSafetyPoll(5_000);
  return (
    <Card className="space-y-4" aria-live="polite">
      <h2 className="font-medium">{upload.status === "queued" ? t("imports.progress.queued") : t("imports.progress.running")}</h2>
      <ImportProgress processed={upload.processedRows} total={upload.totalRows} label={t("imports.progress.label")} />
      <Counters upload={upload} />
    </Card>
  );
}

export function ImportReport({ upload, report }: { upload: Upload; report: Report }) {
  const t = useT();
  const locale = useLocale();
  const seconds = upload.startedAt && upload.finishedAt ? (Date.parse(upload.finishedAt) - Date.parse(upload.startedAt)) / 1000 : null;
  return (
    <Card className="space-y-4">
      <h2 className="font-medium">{t("imports.report.title")}</h2>
      {upload.status === "failed" ? <Alert kind="error">{upload.failure ?? t("common.error")}</Alert> : <Alert kind="success">{t("imports.report.done")}</Alert>}
      <Counters upload={upload} />
      <ul className="space-y-1 text-sm text-slate-600">
        <li>{t("imports.report.rows", { rows: new Intl.NumberFormat(locale).format(upload.processedRows) })}</li>
        {seconds !== null ? <li>{t("imports.report.duration", { seconds: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(seconds) })}</li> : null}
        <li>{t(upload.onExisting === "skip" ? "imports.mapping.existing.skip" : "imports.mapping.existing.update")}</li>
        {report?.tagNames.length ? <li>{t("imports.report.tags", { tags: report.tagNames.join(", ") })}</li> : null}
      </ul>
      {report?.errors.length ? (
        <div className="space-y-2">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="text-sm font-medium">{t("imports.report.errorList")}</h3>
            {/* A file download: a plain link, not a client-side navigation. */}
            <a href={`/imports/${upload.id}/errors.csv`} download className="text-sm font-medium text-brand-700 underline">
              {t("imports.report.downloadErrors")}
            </a>
          </div>
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-1 pr-4">{t("imports.errors.row")}</th>
                <th className="py-1">{t("imports.errors.message")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100" data-testid="import-error-rows">
              {report.errors.map((error) => (
                <tr key={error.rowNumber}>
                  <td className="py-1 pr-4 tabular-nums">{error.rowNumber}</td>
                  <td className="py-1">{error.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {upload.errorCount > report.errors.length ? <p className="text-xs text-slate-500">{t("imports.report.moreErrors", { count: upload.errorCount - report.errors.length })}</p> : null}
        </div>
      ) : null}
    </Card>
  );
}
