import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { enrollContact } from "../../app/modules/cadences/enrollments.server.js";
import { runCadenceStep } from "../../app/modules/cadences/engine.server.js";
import { testAppForThisFile } from "../support/app-server.js";
import { createActiveCadence, enrollmentsOf, sendStep, waitSeconds } from "../support/cadences-factories.js";
import { insertContact, insertSegment, insertTag } from "../support/contacts-factories.js";
import { addMember, createOrgWithOwner } from "../support/factories.js";
import { createSandbox } from "../support/inbox-fixtures.js";
import { createPipelineWithStages } from "../support/pipelines-factories.js";
import { type CrossOrgRequest, expectOtherOrgGets404 } from "../support/tenant-isolation.js";

const app = testAppForThisFile();
const signedIn = app.signedIn;

const db = () => getDb();


const html = async (response: Response) => (await response.text()).replaceAll("&nbsp;", " ").replaceAll("\u00a0", " ").replaceAll("&#x27;", "'");

async function steps(cadenceId: string) {
  const cadence = await db().selectFrom("cadences").select("current_version_id").where("id", "=", cadenceId).executeTakeFirstOrThrow();
  return db().selectFrom("cadence_steps").select(["position", "kind", "config"]).where("version_id", "=", cadence.current_version_id!).orderBy("position").execute();
}

describe("cadence pages", () => {
  it("builds a cadence without JavaScript: create, add/edit/reorder/delete steps (each a new version), settings, activate, enroll, timeline, exit", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "cad-pages");
    const connection = await createSandbox(db(), org.id);
    const contact = await insertContact(db(), org.id, { name: "Paula Reis" });
    const client = await signedIn(owner.email);

    const empty = await client.post("/cadences", { name: "  " });
    expect(empty.status).toBe(400);
    expect(await html(empty)).toContain("Campo obrigatório.");
    const created = await client.post("/cadences", { name: "Pós-venda" });
    expect(created.status).toBe(302);
    const editPath = created.headers.get("location")!;
    const cadenceId = editPath.split("/")[2]!;
    expect(editPath).toBe(`/cadences/${cadenceId}/edit`);

    const badWait = await client.post(editPath, { intent: "addStep", kind: "wait", mode: "duration", amount: "0", unit: "minutes" });
    expect(badWait.status).toBe(400);
    expect(await html(badWait)).toContain("Informe um número inteiro maior que zero.");
    const noText = await client.post(editPath, { intent: "addStep", kind: "send", connectionId: connection.id, text: " " });
    expect(noText.status).toBe(400);
    expect((await client.post(editPath, { intent: "addStep", kind: "send", connectionId: connection.id, text: "Oi {{first_name}}" })).status).toBe(302);
    expect((await client.post(editPath, { intent: "addStep", kind: "wait", mode: "duration", amount: "2", unit: "days" })).status).toBe(302);
    expect((await client.post(editPath, { intent: "addStep", kind: "wait", mode: "business_hours" })).status).toBe(302);
    expect((await client.post(editPath, { intent: "addStep", kind: "send", connectionId: connection.id, text: "Tudo certo?" })).status).toBe(302);
    expect((await client.post(editPath, { intent: "deleteStep", position: "2" })).status).toBe(302);
    expect((await client.post(editPath, { intent: "moveStep", position: "2", direction: "up" })).status).toBe(302);
    expect((await client.post(editPath, { intent: "updateStep", position: "2", kind: "wait", mode: "duration", amount: "3", unit: "hours" })).status).toBe(302);
    expect((await client.post(editPath, { intent: "deleteStep", position: "9" })).status).toBe(404);
    expect((await steps(cadenceId)).map((step) => [step.kind, step.config])).toEqual([
      ["send", { connectionId: connection.id, text: "Oi {{first_name}}" }],
      ["send", { connectionId: connection.id, text: "Tudo certo?" }],
      ["wait", { mode: "duration", seconds: 3 * 3600 }],
    ]);
    const versions = await db().selectFrom("cadence_versions").select("number").where("cadence_id", "=", cadenceId).execute();
    expect(versions).toHaveLength(8); // the empty first version plus one per saved change

    const editPage = await html(await client.get(editPath));
    expect(editPage).toContain("Esperar 3 h");
    expect(editPage).toContain("versão 8");

    const badHours = await client.post(editPath, { intent: "settings", name: "Pós-venda", start: "18:00", end: "09:00", days: "1" });
    expect(badHours.status).toBe(400);
    expect(await html(badHours)).toContain("O fechamento precisa ser depois da abertura.");
    expect((await client.post(editPath, { intent: "settings", name: "Pós-venda VIP", start: "08:00", end: "17:00", days: "2", exitOnReply: "on" })).status).toBe(302);
    expect(await db().selectFrom("cadences").select(["name", "business_hours", "exit_on_reply", "exit_on_lead_closed"]).where("id", "=", cadenceId).executeTakeFirstOrThrow()).toEqual({
      name: "Pós-venda VIP",
      business_hours: { days: [2], start: "08:00", end: "17:00" },
      exit_on_reply: true,
      exit_on_lead_closed: false,
    });

    const page = `/cadences/${cadenceId}`;
    const inactive = await client.post(page, { intent: "enroll", contactId: contact.id });
    expect(inactive.status).toBe(409);
    expect(await html(inactive)).toContain("Ative a cadência antes de inscrever contatos.");
    expect((await client.post(page, { intent: "status", status: "active" })).status).toBe(302);

    const picker = await html(await client.get(`${page}?q=paula`));
    expect(picker).toContain("Paula Reis");
    const enrolled = await client.post(page, { intent: "enroll", contactId: contact.id });
    expect(enrolled.status).toBe(302);
    const timelinePath = enrolled.headers.get("location")!;
    const enrollmentId = timelinePath.split("/").at(-1)!;
    expect(timelinePath).toBe(`${page}/enrollments/${enrollmentId}`);
    const again = await client.post(page, { intent: "enroll", contactId: contact.id });
    expect(again.status).toBe(409);
    expect(await html(again)).toContain("Este contato já está nesta cadência.");

    await runCadenceStep(db(), { enrollmentId, position: 0 });
    const timeline = await html(await client.get(timelinePath));
    expect(timeline).toContain("Inscrito manualmente");
    expect(timeline).toContain("Passo 1 feito (Enviar mensagem)");
    expect(timeline).toContain("Passo 2 agendado (Enviar mensagem)");

    const detail = await html(await client.get(page));
    expect(detail).toContain("1 feitos · 0 pulados · 0 com erro · 0 aguardando");
    expect(detail).toContain("0 feitos · 0 pulados · 0 com erro · 1 aguardando");
    expect(detail).toContain("Em andamento (1)");
    const list = await html(await client.get("/cadences"));
    expect(list).toContain("Pós-venda VIP");

    expect((await client.post(timelinePath, { intent: "exit" })).status).toBe(302);
    const exited = await html(await client.get(timelinePath));
    expect(exited).toContain("Saiu da cadência: Retirado manualmente");
    expect((await enrollmentsOf(db(), cadenceId))[0]).toMatchObject({ status: "exited", exit_reason: "manual", exited_by: owner.id });

    // The contact page's cadence tab enrolls too, and lists the enrollments.
    const contactPage = `/contacts/${contact.id}/cadences`;
    expect((await client.post(contactPage, { intent: "enroll", cadenceId })).status).toBe(302);
    const contactCadences = await html(await client.get(contactPage));
    expect(contactCadences).toContain("Pós-venda VIP");
    expect(contactCadences.match(/data-testid="contact-enrollment"/g)).toHaveLength(2);
    expect((await client.post(page, { intent: "status", status: "archived" })).status).toBe(302);
    expect((await enrollmentsOf(db(), cadenceId)).map((row) => row.exit_reason).sort()).toEqual(["cadence_archived", "manual"]);
  });

  it("enrolls a segment from the cadence page", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "cad-seg-page");
    const tag = await insertTag(db(), org.id, "lista");
    const cadenceId = await createActiveCadence(db(), org.id, [waitSeconds(60)]);
    for (let index = 0; index < 3; index += 1) {
      const contact = await insertContact(db(), org.id);
      await db().insertInto("contact_tags").values({ org_id: org.id, contact_id: contact.id, tag_id: tag.id }).execute();
    }
    const segment = await insertSegment(db(), org.id, "Lista", { tagIds: [tag.id] });
    const client = await signedIn(owner.email);
    const response = await client.post(`/cadences/${cadenceId}`, { intent: "enrollSegment", segmentId: segment.id });
    expect(response.status).toBe(302);
    expect(await enrollmentsOf(db(), cadenceId)).toHaveLength(3);
    expect((await client.post(`/cadences/${cadenceId}`, { intent: "enrollSegment", segmentId: "nope" })).status).toBe(400);
  });

  it("pages the enrollment list newest first and filters it by status", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "cad-paging");
    const cadenceId = await createActiveCadence(db(), org.id, [waitSeconds(60)]);
    const { current_version_id: versionId } = await db().selectFrom("cadences").select("current_version_id").where("id", "=", cadenceId).executeTakeFirstOrThrow();
    const contacts = await db()
      .insertInto("contacts")
      .values(Array.from({ length: 55 }, (_, index) => ({ org_id: org.id, name: `Pessoa ${String(index).padStart(2, "0")}`, phone: `+5511970${String(index).padStart(6, "0")}` })))
      .returning("id")
      .execute();
    await db()
      .insertInto("cadence_enrollments")
      .values(
        contacts.map((contact, index) => ({
          org_id: org.id,
          cadence_id: cadenceId,
          version_id: versionId!,
          contact_id: contact.id,
          source: "manual",
          status: index % 5 === 0 ? "completed" : "active",
          created_at: new Date(Date.UTC(2026, 0, 1, 0, index)),
        })),
      )
      .execute();
    const client = await signedIn(owner.email);
    const first = await html(await client.get(`/cadences/${cadenceId}`));
    expect(first.match(/data-testid="enrollment-row"/g)).toHaveLength(50);
    expect(first).toContain("Pessoa 54");
    expect(first).not.toContain("Pessoa 04");
    const cursor = /cursor=([^"&]+)/.exec(first)![1]!;
    const second = await html(await client.get(`/cadences/${cadenceId}?cursor=${cursor}`));
    expect(second.match(/data-testid="enrollment-row"/g)).toHaveLength(5);
    expect(second).toContain("Pessoa 00");
    const completed = await html(await client.get(`/cadences/${cadenceId}?status=completed`));
    expect(completed.match(/data-testid="enrollment-row"/g)).toHaveLength(11);
    expect(completed).toContain("Concluídas (11)");
    expect((await client.get(`/cadences/${cadenceId}?cursor=garbage&status=nope`)).status).toBe(200);
  });

  it("a viewer reads cadences but cannot change, enroll or open the editor", async () => {
    const { org } = await createOrgWithOwner(db(), "cad-viewer");
    const connection = await createSandbox(db(), org.id);
    const cadenceId = await createActiveCadence(db(), org.id, [sendStep(connection.id, "Oi")]);
    const contact = await insertContact(db(), org.id);
    const enrolled = await enrollContact(db(), { orgId: org.id, cadenceId, contactId: contact.id });
    const enrollmentId = (enrolled as { enrollmentId: string }).enrollmentId;
    const viewer = await addMember(db(), org.id, "viewer");
    const client = await signedIn(viewer.email);
    for (const path of ["/cadences", `/cadences/${cadenceId}`, `/cadences/${cadenceId}/enrollments/${enrollmentId}`, `/contacts/${contact.id}/cadences`]) {
      const response = await client.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(await response.text()).not.toContain("Tirar da cadência");
    }
    expect((await client.get(`/cadences/${cadenceId}/edit`)).status).toBe(403);
    expect((await client.post("/cadences", { name: "Nova" })).status).toBe(403);
    expect((await client.post(`/cadences/${cadenceId}`, { intent: "status", status: "paused" })).status).toBe(403);
    expect((await client.post(`/cadences/${cadenceId}/enrollments/${enrollmentId}`, { intent: "exit" })).status).toBe(403);
    expect((await client.post(`/contacts/${contact.id}/cadences`, { intent: "enroll", cadenceId })).status).toBe(403);
    expect((await enrollmentsOf(db(), cadenceId))[0]!.status).toBe("active");
  });

  it("another organization's cadence, enrollment and contact ids give 404 on every route, and change nothing", async () => {
    let victimCadence = "";
    let victimEnrollment = "";
    await expectOtherOrgGets404(
      app,
      db(),
      async (victim) => {
        const connection = await createSandbox(db(), victim.org.id);
        const contact = await insertContact(db(), victim.org.id);
        victimCadence = await createActiveCadence(db(), victim.org.id, [sendStep(connection.id, "Oi"), waitSeconds(60)]);
        const enrolled = await enrollContact(db(), { orgId: victim.org.id, cadenceId: victimCadence, contactId: contact.id });
        victimEnrollment = (enrolled as { enrollmentId: string }).enrollmentId;
        const cadence = `/cadences/${victimCadence}`;
        const requests: CrossOrgRequest[] = [
          { method: "GET", path: cadence },
          { method: "GET", path: `${cadence}/edit` },
          { method: "GET", path: `${cadence}/enrollments/${victimEnrollment}` },
          { method: "GET", path: `/contacts/${contact.id}/cadences` },
          { method: "POST", path: cadence, form: { intent: "status", status: "paused" } },
          { method: "POST", path: cadence, form: { intent: "exit", enrollmentId: victimEnrollment } },
          { method: "POST", path: `${cadence}/edit`, form: { intent: "deleteStep", position: "0" } },
          { method: "POST", path: `${cadence}/edit`, form: { intent: "settings", name: "x", start: "09:00", end: "18:00", days: "1" } },
          { method: "POST", path: `${cadence}/enrollments/${victimEnrollment}`, form: { intent: "exit" } },
          { method: "POST", path: `/contacts/${contact.id}/cadences`, form: { intent: "enroll", cadenceId: victimCadence } },
        ];
        return requests;
      },
      async () => {
        expect(await db().selectFrom("cadences").select("status").where("id", "=", victimCadence).executeTakeFirstOrThrow()).toEqual({ status: "active" });
        expect(await db().selectFrom("cadence_enrollments").select("status").where("id", "=", victimEnrollment).executeTakeFirstOrThrow()).toEqual({ status: "active" });
        expect(await db().selectFrom("cadence_versions").select("id").where("cadence_id", "=", victimCadence).execute()).toHaveLength(3);
      },
    );
  });

  it("another organization's contact, segment, connection, tag and stage named in your own forms give 404", async () => {
    const victim = await createOrgWithOwner(db(), "cad-victim");
    const victimContact = await insertContact(db(), victim.org.id);
    const victimSegment = await insertSegment(db(), victim.org.id, "Deles", {});
    const victimConnection = await createSandbox(db(), victim.org.id);
    const victimTag = await insertTag(db(), victim.org.id);
    const { stageId } = await createPipelineWithStages(db(), victim.org.id, ["Deles"]);
    const { org, owner } = await createOrgWithOwner(db(), "cad-attacker");
    const cadenceId = await createActiveCadence(db(), org.id, [waitSeconds(60)]);
    const client = await signedIn(owner.email);
    const page = `/cadences/${cadenceId}`;
    const edit = `${page}/edit`;
    const requests: Array<[string, Record<string, string>]> = [
      [page, { intent: "enroll", contactId: victimContact.id }],
      [page, { intent: "enrollSegment", segmentId: victimSegment.id }],
      [edit, { intent: "addStep", kind: "send", connectionId: victimConnection.id, text: "Oi" }],
      [edit, { intent: "addStep", kind: "tag_add", tagId: victimTag.id }],
      [edit, { intent: "addStep", kind: "move_stage", stageId: stageId("Deles") }],
      [edit, { intent: "settings", name: "x", start: "09:00", end: "18:00", days: "1", triggerTagId: victimTag.id }],
      [edit, { intent: "settings", name: "x", start: "09:00", end: "18:00", days: "1", triggerStageId: stageId("Deles") }],
    ];
    for (const [path, form] of requests) {
      const response = await client.post(path, form);
      expect({ form, status: response.status }).toEqual({ form, status: 404 });
    }
    expect(await enrollmentsOf(db(), cadenceId)).toEqual([]);
    expect(await steps(cadenceId)).toHaveLength(1);
  });
});
