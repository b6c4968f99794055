import type { Transaction } from "kysely";
import type { Database, DB } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { recordAudit } from "../audit/audit.server";
import { enrollOnStageEntered, exitOnLeadClosed } from "../cadences/enrollments.server";
import { withPositionRetry } from "./positions.server";
import type { ActorType, LeadStatus } from "./schemas";

export type Actor = { type: ActorType; id?: string | null };
const POSITION_KEY = "leads_stage_position_key";

type Trx = Transaction<DB>;

function eventActor(actor: Actor) {
  return { actor_type: actor.type, actor_id: actor.id ?? null };
}

/** Tells other browsers showing this pipeline to refetch. Only ids travel. */
function announce(orgId: string, ids: { leadId: string; pipelineId: string; stageId: string }) {
  return publishLiveEvent({ orgId, type: LiveEventTypes.leadStageChanged, ids });
}

/** Where a lead goes in a stage, read from the rows as they are now (the lead itself excluded). */
async function neighbourKeys(
  trx: Trx,
  input: { stageId: string; leadId: string; afterLeadId?: string; beforeLeadId?: string; placement?: "top" | "bottom" },
): Promise<{ lower: string | null; upper: string | null }> {
  const inStage = () => trx.selectFrom("leads").select("position").where("stage_id", "=", input.stageId).where("id", "!=", input.leadId);
  // A neighbour that left the stage (or never was in it) is ignored: fall through to the next hint.
  if (input.afterLeadId) {
    const anchor = await inStage().where("id", "=", input.afterLeadId).executeTakeFirst();
    if (anchor) {
      const next = await inStage().where("position", ">", anchor.position).orderBy("position").limit(1).executeTakeFirst();
      return { lower: anchor.position, upper: next?.position ?? null };
    }
  }
  if (input.beforeLeadId) {
    const anchor = await inStage().where("id", "=", input.beforeLeadId).executeTakeFirst();
    if (anchor) {
      const previous = await inStage().where("position", "<", anchor.position).orderBy("position", "desc").limit(1).executeTakeFirst();
      return { lower: previous?.position ?? null, upper: anchor.position };
    }
  }
  if (input.placement === "top") {
    const first = await inStage().orderBy("position").limit(1).executeTakeFirst();
    return { lower: null, upper: first?.position ?? null };
  }
  const last = await inStage().orderBy("position", "desc").limit(1).executeTakeFirst();
  return { lower: last?.position ?? null, upper: null };
}

/** The stage, share-locked so it cannot be deleted under this transaction. */
async function lockStage(trx: Trx, orgId: string, stageId: string) {
  return trx.selectFrom("stages").select(["id", "name", "pipeline_id"]).where("id", "=", stageId).where("org_id", "=", orgId).forKeyShare().executeTakeFirst();
}

export type MoveLeadInput = {
  orgId: string;
  leadId: string;
  toStageId: string;
  /** Put the lead just above this lead (used when `afterLeadId` is missing or no longer in the stage). */
  beforeLeadId?: string;
  /** Put the lead just below this lead. */
  afterLeadId?: string;
  /** Without (usable) neighbours: top or bottom of the stage; bottom by default. */
  placement?: "top" | "bottom";
  actor: Actor;
  reason?: string;
};

export type MoveLeadResult =
  | { ok: true; changed: boolean; stageChanged: boolean; lead: { id: string; pipelineId: string; stageId: string; position: string; version: number }; fromStageId: string }
  | { ok: false; reason: "lead_not_found" | "stage_not_found" };

/**
 * Moves a lead to a stage (any pipeline of the organization), next to the given neighbours as they are
 * now in the database; stale neighbours never make it fail. Concurrent moves of the same lead queue on
 * its row lock, so each one starts from the other's result and both are recorded. A stage change
 * writes a `moved` history entry; reordering inside a stage does not. Shared by the board, the API,
 * automations and the AI.
 *
 * When `db` is already a transaction the caller must publish the live event after committing (see
 * `announceLeadMove`); otherwise it is published here.
 */
export async function moveLead(db: Database, input: MoveLeadInput): Promise<MoveLeadResult> {
  const result = await inTransaction(db, (trx) => moveInTransaction(trx, input));
  if (result.ok && result.changed && !db.isTransaction) await announceLeadMove(input.orgId, result);
  return result;
}

export function announceLeadMove(orgId: string, result: Extract<MoveLeadResult, { ok: true }>) {
  return announce(orgId, { leadId: result.lead.id, pipelineId: result.lead.pipelineId, stageId: result.lead.stageId });
}

async function moveInTransaction(trx: Trx, input: MoveLeadInput): Promise<MoveLeadResult> {
  // Stage before lead: the same lock order as deleteStage, so the two cannot deadlock.
  const stage = await lockStage(trx, input.orgId, input.toStageId);
  if (!stage) return { ok: false, reason: "stage_not_found" };
  const lead = await trx
    .selectFrom("leads")
    .select(["id", "stage_id", "pipeline_id", "position", "version", "contact_id"])
    .where("id", "=", input.leadId)
    .where("org_id", "=", input.orgId)
    .forUpdate()
    .executeTakeFirst();
  if (!lead) return { ok: false, reason: "lead_not_found" };

  const moved = await withPositionRetry(trx, POSITION_KEY, async (pickKey) => {
    const { lower, upper } = await neighbourKeys(trx, { ...input, stageId: stage.id });
    const alreadyThere = lead.stage_id === stage.id && (lower === null || lower < lead.position) && (upper === null || lead.position < upper);
    if (alreadyThere) return undefined;
    return trx
      .updateTable("leads")
      .set((eb) => ({ stage_id: stage.id, pipeline_id: stage.pipeline_id, position: pickKey(lower, upper), version: eb("version", "+", 1), updated_at: new Date() }))
      .where("id", "=", lead.id)
      .returning(["position", "version"])
      .executeTakeFirstOrThrow();
  });
  const stageChanged = Boolean(moved) && lead.stage_id !== stage.id;
  if (stageChanged) {
    const from = await trx.selectFrom("stages").select("name").where("id", "=", lead.stage_id).executeTakeFirst();
    await trx
      .insertInto("lead_events")
      .values({
        org_id: input.orgId,
        lead_id: lead.id,
        type: "moved",
        from_stage_id: lead.stage_id,
        to_stage_id: stage.id,
        ...eventActor(input.actor),
        reason: input.reason ?? null,
        metadata: JSON.stringify({ fromStageName: from?.name ?? null, toStageName: stage.name }),
      })
      .execute();
    await enrollOnStageEntered(trx, input.orgId, { id: lead.id, contactId: lead.contact_id, stageId: stage.id });
  }
  return {
    ok: true,
    changed: Boolean(moved),
    stageChanged,
    fromStageId: lead.stage_id,
    lead: { id: lead.id, pipelineId: stage.pipeline_id, stageId: stage.id, position: moved?.position ?? lead.position, version: moved?.version ?? lead.version },
  };
}

export type LeadInput = { title: string; contactId?: string; valueCents: number; ownerId?: string; notes: string };
type Refusal = { ok: false; reason: "not_found" | "contact_not_found" | "owner_not_found" | "stale" };

/** Contact and owner must belong to the organization; ids from elsewhere read as missing. */
async function checkReferences(trx: Trx, orgId: string, input: LeadInput): Promise<Refusal | undefined> {
  if (input.contactId) {
    const contact = await trx.selectFrom("contacts").select("id").where("id", "=", input.contactId).where("org_id", "=", orgId).executeTakeFirst();
    if (!contact) return { ok: false, reason: "contact_not_found" };
  }
  if (input.ownerId) {
    const member = await trx.selectFrom("memberships").select("user_id").where("user_id", "=", input.ownerId).where("org_id", "=", orgId).executeTakeFirst();
    if (!member) return { ok: false, reason: "owner_not_found" };
  }
  return undefined;
}

/** A new open lead at the top of its stage. */
export async function createLead(
  db: Database,
  input: LeadInput & { orgId: string; pipelineId: string; stageId: string; actor: Actor },
): Promise<{ ok: true; leadId: string } | Refusal> {
  const result = await inTransaction(db, async (trx): Promise<{ ok: true; leadId: string; stageId: string } | Refusal> => {
    const stage = await lockStage(trx, input.orgId, input.stageId);
    if (!stage || stage.pipeline_id !== input.pipelineId) return { ok: false, reason: "not_found" };
    const refusal = await checkReferences(trx, input.orgId, input);
    if (refusal) return refusal;
    const lead = await withPositionRetry(trx, POSITION_KEY, async (pickKey) => {
      const first = await trx.selectFrom("leads").select("position").where("stage_id", "=", stage.id).orderBy("position").limit(1).executeTakeFirst();
      return trx
        .insertInto("leads")
        .values({
          org_id: input.orgId,
          pipeline_id: stage.pipeline_id,
          stage_id: stage.id,
          title: input.title,
          contact_id: input.contactId ?? null,
          value_cents: input.valueCents,
          owner_id: input.ownerId ?? null,
          notes: input.notes,
          position: pickKey(null, first?.position),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
    });
    await trx
      .insertInto("lead_events")
      .values({ org_id: input.orgId, lead_id: lead.id, type: "created", to_stage_id: stage.id, ...eventActor(input.actor), metadata: JSON.stringify({ toStageName: stage.name }) })
      .execute();
    await enrollOnStageEntered(trx, input.orgId, { id: lead.id, contactId: input.contactId ?? null, stageId: stage.id });
    return { ok: true, leadId: lead.id, stageId: stage.id };
  });
  if (!result.ok) return result;
  await announce(input.orgId, { leadId: result.leadId, pipelineId: input.pipelineId, stageId: result.stageId });
  return { ok: true, leadId: result.leadId };
}

const EDITABLE = { title: "title", contactId: "contact_id", valueCents: "value_cents", ownerId: "owner_id", notes: "notes" } as const;

/**
 * Saves the lead form. With `version` (the one the form was opened with) an edit made meanwhile by
 * someone else is refused instead of silently overwritten.
 */
export async function updateLead(db: Database, input: LeadInput & { orgId: string; leadId: string; version?: number; actor: Actor }): Promise<{ ok: true } | Refusal> {
  return inTransaction(db, async (trx) => {
    const lead = await trx.selectFrom("leads").selectAll().where("id", "=", input.leadId).where("org_id", "=", input.orgId).forUpdate().executeTakeFirst();
    if (!lead) return { ok: false, reason: "not_found" };
    if (input.version !== undefined && input.version !== lead.version) return { ok: false, reason: "stale" };
    const refusal = await checkReferences(trx, input.orgId, input);
    if (refusal) return refusal;
    const next = { title: input.title, contact_id: input.contactId ?? null, value_cents: input.valueCents, owner_id: input.ownerId ?? null, notes: input.notes };
    const changed = (Object.keys(EDITABLE) as Array<keyof typeof EDITABLE>).filter((field) => next[EDITABLE[field]] !== lead[EDITABLE[field]]);
    if (changed.length === 0) return { ok: true };
    await trx
      .updateTable("leads")
      .set((eb) => ({ ...next, version: eb("version", "+", 1), updated_at: new Date() }))
      .where("id", "=", lead.id)
      .execute();
    await trx
      .insertInto("lead_events")
      .values({ org_id: input.orgId, lead_id: lead.id, type: "updated", ...eventActor(input.actor), metadata: JSON.stringify({ fields: changed }) })
      .execute();
    return { ok: true };
  });
}

/** Won and lost close the lead (closed_at); reopening clears it. Each change is a history entry. */
export async function changeLeadStatus(
  db: Database,
  input: { orgId: string; leadId: string; status: LeadStatus; actor: Actor; reason?: string },
): Promise<{ ok: true; changed: boolean } | { ok: false; reason: "not_found" }> {
  return inTransaction(db, async (trx) => {
    const lead = await trx.selectFrom("leads").select(["id", "status", "contact_id"]).where("id", "=", input.leadId).where("org_id", "=", input.orgId).forUpdate().executeTakeFirst();
    if (!lead) return { ok: false, reason: "not_found" };
    if (lead.status === input.status) return { ok: true, changed: false };
    if (input.status === "won" || input.status === "lost") await exitOnLeadClosed(trx, input.orgId, { id: lead.id, contactId: lead.contact_id, status: input.status });
    await trx
      .updateTable("leads")
      .set((eb) => ({ status: input.status, closed_at: input.status === "open" ? null : new Date(), version: eb("version", "+", 1), updated_at: new Date() }))
      .where("id", "=", lead.id)
      .execute();
    await trx
      .insertInto("lead_events")
      .values({
        org_id: input.orgId,
        lead_id: lead.id,
        type: "status_changed",
        ...eventActor(input.actor),
        reason: input.reason ?? null,
        metadata: JSON.stringify({ from: lead.status, to: input.status }),
      })
      .execute();
    return { ok: true, changed: true };
  });
}

/** Deletes the lead and its history; the audit log keeps what it was. Returns its pipeline for the redirect. */
export async function deleteLead(db: Database, input: { orgId: string; leadId: string; actor: Actor }): Promise<{ pipelineId: string } | undefined> {
  const deleted = await inTransaction(db, async (trx) => {
    const lead = await trx
      .deleteFrom("leads")
      .where("id", "=", input.leadId)
      .where("org_id", "=", input.orgId)
      .returning(["id", "title", "pipeline_id", "stage_id", "value_cents", "status", "contact_id"])
      .executeTakeFirst();
    if (!lead) return undefined;
    await recordAudit(trx, {
      orgId: input.orgId,
      // The audit log has no "automation" actor: automations act as the system.
      actor: input.actor.type === "automation" ? { type: "system" } : { type: input.actor.type, id: input.actor.id },
      action: "lead.deleted",
      target: { type: "lead", id: lead.id },
      metadata: { title: lead.title, pipelineId: lead.pipeline_id, stageId: lead.stage_id, valueCents: lead.value_cents, status: lead.status, contactId: lead.contact_id },
    });
    return lead;
  });
  if (!deleted) return undefined;
  await announce(input.orgId, { leadId: deleted.id, pipelineId: deleted.pipeline_id, stageId: deleted.stage_id });
  return { pipelineId: deleted.pipeline_id };
}
