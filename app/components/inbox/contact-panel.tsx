import { Link } from "@remix-run/react";
import { type MessageKey, useLocale, useT } from "~/lib/i18n";

type Props = {
  contact: { id: string; name: string; phone: string | null; optedOut: boolean };
  channel: { name: string; kind: string };
  tags: Array<{ id: string; name: string; color: string }>;
  leads: Array<{ id: string; title: string; status: string; valueCents: number; pipelineName: string; stageName: string }>;
  currency: string;
};

/** Who this is in the CRM: tags and open deals, with a way to the full contact. */
export function ContactPanel({ contact, channel, tags, leads, currency }: Props) {
  const t = useT();
  const locale = useLocale();
  const money = new Intl.NumberFormat(locale, { style: "currency", currency });
  return (
    <div className="space-y-4 p-4 text-sm" data-testid="contact-panel">
      <div>
        <p className="font-semibold">{contact.name || contact.phone || t("inbox.unknownContact")}</p>
        {contact.phone ? <p className="text-slate-600">{contact.phone}</p> : null}
        <p className="text-xs text-slate-500">
          {channel.name} · {t(`channels.kind.${channel.kind}` as MessageKey)}
        </p>
        {contact.optedOut ? <p className="mt-1 text-xs font-medium text-red-700">{t("inbox.optedOut")}</p> : null}
        <Link to={`/contacts/${contact.id}`} className="mt-2 inline-block font-medium text-brand-700 underline">
          {t("inbox.openContact")}
        </Link>
      </div>
      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">{t("inbox.tags")}</h3>
        {tags.length === 0 ? (
          <p className="text-slate-500">—</p>
        ) : (
          <ul className="flex flex-wrap gap-1">
            {tags.map((tag) => (
              <li key={tag.id} className="rounded-full px-2 py-0.5 text-xs ring-1 ring-slate-200" style={{ borderLeft: `4px solid ${tag.color}` }}>
                {tag.name}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">{t("inbox.leads")}</h3>
        {leads.length === 0 ? (
          <p className="text-slate-500">—</p>
        ) : (
          <ul className="space-y-2">
            {leads.map((lead) => (
              <li key={lead.id}>
                <Link to={`/leads/${lead.id}`} className="font-medium text-brand-800 underline-offset-2 hover:underline">
                  {lead.title}
                </Link>
                <p className="text-xs text-slate-600">
                  {lead.pipelineName} → {lead.stageName} · {money.format(lead.valueCents / 100)}
                  {lead.status !== "open" ? ` · ${lead.status}` : ""}
                </p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
