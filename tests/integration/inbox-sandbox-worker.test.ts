import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { getEnv } from "../../app/lib/env.server.js";
import { loadConnection } from "../../app/modules/channels/connections.server.js";
import { queueOutboundMessage } from "../../app/modules/inbox/outbound.server.js";
import { customerThread, setCustomerOnline, writeAsCustomer } from "../../app/modules/inbox/simulator.server.js";
import { startWorker } from "../../workers/runner.js";
import { createOrgWithOwner } from "../support/factories.js";
import { clearJobQueue, conversationFor, createSandbox, newPhone } from "../support/inbox-fixtures.js";

const db = () => getDb();
let worker: Awaited<ReturnType<typeof startWorker>>;

beforeAll(async () => {
  await clearJobQueue(db());
  worker = await startWorker({ connectionString: getEnv().DATABASE_URL, db: db(), concurrency: 4, tasks: ["webhookEvent.process", "message.send", "sandbox.tick"] });
});
afterAll(() => worker?.stop());

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 12_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const statusOf = (id: string) => () => db().selectFrom("messages").select(["status", "delivered_at", "read_at"]).where("id", "=", id).executeTakeFirstOrThrow();

describe("Sandbox round trip through the worker", () => {
  it("customer writes → inbox → reply sent → delivered → read; an offline phone holds the ticks", { timeout: 45_000 }, async () => {
    const { org, owner } = await createOrgWithOwner(db(), "sandbox-worker");
    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();

    expect(await writeAsCustomer(db(), connection, { phone, name: "Cliente Teste", text: "Oi, vocês abrem sábado?" })).toEqual({ ok: true, phone });
    const inbound = await eventually(
      () => db().selectFrom("messages").select(["body", "status", "conversation_id"]).where("connection_id", "=", connection.id).where("direction", "=", "inbound").execute(),
      (rows) => rows.length === 1,
    );
    expect(inbound[0]).toMatchObject({ body: "Oi, vocês abrem sábado?", status: "received" });

    const conversation = await conversationFor(db(), connection, phone);
    const reply = await queueOutboundMessage(db(), { orgId: org.id, conversationId: conversation.id, content: { type: "text", text: "Abrimos sim, das 9h às 13h." }, senderType: "user", senderUserId: owner.id });
    const read = await eventually(statusOf(reply.id), (row) => row.status === "read");
    expect(read.delivered_at).not.toBeNull();
    expect(read.delivered_at!.getTime()).toBeLessThanOrEqual(read.read_at!.getTime());
    // The customer's side of the simulator shows the reply.
    expect((await customerThread(db(), connection, conversation.contact_id)).map((message) => [message.fromCustomer, message.body])).toEqual([
      [true, "Oi, vocês abrem sábado?"],
      [false, "Abrimos sim, das 9h às 13h."],
    ]);

    // Phone off: the next reply is sent but never delivered until the phone comes back.
    await setCustomerOnline(db(), connection, phone, false);
    const offlineConnection = (await loadConnection(db(), org.id, connection.id))!;
    const second = await queueOutboundMessage(db(), { orgId: org.id, conversationId: conversation.id, content: { type: "text", text: "Até lá!" }, senderType: "user" });
    await eventually(statusOf(second.id), (row) => row.status === "sent");
    const ticksDone = await eventually(
      () => db().selectFrom("webhook_events").select("id").where("connection_id", "=", connection.id).where("processed_at", "is", null).execute(),
      (rows) => rows.length === 0,
    );
    expect(ticksDone).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect((await statusOf(second.id)()).status).toBe("sent");

    await setCustomerOnline(db(), offlineConnection, phone, true);
    await eventually(statusOf(second.id), (row) => row.status === "read");
  });
});
