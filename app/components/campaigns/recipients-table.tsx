import { Form, Link } from "@remix-run/react";
import { type MessageKey, useLocale, useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { Card } from "../ui/card";

export type RecipientView = {
  id: string;
  contactId: string | null;
  contactName: string | null;
  phone: string | null;
  status: string;
  skipReason: string | null;
  errorCode: string | null;
  explanation: string | null;
  retryable: boolean | null;
  sentAt: string | null;
};

type Props = {
  recipients: RecipientView[];
  nextAfter: string | null;
  filter: { status?: string; skipReason?: string; errorCode?: string };
  statuses: readonly string[];
  skipReasons: readonly string[];
  errorCodes: string[];
  timezone: string;
};

const statusStyles: Record<string, string> = {
  failed: "text-red-700",
  skipped: "text-slate-500",
  cancelled: "text-slate-500",
  read: "text-emerald-700",
  delivered: "text-emerald-700",
};

export function RecipientsTable({ recipients, nextAfter, filter, statuses, skipReasons, errorCodes, timezone }: Props) {
  const t = useT();
  const locale = useLocale();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short", timeZone: timezone });
  const select = "rounded-md py-1.5 pl-2 pr-8 text-sm ring-1 ring-inset ring-slate-300";
  const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => Boolean(entry[1])));
  if (nextAfter) query.set("after", nextAfter);
  return (
    <Card className="space-y-4">
      <h2 className="font-medium">{t("campaigns.recipients.title")}</h2>
      <Form method="get" className="flex flex-wrap items-end gap-3" preventScrollReset>
        <label className="text-sm">
          <span className="block text-xs text-slate-500">{t("campaigns.recipients.status")}</span>
          <select name="status" defaultValue={filter.status ?? ""} className={select}>
            <option value="">{t("campaigns.recipients.any")}</option>
            {statuses.map((status) => (
              <option key={status} value={status}>
                {t(`campaigns.counter.${status}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-xs text-slate-500">{t("campaigns.recipients.skipReason")}</span>
          <select name="skipReason" defaultValue={filter.skipReason ?? ""} className={select}>
            <option value="">{t("campaigns.recipients.any")}</option>
            {skipReasons.map((reason) => (
              <option key={reason} value={reason}>
                {t(`campaigns.skip.${reason}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-xs text-slate-500">{t("campaigns.recipients.errorCode")}</span>
          <select name="errorCode" defaultValue={filter.errorCode ?? ""} className={select}>
            <option value="">{t("campaigns.recipients.any")}</option>
            {errorCodes.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" variant="secondary" size="sm">
          {t("campaigns.recipients.filter")}
        </Button>
      </Form>
      {recipients.length === 0 ? (
        <p className="text-sm text-slate-600">{t("campaigns.recipients.empty")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2 pr-4">{t("campaigns.recipients.contact")}</th>
                <th className="py-2 pr-4">{t("campaigns.recipients.status")}</th>
                <th className="py-2">{t("campaigns.recipients.detail")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {recipients.map((recipient) => (
                <tr key={recipient.id} data-testid="recipient-row" data-status={recipient.status}>
                  <td className="py-2 pr-4">
                    {recipient.contactId ? (
                      <Link to={`/contacts/${recipient.contactId}`} className="font-medium text-brand-700 underline">
                        {recipient.contactName || recipient.phone || "—"}
                      </Link>
                    ) : (
                      <span>{recipient.phone ?? "—"}</span>
                    )}
                    {recipient.contactName && recipient.phone ? <span className="block text-xs text-slate-500">{recipient.phone}</span> : null}
                  </td>
                  <td className={`py-2 pr-4 ${statusStyles[recipient.status] ?? ""}`}>
                    {t(`campaigns.counter.${recipient.status}` as MessageKey)}
                    {recipient.sentAt ? <span className="block text-xs text-slate-500">{date.format(new Date(recipient.sentAt))}</span> : null}
                  </td>
                  <td className="py-2 text-slate-700">
                    {recipient.skipReason ? t(`campaigns.skip.${recipient.skipReason}` as MessageKey) : null}
                    {recipient.errorCode || recipient.explanation ? (
                      <span>
                        {recipient.errorCode ? <code className="mr-1 rounded bg-slate-100 px-1 text-xs">{recipient.errorCode}</code> : null}
                        {recipient.explanation}
                        {recipient.status === "failed" && recipient.retryable ? <span className="block text-xs text-slate-500">{t("campaigns.recipients.retryable")}</span> : null}
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextAfter ? (
        <Link to={`?${query}`} preventScrollReset className="inline-block text-sm font-medium text-brand-700 underline">
          {t("campaigns.recipients.next")}
        </Link>
      ) : null}
    </Card>
  );
}
