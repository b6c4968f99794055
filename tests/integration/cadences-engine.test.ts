import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { editSteps } from "../../app/modules/cadences/cadences.server.js";
import { runCadenceStep } from "../../app/modules/cadences/engine.server.js";
import { enrollContact, enrollSegment } from "../../app/modules/cadences/enrollments.server.js";
import { applyBulkAction } from "../../app/modules/contacts/bulk.server.js";
import { eraseContact } from "../../app/modules/contacts/privacy.server.js";
import { applySendFailureConsequence } from "../../app/modules/inbox/send-consequences.server.js";
import { runContactImport } from "../../app/modules/imports/run-import.server.js";
import { addTagToContact, removeTagFromContact } from "../../app/modules/contacts/tags.server.js";
import { changeLeadStatus, moveLead } from "../../app/modules/pipelines/leads.server.js";
import { claimSmsText } from "../../app/modules/outreach/sms-duplicates.server.js";
import { insertContact, insertSegment, insertTag } from "../support/contacts-factories.js";
import { createActiveCadence, enrollmentsOf, sendStep, stepRunsOf, waitSeconds } from "../support/cadences-factories.js";
import { createOrgWithOwner } from "../support/factories.js";
import { createSandbox, ingest, textEvent } from "../support/inbox-fixtures.js";
import { createLeadRow, createPipelineWithStages } from "../support/pipelines-factories.js";
import { queueImport, storeCsv, utf8 } from "../support/imports-factories.js";
import { createTwilioConnection } from "../support/provider-connections.js";

const db = () => getDb();

async function enrollmentRow(id: string) {
  return db().selectFrom("cadence_enrollments").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** Runs the step the enrollment is waiting at, as its job would, at `now`. */
async function runNext(enrollmentId: string, now = new Date()) {
  const row = await enrollmentRow(enrollmentId);
  return runCadenceStep(db(), { enrollmentId, position: row.position }, new Date(Math.max(now.getTime(), row.next_run_at?.getTime() ?? 0)));
}

async function setup(label: string) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const connection = await createSandbox(db(), org.id);
  const contact = await insertContact(db(), org.id, { name: "Ana Lima" });
  return { org, owner, connection, contact };
}

function cadenceMessages(conversationContactId: string) {
  return db()
    .selectFrom("messages")
    .innerJoin("conversations", "conversations.id", "messages.conversation_id")
    .select(["messages.body", "messages.sender_type"])
    .where("conversations.contact_id", "=", conversationContactId)
    .where("messages.sender_type", "=", "cadence")
    .orderBy("messages.created_at")
    .execute();
}

describe("cadence steps", () => {
  it("runs send, wait, send in order, waiting the step's time, and completes", async () => {
    const { org, connection, contact } = await setup("cad-order");
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Oi {{first_name}}!"), waitSeconds(3600), sendStep(connection.id, "Ainda por aí, {{first_name}}?")]);
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
    expect(enrolled.ok).toBe(true);
    const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;

    const start = new Date();
    expect(await runNext(enrollmentId, start)).toMatchObject({ kind: "ran", position: 0, status: "done", next: { position: 1 } });
    const afterWait = await runNext(enrollmentId, start);
    expect(afterWait).toMatchObject({ kind: "ran", position: 1, next: { position: 2 } });
    const due = (afterWait as { next: { runAt: Date } }).next.runAt;
    expect(due.getTime() - start.getTime()).toBe(3600 * 1000);
    expect((await enrollmentRow(enrollmentId)).next_run_at).toEqual(due);
    // A job arriving early (before the wait is over) reschedules itself and does nothing else.
    expect(await runCadenceStep(db(), { enrollmentId, position: 2 }, new Date(start.getTime() + 60_000))).toEqual({ kind: "early", runAt: due });
    expect(await runNext(enrollmentId)).toMatchObject({ kind: "ran", position: 2, next: null });

    expect(await enrollmentRow(enrollmentId)).toMatchObject({ status: "completed", position: 3 });
    expect((await stepRunsOf(db(), enrollmentId)).map((run) => [run.position, run.kind, run.status])).toEqual([
      [0, "send", "done"],
      [1, "wait", "done"],
      [2, "send", "done"],
    ]);
    expect(await cadenceMessages(contact.id)).toEqual([
      { body: "Oi Ana!", sender_type: "cadence" },
      { body: "Ainda por aí, Ana?", sender_type: "cadence" },
    ]);
    // Each send was queued as a message.send job in the same transaction.
    const jobs = await db().selectFrom("graphile_worker.jobs" as never).select("task_identifier" as never).execute();
    expect((jobs as Array<{ task_identifier: string }>).filter((job) => job.task_identifier === "message.send").length).toBeGreaterThanOrEqual(2);
  });

  it("never runs a step twice: duplicate or concurrent jobs for the same step do nothing", async () => {
    const { org, connection, contact } = await setup("cad-twice");
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Uma vez só"), waitSeconds(60)]);
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
    const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;

    const outcomes = await Promise.all([0, 1, 2].map(() => runCadenceStep(db(), { enrollmentId, position: 0 })));
    expect(outcomes.filter((outcome) => outcome.kind === "ran")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === "stale")).toHaveLength(2);
    // The job of the first step delivered again after it committed (a worker crash before completing the job).
    expect(await runCadenceStep(db(), { enrollmentId, position: 0 })).toEqual({ kind: "stale" });
    expect(await cadenceMessages(contact.id)).toHaveLength(1);
    expect(await stepRunsOf(db(), enrollmentId)).toHaveLength(1);
  });

  it("a crash before the step commits leaves nothing behind, so the retried job runs it exactly once", async () => {
    const { org, connection, contact } = await setup("cad-retry");
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Depois do erro")]);
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
    const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;
    const crash = db()
      .transaction()
      .execute(async (trx) => {
        await runCadenceStep(trx, { enrollmentId, position: 0 });
        throw new Error("worker died before commit");
      });
    await expect(crash).rejects.toThrow("worker died");
    expect(await stepRunsOf(db(), enrollmentId)).toEqual([]);
    expect(await cadenceMessages(contact.id)).toEqual([]);
    expect(await runCadenceStep(db(), { enrollmentId: "00000000-0000-0000-0000-000000000000", position: 0 })).toEqual({ kind: "stale" });
    expect(await runNext(enrollmentId)).toMatchObject({ kind: "ran", next: null });
    expect(await cadenceMessages(contact.id)).toHaveLength(1);
  });

  it("skips sends to contacts without a phone and SMS texts already sent to the number, recording why", async () => {
    const { org, connection } = await setup("cad-skip");
    const sms = await createTwilioConnection(db(), org.id);
    const noPhone = await insertContact(db(), org.id, { name: "Sem Fone", phone: null, email: "semfone@example.com" });
    const texted = await insertContact(db(), org.id, { name: "Bia" });
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Olá"), sendStep(sms.id, "Promoção de hoje, {{first_name}}")]);
    await claimSmsText(db(), { orgId: org.id, phone: texted.phone!, text: "Promoção de hoje, Bia" });

    for (const contact of [noPhone, texted]) {
      const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
      const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;
      await runNext(enrollmentId);
      await runNext(enrollmentId);
      expect(await enrollmentRow(enrollmentId)).toMatchObject({ status: "completed" });
      const runs = (await stepRunsOf(db(), enrollmentId)).map((run) => [run.position, run.status, run.detail]);
      if (contact === noPhone) expect(runs).toEqual([[0, "skipped", "no_phone"], [1, "skipped", "no_phone"]]);
      else expect(runs).toEqual([[0, "done", null], [1, "skipped", "sms_duplicate"]]);
    }
  });

  it("keeps running enrollments on the version they started with when the cadence is edited", async () => {
    const { org, connection, contact } = await setup("cad-version");
    const cadenceId = await createActiveCadence(db(), org.id, [waitSeconds(60), sendStep(connection.id, "Texto antigo")]);
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
    const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;
    await runNext(enrollmentId);

    await editSteps(db(), { orgId: org.id, cadenceId, edit: { op: "update", position: 1, step: sendStep(connection.id, "Texto novo") }, userId: null });
    await editSteps(db(), { orgId: org.id, cadenceId, edit: { op: "move", position: 1, direction: "up" }, userId: null });
    const later = await insertContact(db(), org.id, { name: "Caio" });
    const second = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: later.id });
    const secondId = (second as { enrollmentId: string }).enrollmentId;

    await runNext(enrollmentId);
    await runNext(secondId);
    expect(await cadenceMessages(contact.id)).toEqual([{ body: "Texto antigo", sender_type: "cadence" }]);
    expect(await cadenceMessages(later.id)).toEqual([{ body: "Texto novo", sender_type: "cadence" }]);
    expect((await enrollmentRow(enrollmentId)).version_id).not.toBe((await enrollmentRow(secondId)).version_id);
  });

  it("a paused cadence holds its enrollments; activating it schedules them again", async () => {
    const { org, connection, contact } = await setup("cad-pause");
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Depois da pausa")]);
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
    const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;
    await db().updateTable("cadences").set({ status: "paused" }).where("id", "=", cadenceId).execute();
    expect(await runNext(enrollmentId)).toEqual({ kind: "paused" });
    expect(await enrollContact(db(), { orgId: org.id, cadenceId, contactId: (await insertContact(db(), org.id)).id })).toEqual({ ok: false, reason: "cadence_inactive" });
    expect(await runNext(enrollmentId)).toEqual({ kind: "paused" });
    await db().updateTable("cadences").set({ status: "active" }).where("id", "=", cadenceId).execute();
    expect(await runNext(enrollmentId)).toMatchObject({ kind: "ran" });
  });
});

describe("cadence step kinds", () => {
  it("waits until the next business-hours opening in the organization's time zone", async () => {
    const { org, connection, contact } = await setup("cad-hours");
    await db().updateTable("organizations").set({ timezone: "Asia/Tokyo" }).where("id", "=", org.id).execute();
    const cadenceId = await createActiveCadence(db(), org.id, [{ kind: "wait", config: { mode: "business_hours" } }, sendStep(connection.id, "Bom dia")]);
    await db()
      .updateTable("cadences")
      .set({ business_hours: JSON.stringify({ days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" }) })
      .where("id", "=", cadenceId)
      .execute();
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
    const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;
    // Friday 2026-11-27 20:00 in Tokyo (11:00 UTC): closed, so Monday 09:00 in Tokyo (Monday 00:00 UTC).
    const fridayEvening = new Date("2026-11-27T11:00:00Z");
    await db().updateTable("cadence_enrollments").set({ next_run_at: fridayEvening }).where("id", "=", enrollmentId).execute();
    expect(await runCadenceStep(db(), { enrollmentId, position: 0 }, fridayEvening)).toMatchObject({ kind: "ran", next: { position: 1, runAt: new Date("2026-11-30T00:00:00Z") } });
    expect((await enrollmentRow(enrollmentId)).next_run_at).toEqual(new Date("2026-11-30T00:00:00Z"));
  });

  it("adds and removes tags and moves the contact's open lead, as an automation with the cadence in the reason", async () => {
    const { org } = await setup("cad-crm");
    const tag = await insertTag(db(), org.id, "nutrido");
    const { pipelineId, stageId } = await createPipelineWithStages(db(), org.id, ["Novo", "Contatado"]);
    const cadenceId = await createActiveCadence(
      db(),
      org.id,
      [
        { kind: "tag_add", config: { tagId: tag.id } },
        { kind: "move_stage", config: { stageId: stageId("Contatado") } },
        { kind: "tag_remove", config: { tagId: tag.id } },
      ],
      { name: "Nutrição" },
    );
    const withLead = await insertContact(db(), org.id);
    const leadId = await createLeadRow(db(), { orgId: org.id, pipelineId, stageId: stageId("Novo"), contactId: withLead.id });
    const withoutLead = await insertContact(db(), org.id);
    for (const contact of [withLead, withoutLead]) {
      const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
      const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;
      await runNext(enrollmentId);
      expect(await db().selectFrom("contact_tags").select("tag_id").where("contact_id", "=", contact.id).execute()).toEqual([{ tag_id: tag.id }]);
      await runNext(enrollmentId);
      await runNext(enrollmentId);
      expect(await db().selectFrom("contact_tags").select("tag_id").where("contact_id", "=", contact.id).execute()).toEqual([]);
      const runs = (await stepRunsOf(db(), enrollmentId)).map((run) => [run.kind, run.status, run.detail]);
      expect(runs).toEqual([
        ["tag_add", "done", null],
        ["move_stage", contact === withLead ? "done" : "skipped", contact === withLead ? null : "no_lead"],
        ["tag_remove", "done", null],
      ]);
    }
    const lead = await db().selectFrom("leads").select("stage_id").where("id", "=", leadId).executeTakeFirstOrThrow();
    expect(lead.stage_id).toBe(stageId("Contatado"));
    const moved = await db().selectFrom("lead_events").select(["actor_type", "reason"]).where("lead_id", "=", leadId).where("type", "=", "moved").executeTakeFirstOrThrow();
    expect(moved).toEqual({ actor_type: "automation", reason: "Cadence Nutrição, step 2" });
  });
});

describe("cadence exits", () => {
  it("exits on a reply, and on an opt-out keyword, and the pending step then does nothing", async () => {
    const { org, connection } = await setup("cad-reply");
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Oi"), waitSeconds(3600), sendStep(connection.id, "Oi de novo")]);
    const replier = await insertContact(db(), org.id, { name: "Rita" });
    const leaver = await insertContact(db(), org.id, { name: "Luís" });
    const ids: string[] = [];
    for (const contact of [replier, leaver]) {
      const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
      ids.push((enrolled as { enrollmentId: string }).enrollmentId);
      await runNext(ids.at(-1)!);
      await runNext(ids.at(-1)!);
    }
    await ingest(db(), connection, [textEvent({ phone: replier.phone!, text: "Tenho interesse!" })]);
    await ingest(db(), connection, [textEvent({ phone: leaver.phone!, text: "sair" })]);
    expect(await enrollmentRow(ids[0]!)).toMatchObject({ status: "exited", exit_reason: "replied", position: 2 });
    expect(await enrollmentRow(ids[1]!)).toMatchObject({ status: "exited", exit_reason: "opted_out" });
    expect(await runCadenceStep(db(), { enrollmentId: ids[0]!, position: 2 }, new Date(Date.now() + 3_600_000))).toEqual({ kind: "stale" });
    expect(await cadenceMessages(replier.id)).toHaveLength(1);
    // A cadence that does not stop on replies keeps going.
    const persistent = await createActiveCadence(db(), org.id, [waitSeconds(60)], { exitOnReply: false, name: "Persistente" });
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId: persistent, contactId: replier.id });
    await ingest(db(), connection, [textEvent({ phone: replier.phone!, text: "Outra mensagem" })]);
    expect(await enrollmentRow((enrolled as { enrollmentId: string }).enrollmentId)).toMatchObject({ status: "active" });
  });

  it("exits when the lead is won or lost, and on a bulk opt-out; an opted-out contact cannot be enrolled", async () => {
    const { org, connection } = await setup("cad-won");
    const { pipelineId, stageId } = await createPipelineWithStages(db(), org.id, ["Novo", "Proposta"]);
    const cadenceId = await createActiveCadence(db(), org.id, [waitSeconds(60), sendStep(connection.id, "Proposta?")], { triggerStageId: stageId("Proposta") });
    const winner = await insertContact(db(), org.id, { name: "Gabi" });
    const loser = await insertContact(db(), org.id, { name: "Téo" });
    const wonLead = await createLeadRow(db(), { orgId: org.id, pipelineId, stageId: stageId("Proposta"), contactId: winner.id });
    const lostLead = await createLeadRow(db(), { orgId: org.id, pipelineId, stageId: stageId("Proposta"), contactId: loser.id });
    const [wonEnrollment] = await enrollmentsOf(db(), cadenceId).then((rows) => rows.filter((row) => row.contact_id === winner.id));
    expect(wonEnrollment).toMatchObject({ source: "stage", lead_id: wonLead, status: "active" });
    await changeLeadStatus(db(), { orgId: org.id, leadId: wonLead, status: "won", actor: { type: "user" } });
    await changeLeadStatus(db(), { orgId: org.id, leadId: lostLead, status: "lost", actor: { type: "user" } });
    const rows = await enrollmentsOf(db(), cadenceId);
    expect(rows.map((row) => [row.contact_id, row.status, row.exit_reason]).sort()).toEqual(
      [
        [winner.id, "exited", "lead_won"],
        [loser.id, "exited", "lead_lost"],
      ].sort(),
    );
    const optedOut = await insertContact(db(), org.id, { opted_out: true });
    const bulkOut = await insertContact(db(), org.id);
    const manual = await createActiveCadence(db(), org.id, [waitSeconds(60)], { name: "Manual" });
    const bulkEnrollment = await enrollContact(db(), { orgId: org.id, cadenceId: manual, contactId: bulkOut.id });
    await applyBulkAction(db(), org.id, { type: "system" }, { action: "optOut", contactIds: [bulkOut.id] });
    expect(await enrollmentRow((bulkEnrollment as { enrollmentId: string }).enrollmentId)).toMatchObject({ status: "exited", exit_reason: "opted_out" });
    expect(await enrollContact(db(), { orgId: org.id, cadenceId, contactId: optedOut.id })).toEqual({ ok: false, reason: "opted_out" });
  });

  it("exits at once when the provider reports an opt-out (21610) or the contact is erased (LGPD)", async () => {
    const { org, connection } = await setup("cad-provider-out");
    const cadenceId = await createActiveCadence(db(), org.id, [waitSeconds(3600), sendStep(connection.id, "Oi de novo")]);
    const [byProvider, byErase] = [await insertContact(db(), org.id), await insertContact(db(), org.id)];
    const first = (await enrollContact(db(), { orgId: org.id, cadenceId, contactId: byProvider.id })) as { enrollmentId: string };
    const second = (await enrollContact(db(), { orgId: org.id, cadenceId, contactId: byErase.id })) as { enrollmentId: string };
    await applySendFailureConsequence(
      db(),
      { orgId: org.id, connectionId: connection.id, contactId: byProvider.id },
      { code: "21610", message: "Attempt to send to unsubscribed recipient", retryable: false, consequence: "opted_out" },
    );
    expect(await enrollmentRow(first.enrollmentId)).toMatchObject({ status: "exited", exit_reason: "opted_out" });
    expect(await eraseContact(db(), org.id, byErase.id, { type: "system" })).toBe("erased");
    expect(await enrollmentRow(second.enrollmentId)).toMatchObject({ status: "exited", exit_reason: "opted_out" });
  });
});

describe("cadence enrollment triggers", () => {
  it("a tag added (one by one or in bulk) enrolls each contact once", async () => {
    const { org, owner, connection } = await setup("cad-tag");
    const tag = await insertTag(db(), org.id, "quente");
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Bem-vindo")], { triggerTagId: tag.id });
    const single = await insertContact(db(), org.id);
    expect(await addTagToContact(db(), org.id, single.id, tag.id)).toBe(true);
    expect(await addTagToContact(db(), org.id, single.id, tag.id)).toBe(true);
    await removeTagFromContact(db(), org.id, single.id, tag.id);
    await addTagToContact(db(), org.id, single.id, tag.id);
    const bulk = [await insertContact(db(), org.id), await insertContact(db(), org.id), await insertContact(db(), org.id, { opted_out: true })];
    await applyBulkAction(db(), org.id, { type: "user", id: owner.id }, { action: "addTag", contactIds: [single.id, ...bulk.map((contact) => contact.id)], tagId: tag.id });
    const rows = await enrollmentsOf(db(), cadenceId);
    expect(rows.map((row) => row.contact_id).sort()).toEqual([single.id, bulk[0]!.id, bulk[1]!.id].sort());
    expect(rows.every((row) => row.source === "tag")).toBe(true);
  });

  it("a CSV import that adds the tag enrolls the imported contacts too", async () => {
    const { org, owner } = await setup("cad-import");
    const tag = await insertTag(db(), org.id, "feira");
    const cadenceId = await createActiveCadence(db(), org.id, [waitSeconds(60)], { triggerTagId: tag.id });
    const importId = await storeCsv(db(), { orgId: org.id, userId: owner.id }, utf8("Nome,Telefone\nAna,11 98765-0001\nBia,11 98765-0002\n"));
    await queueImport(db(), importId, { columns: ["name", "phone"], tagIds: [tag.id] });
    expect(await runContactImport(db(), importId)).toMatchObject({ status: "completed", created: 2 });
    const rows = await enrollmentsOf(db(), cadenceId);
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.source === "tag" && row.status === "active")).toBe(true);
  });

  it("a lead entering the stage enrolls its contact once; moving out and back in does not enroll again", async () => {
    const { org } = await setup("cad-stage");
    const { pipelineId, stageId } = await createPipelineWithStages(db(), org.id, ["Novo", "Qualificado"]);
    const cadenceId = await createActiveCadence(db(), org.id, [waitSeconds(60)], { triggerStageId: stageId("Qualificado") });
    const contact = await insertContact(db(), org.id);
    const leadId = await createLeadRow(db(), { orgId: org.id, pipelineId, stageId: stageId("Novo"), contactId: contact.id });
    expect(await enrollmentsOf(db(), cadenceId)).toHaveLength(0);
    const move = (to: string) => moveLead(db(), { orgId: org.id, leadId, toStageId: stageId(to), actor: { type: "user" } });
    await move("Qualificado");
    await move("Novo");
    await move("Qualificado");
    const rows = await enrollmentsOf(db(), cadenceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ contact_id: contact.id, lead_id: leadId, source: "stage" });
    // A lead without a contact enrolls no one.
    await createLeadRow(db(), { orgId: org.id, pipelineId, stageId: stageId("Qualificado") });
    expect(await enrollmentsOf(db(), cadenceId)).toHaveLength(1);
  });

  it("enrolls a segment in bulk, leaving out opted-out contacts and those already active", async () => {
    const { org } = await setup("cad-segment");
    const tag = await insertTag(db(), org.id, "vip");
    const cadenceId = await createActiveCadence(db(), org.id, [waitSeconds(60)]);
    const members = [await insertContact(db(), org.id), await insertContact(db(), org.id), await insertContact(db(), org.id, { opted_out: true })];
    for (const member of members) await db().insertInto("contact_tags").values({ org_id: org.id, contact_id: member.id, tag_id: tag.id }).execute();
    await insertContact(db(), org.id);
    const segmentId = await insertSegment(db(), org.id, "VIPs", { tagIds: [tag.id] }).then((row) => row.id);
    await enrollContact(db(), { orgId: org.id, cadenceId, contactId: members[0]!.id });
    expect(await enrollSegment(db(), { orgId: org.id, cadenceId, segmentId })).toEqual({ ok: true, enrolled: 1 });
    expect((await enrollmentsOf(db(), cadenceId)).map((row) => row.contact_id).sort()).toEqual([members[0]!.id, members[1]!.id].sort());
  });
});
