import { type MessageKey, useLocale, useT } from "~/lib/i18n";

export type HistoryEvent = {
  id: number;
  type: string;
  fromStage: string | null;
  toStage: string | null;
  actorType: string;
  actorName: string | null;
  reason: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
};

// Reasons the system writes itself are stored in English and shown translated; people's and the AI's are shown as written.
const KNOWN_REASONS: Record<string, MessageKey> = { "stage deleted": "pipelines.reason.stageDeleted" };
const FIELD_KEYS: Record<string, MessageKey> = {
  title: "pipelines.lead.title",
  contactId: "pipelines.lead.contact",
  valueCents: "pipelines.lead.value",
  ownerId: "pipelines.lead.owner",
  notes: "pipelines.lead.notes",
};

/** A lead's history: what changed (from → to), who did it (a person, the AI, an automation, the API), why and when. */
export function LeadHistory({ events }: { events: HistoryEvent[] }) {
  const t = useT();
  const date = new Intl.DateTimeFormat(useLocale(), { dateStyle: "short", timeStyle: "short" });
  if (events.length === 0) return <p className="text-sm text-slate-600">{t("pipelines.history.empty")}</p>;

  const stage = (name: string | null) => name ?? t("pipelines.history.deletedStage");
  const status = (value: unknown) => t(`pipelines.status.${typeof value === "string" ? value : "open"}` as MessageKey);
  const what = (event: HistoryEvent) => {
    switch (event.type) {
      case "created":
        return t("pipelines.history.created", { stage: stage(event.toStage) });
      case "moved":
        return t("pipelines.history.moved", { from: stage(event.fromStage), to: stage(event.toStage) });
      case "status_changed":
        return t("pipelines.history.status", { from: status(event.metadata.from), to: status(event.metadata.to) });
      default: {
        const fields = Array.isArray(event.metadata.fields) ? (event.metadata.fields as string[]) : [];
        return t("pipelines.history.updated", { fields: fields.map((field) => (FIELD_KEYS[field] ? t(FIELD_KEYS[field]) : field)).join(", ") });
      }
    }
  };
  const who = (event: HistoryEvent) =>
    event.actorType === "user" ? (event.actorName ?? t("pipelines.actor.formerUser")) : t(`pipelines.actor.${event.actorType}` as MessageKey);

  return (
    <ol className="space-y-3" data-testid="lead-history">
      {events.map((event) => (
        <li key={event.id} className="border-l-2 border-slate-200 pl-3 text-sm" data-testid="history-entry" data-type={event.type}>
          <p className="font-medium text-slate-900">{what(event)}</p>
          <p className="text-xs text-slate-600">
            {who(event)} · <time dateTime={event.createdAt}>{date.format(new Date(event.createdAt))}</time>
          </p>
          {event.reason ? <p className="mt-0.5 text-xs italic text-slate-600">{KNOWN_REASONS[event.reason] ? t(KNOWN_REASONS[event.reason]!) : event.reason}</p> : null}
        </li>
      ))}
    </ol>
  );
}
