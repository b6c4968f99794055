import { sql } from "kysely";
import type { Database } from "#db/index.js";

export const CARDS_PER_COLUMN = 25;

export type BoardCard = {
  id: string;
  title: string;
  valueCents: number;
  status: string;
  ownerName: string | null;
  contactName: string | null;
};

export type BoardColumn = { id: string; name: string; color: string; count: number; totalCents: number; cards: BoardCard[]; limit: number };

export type BoardFilter = {
  /** A member's id, or "none" for leads without an owner. */
  owner?: string;
  /** The column that shows `cards` cards instead of CARDS_PER_COLUMN ("show more"). */
  expand?: string;
  cards?: number;
};

/**
 * One pipeline's columns: every stage with its lead count and value total (under the filter) and the
 * first cards in board order. Three queries whatever the pipeline's size; each column's cards come
 * from the (stage_id, position) index.
 */
export async function loadBoard(db: Database, orgId: string, pipelineId: string, filter: BoardFilter = {}): Promise<BoardColumn[]> {
  const stages = await db.selectFrom("stages").select(["id", "name", "color"]).where("pipeline_id", "=", pipelineId).where("org_id", "=", orgId).orderBy("position").execute();
  if (stages.length === 0) return [];
  const limitFor = (stageId: string) => (stageId === filter.expand && filter.cards ? Math.max(filter.cards, CARDS_PER_COLUMN) : CARDS_PER_COLUMN);

  let totalsQuery = db
    .selectFrom("leads")
    .select((eb) => ["stage_id", eb.fn.countAll<number>().as("count"), sql<string>`coalesce(sum(value_cents), 0)`.as("total")])
    .where("org_id", "=", orgId)
    .where("pipeline_id", "=", pipelineId)
    .groupBy("stage_id");
  if (filter.owner) totalsQuery = filter.owner === "none" ? totalsQuery.where("owner_id", "is", null) : totalsQuery.where("owner_id", "=", filter.owner);

  const cardsQuery = db
    .selectFrom("stages")
    .innerJoinLateral(
      (eb) => {
        let leads = eb
          .selectFrom("leads")
          .leftJoin("contacts", "contacts.id", "leads.contact_id")
          .leftJoin("users", "users.id", "leads.owner_id")
          .select(["leads.id", "leads.title", "leads.value_cents", "leads.status", "leads.position", "users.name as owner_name", "contacts.name as contact_name"])
          .whereRef("leads.stage_id", "=", "stages.id")
          .where("leads.org_id", "=", orgId);
        if (filter.owner) leads = filter.owner === "none" ? leads.where("leads.owner_id", "is", null) : leads.where("leads.owner_id", "=", filter.owner);
        return leads
          .orderBy("leads.position")
          .limit(sql<number>`case when stages.id = ${filter.expand ?? null}::uuid then ${limitFor(filter.expand ?? "")}::int else ${CARDS_PER_COLUMN}::int end`)
          .as("card");
      },
      (join) => join.onTrue(),
    )
    .select(["stages.id as stage_id", "card.id", "card.title", "card.value_cents", "card.status", "card.owner_name", "card.contact_name"])
    .where("stages.pipeline_id", "=", pipelineId)
    .where("stages.org_id", "=", orgId)
    .orderBy("stages.id")
    .orderBy("card.position");

  const [totals, cards] = await Promise.all([totalsQuery.execute(), cardsQuery.execute()]);
  const totalsByStage = new Map(totals.map((row) => [row.stage_id, { count: Number(row.count), totalCents: Number(row.total) }]));
  const cardsByStage = new Map<string, BoardCard[]>();
  for (const card of cards) {
    const list = cardsByStage.get(card.stage_id) ?? [];
    list.push({ id: card.id, title: card.title, valueCents: Number(card.value_cents), status: card.status, ownerName: card.owner_name, contactName: card.contact_name });
    cardsByStage.set(card.stage_id, list);
  }
  return stages.map((stage) => ({
    ...stage,
    count: totalsByStage.get(stage.id)?.count ?? 0,
    totalCents: totalsByStage.get(stage.id)?.totalCents ?? 0,
    cards: cardsByStage.get(stage.id) ?? [],
    limit: limitFor(stage.id),
  }));
}
