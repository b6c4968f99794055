import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/index.js";
import { getDb } from "../../app/lib/db.server.js";
import { moveLead } from "../../app/modules/pipelines/leads.server.js";
import { deleteStage } from "../../app/modules/pipelines/stages.server.js";
import { createOrgWithOwner, addMember } from "../support/factories.js";
import { createLeadRow, createPipelineWithStages, insertLeads, stageOrder } from "../support/pipelines-factories.js";

// A second pool: concurrent moves must come from different connections, like two web processes.
const otherDb = createDb(process.env.DATABASE_URL!, { max: 10 });
afterAll(() => otherDb.destroy());

async function setup(stageNames = ["Novo", "Qualificado", "Proposta"]) {
  const db = getDb();
  const { org, owner } = await createOrgWithOwner(db, "moves");
  const pipeline = await createPipelineWithStages(db, org.id, stageNames);
  return { db, org, owner, ...pipeline };
}

async function events(leadId: string) {
  return getDb().selectFrom("lead_events").selectAll().where("lead_id", "=", leadId).orderBy("id").execute();
}

/** Every lead of the pipeline exactly once, and no two sharing a position in a stage. */
async function expectConsistent(pipelineId: string, expectedLeads: number) {
  const rows = await getDb().selectFrom("leads").select(["id", "stage_id", "position"]).where("pipeline_id", "=", pipelineId).execute();
  expect(rows).toHaveLength(expectedLeads);
  expect(new Set(rows.map((row) => row.id)).size).toBe(expectedLeads);
  expect(new Set(rows.map((row) => `${row.stage_id}|${row.position}`)).size).toBe(expectedLeads);
}

describe("moveLead", () => {
  it("moves across stages with a history entry (from, to, actor, reason), reorders within a stage without one", async () => {
    const { db, org, owner, pipelineId, stageId } = await setup();
    const [first, second, third] = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), count: 3 });
    const target = await createLeadRow(db, { orgId: org.id, pipelineId, stageId: stageId("Qualificado") });

    const moved = await moveLead(db, { orgId: org.id, leadId: second!, toStageId: stageId("Qualificado"), afterLeadId: target, actor: { type: "user", id: owner.id }, reason: "cliente respondeu" });
    expect(moved).toMatchObject({ ok: true, changed: true, stageChanged: true, fromStageId: stageId("Novo"), lead: { stageId: stageId("Qualificado"), version: 2 } });
    expect(await stageOrder(db, stageId("Qualificado"))).toEqual([target, second]);
    expect(await stageOrder(db, stageId("Novo"))).toEqual([first, third]);
    expect(await events(second!)).toEqual([
      expect.objectContaining({ type: "moved", from_stage_id: stageId("Novo"), to_stage_id: stageId("Qualificado"), actor_type: "user", actor_id: owner.id, reason: "cliente respondeu" }),
    ]);

    // Within a stage: the order changes, the history does not.
    const reorder = await moveLead(db, { orgId: org.id, leadId: third!, toStageId: stageId("Novo"), beforeLeadId: first, actor: { type: "user", id: owner.id } });
    expect(reorder).toMatchObject({ ok: true, changed: true, stageChanged: false });
    expect(await stageOrder(db, stageId("Novo"))).toEqual([third, first]);
    expect(await events(third!)).toEqual([]);

    // Dropping a card where it already is changes nothing.
    const noop = await moveLead(db, { orgId: org.id, leadId: third!, toStageId: stageId("Novo"), beforeLeadId: first, actor: { type: "user", id: owner.id } });
    expect(noop).toMatchObject({ ok: true, changed: false });
    const { version } = await db.selectFrom("leads").select("version").where("id", "=", third!).executeTakeFirstOrThrow();
    expect(version).toBe(2);
  });

  it("places at the top or bottom, and records AI, automation and API moves", async () => {
    const { db, org, pipelineId, stageId } = await setup();
    const existing = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Proposta"), count: 2 });
    const [ai, automation] = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), count: 2 });
    await moveLead(db, { orgId: org.id, leadId: ai!, toStageId: stageId("Proposta"), placement: "top", actor: { type: "ai" }, reason: "pediu proposta" });
    await moveLead(db, { orgId: org.id, leadId: automation!, toStageId: stageId("Proposta"), actor: { type: "automation" } });
    expect(await stageOrder(db, stageId("Proposta"))).toEqual([ai, ...existing, automation]);
    expect((await events(ai!))[0]).toMatchObject({ actor_type: "ai", actor_id: null, reason: "pediu proposta" });
    expect((await events(automation!))[0]).toMatchObject({ actor_type: "automation", reason: null });
  });

  it("places relative to what still exists when the client's neighbours are stale", async () => {
    const { db, org, owner, pipelineId, stageId } = await setup();
    const [a, b, c] = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Qualificado"), count: 3 });
    const [x, y, z] = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), count: 3 });
    const actor = { type: "user" as const, id: owner.id };
    // Someone moved b away: "after b" falls back to "before c".
    await moveLead(db, { orgId: org.id, leadId: b!, toStageId: stageId("Proposta"), actor });
    await moveLead(db, { orgId: org.id, leadId: x!, toStageId: stageId("Qualificado"), afterLeadId: b, beforeLeadId: c, actor });
    expect(await stageOrder(db, stageId("Qualificado"))).toEqual([a, x, c]);
    // Both neighbours gone (one deleted, one moved): the bottom of the stage.
    await db.deleteFrom("leads").where("id", "=", c!).execute();
    await moveLead(db, { orgId: org.id, leadId: a!, toStageId: stageId("Proposta"), actor });
    await moveLead(db, { orgId: org.id, leadId: y!, toStageId: stageId("Qualificado"), afterLeadId: a, beforeLeadId: c, actor });
    expect(await stageOrder(db, stageId("Qualificado"))).toEqual([x, y]);
    // Neighbours that sit in the wrong order now: it goes right after the "after" one.
    await moveLead(db, { orgId: org.id, leadId: z!, toStageId: stageId("Qualificado"), afterLeadId: y, beforeLeadId: x, actor });
    expect(await stageOrder(db, stageId("Qualificado"))).toEqual([x, y, z]);
  });

  it("refuses leads and stages of another organization", async () => {
    const mine = await setup();
    const theirs = await setup();
    const [lead] = await insertLeads(mine.db, { orgId: mine.org.id, pipelineId: mine.pipelineId, stageId: mine.stageId("Novo"), count: 1 });
    const [foreign] = await insertLeads(mine.db, { orgId: theirs.org.id, pipelineId: theirs.pipelineId, stageId: theirs.stageId("Novo"), count: 1 });
    const actor = { type: "user" as const, id: mine.owner.id };
    expect(await moveLead(mine.db, { orgId: mine.org.id, leadId: lead!, toStageId: theirs.stageId("Qualificado"), actor })).toEqual({ ok: false, reason: "stage_not_found" });
    expect(await moveLead(mine.db, { orgId: mine.org.id, leadId: foreign!, toStageId: mine.stageId("Qualificado"), actor })).toEqual({ ok: false, reason: "lead_not_found" });
    expect(await stageOrder(mine.db, theirs.stageId("Qualificado"))).toEqual([]);
    expect(await stageOrder(mine.db, mine.stageId("Novo"))).toEqual([lead]);
  });

  it("two users moving the same card at once: no lost update, a consistent order, both moves recorded", async () => {
    const { db, org, owner, pipelineId, stageId } = await setup(["Novo", "A", "B", "C"]);
    const colleague = await addMember(db, org.id, "agent");
    await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("A"), count: 5 });
    await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("B"), count: 5 });
    const [card] = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), count: 1 });
    const total = 11;
    const rounds = 25;
    const stagesInTurn = ["A", "B", "C", "Novo"].map(stageId);

    for (let round = 0; round < rounds; round++) {
      const current = (await db.selectFrom("leads").select(["stage_id", "version"]).where("id", "=", card!).executeTakeFirstOrThrow());
      const [first, second] = stagesInTurn.filter((stage) => stage !== current.stage_id).slice(round % 2, (round % 2) + 2);
      const eventsBefore = (await events(card!)).length;
      const [mine, theirs] = await Promise.all([
        moveLead(db, { orgId: org.id, leadId: card!, toStageId: first!, placement: "top", actor: { type: "user", id: owner.id } }),
        moveLead(otherDb, { orgId: org.id, leadId: card!, toStageId: second!, placement: "bottom", actor: { type: "user", id: colleague.id } }),
      ]);
      expect(mine.ok && theirs.ok).toBe(true);
      const after = await db.selectFrom("leads").select(["stage_id", "version"]).where("id", "=", card!).executeTakeFirstOrThrow();
      expect([first, second]).toContain(after.stage_id);
      expect(after.version).toBe(current.version + 2);
      const recorded = (await events(card!)).slice(eventsBefore);
      expect(recorded).toHaveLength(2);
      // The second move starts where the first one left the card.
      expect(recorded[1]!.from_stage_id).toBe(recorded[0]!.to_stage_id);
      expect(recorded[1]!.to_stage_id).toBe(after.stage_id);
      expect(new Set(recorded.map((event) => event.actor_id))).toEqual(new Set([owner.id, colleague.id]));
      await expectConsistent(pipelineId, total);
    }
  });

  it("two users inserting into the same gap at once both land there, with distinct positions", async () => {
    const { db, org, owner, pipelineId, stageId } = await setup();
    const [a, b] = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Qualificado"), count: 2 });
    const incoming = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), count: 40 });
    for (let index = 0; index < incoming.length; index += 2) {
      const [x, y] = [incoming[index]!, incoming[index + 1]!];
      const results = await Promise.all([
        moveLead(db, { orgId: org.id, leadId: x, toStageId: stageId("Qualificado"), afterLeadId: a, beforeLeadId: b, actor: { type: "user", id: owner.id } }),
        moveLead(otherDb, { orgId: org.id, leadId: y, toStageId: stageId("Qualificado"), afterLeadId: a, beforeLeadId: b, actor: { type: "user", id: owner.id } }),
      ]);
      expect(results.every((result) => result.ok && result.changed)).toBe(true);
      const order = await stageOrder(db, stageId("Qualificado"));
      expect(order[0]).toBe(a);
      expect(order.at(-1)).toBe(b);
      expect(order.slice(1, 3).sort()).toEqual([x, y].sort());
    }
    await expectConsistent(pipelineId, 42);
  });

  it("many random concurrent moves keep the board consistent and the history in step", async () => {
    const { db, org, owner, pipelineId, stages } = await setup(["S1", "S2", "S3"]);
    const leads = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stages[0]!.id, count: 12 });
    const pick = <T,>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
    const worker = async (connection: typeof db) => {
      for (let step = 0; step < 40; step++) {
        const toStageId = pick(stages).id;
        const neighbours = await stageOrder(connection, toStageId);
        const result = await moveLead(connection, {
          orgId: org.id,
          leadId: pick(leads),
          toStageId,
          afterLeadId: neighbours.length ? pick(neighbours) : undefined,
          beforeLeadId: neighbours.length ? pick(neighbours) : undefined,
          actor: { type: "user", id: owner.id },
        });
        expect(result.ok).toBe(true);
      }
    };
    await Promise.all([worker(db), worker(otherDb), worker(db), worker(otherDb)]);
    await expectConsistent(pipelineId, leads.length);
    // Each lead's stage is where its last recorded move took it.
    for (const leadId of leads) {
      const lead = await db.selectFrom("leads").select("stage_id").where("id", "=", leadId).executeTakeFirstOrThrow();
      const last = (await events(leadId)).at(-1);
      expect(lead.stage_id).toBe(last ? last.to_stage_id : stages[0]!.id);
    }
  });

  it("deleting a stage while leads are moved into it and out of it stays consistent", async () => {
    const { db, org, owner, pipelineId, stageId } = await setup(["Novo", "Velha", "Destino"]);
    await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Velha"), count: 30 });
    const movers = await insertLeads(db, { orgId: org.id, pipelineId, stageId: stageId("Novo"), count: 10 });
    const actor = { type: "user" as const, id: owner.id };
    const [deleted, ...moves] = await Promise.all([
      deleteStage(otherDb, { orgId: org.id, pipelineId, stageId: stageId("Velha"), targetStageId: stageId("Destino"), actor }),
      ...movers.map((leadId) => moveLead(db, { orgId: org.id, leadId, toStageId: stageId("Velha"), actor })),
    ]);
    expect(deleted.ok).toBe(true);
    // A move that queued behind the deletion finds its stage gone; every other move happened before it.
    for (const move of moves) expect(move.ok || move.reason === "stage_not_found").toBe(true);
    const moved = moves.filter((move) => move.ok).length;
    expect(await db.selectFrom("stages").select("id").where("id", "=", stageId("Velha")).execute()).toEqual([]);
    expect(await stageOrder(db, stageId("Destino"))).toHaveLength(30 + moved);
    await expectConsistent(pipelineId, 40);
  });
});
