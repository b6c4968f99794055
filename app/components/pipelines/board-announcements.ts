import type { Announcements, UniqueIdentifier } from "@dnd-kit/core";
import type { MessageKey } from "~/lib/i18n";

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;
type Place = { stage: string; index: number; total: number };

/** What screen readers hear while a card is dragged, in the user's language. */
type Lookup = {
  title: (id: UniqueIdentifier) => string;
  /** Where the active card is, or would land when dropped on `overId`. */
  place: (activeId: UniqueIdentifier, overId?: UniqueIdentifier) => Place | null;
};

export function boardAnnouncements(t: Translate, lookup: Lookup): Announcements {
  const describe = (key: MessageKey, activeId: UniqueIdentifier, overId?: UniqueIdentifier) => {
    const place = lookup.place(activeId, overId);
    return place ? t(key, { title: lookup.title(activeId), stage: place.stage, position: place.index, total: place.total }) : undefined;
  };
  return {
    onDragStart: ({ active }) => describe("pipelines.dnd.picked", active.id),
    onDragOver: ({ active, over }) => (over ? describe("pipelines.dnd.over", active.id, over.id) : t("pipelines.dnd.outside", { title: lookup.title(active.id) })),
    onDragEnd: ({ active, over }) => (over ? describe("pipelines.dnd.dropped", active.id, over.id) : t("pipelines.dnd.cancelled", { title: lookup.title(active.id) })),
    onDragCancel: ({ active }) => t("pipelines.dnd.cancelled", { title: lookup.title(active.id) }),
  };
}
