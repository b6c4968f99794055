import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createEventBus, type BusLogger, type EventBus } from "./bus.server";
import { createPostgresEventBus } from "./postgres-bus.server";
import { createRedisEventBus } from "./redis-bus.server";
import { LiveEventTypes, type LiveEvent } from "./types";

const databaseUrl = process.env.DATABASE_URL!;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const channel = `test_live_events_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

function fakeLogger() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as BusLogger & {
    warn: ReturnType<typeof vi.fn>;
  };
}

function event(orgId: string, messageId = "m1"): LiveEvent {
  return { orgId, type: LiveEventTypes.messageCreated, ids: { messageId }, at: new Date().toISOString() };
}

/** Subscribes and exposes what arrived, with a way to wait for the n-th event. */
async function record(bus: EventBus) {
  const events: LiveEvent[] = [];
  const unsubscribe = await bus.subscribe((received) => events.push(received));
  const waitFor = (count: number) => vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(count), { timeout: 5_000 });
  return { events, unsubscribe, waitFor };
}

const open: EventBus[] = [];
const track = (bus: EventBus) => (open.push(bus), bus);
afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
});

type Implementation = {
  name: string;
  create: (logger?: BusLogger) => EventBus;
  publishRaw: (payload: string) => Promise<void>;
};

const rawRedis = new Redis(redisUrl);
const rawPg = new pg.Client({ connectionString: databaseUrl });
await rawPg.connect();
afterAll(async () => {
  await rawRedis.quit();
  await rawPg.end();
});

const implementations: Implementation[] = [
  {
    name: "redis",
    create: (logger = fakeLogger()) => track(createRedisEventBus({ redisUrl, channel, logger })),
    publishRaw: async (payload) => void (await rawRedis.publish(channel, payload)),
  },
  {
    name: "postgres",
    create: (logger = fakeLogger()) => track(createPostgresEventBus({ databaseUrl, channel, logger })),
    publishRaw: async (payload) => void (await rawPg.query("SELECT pg_notify($1, $2)", [channel, payload])),
  },
];

describe.each(implementations)("$name event bus", ({ create, publishRaw }) => {
  it("delivers an event published by one instance to another instance's subscriber", async () => {
    const publisher = create();
    const subscriber = await record(create());
    const sent = event("org-a", "m-1");
    await publisher.publish(sent);
    await subscriber.waitFor(1);
    expect(subscriber.events).toEqual([sent]);
  });

  it("stops delivering after unsubscribe", async () => {
    const publisher = create();
    const listeningBus = create();
    const kept = await record(listeningBus);
    const dropped = await record(listeningBus);
    await dropped.unsubscribe();
    await publisher.publish(event("org-a"));
    await kept.waitFor(1);
    expect(dropped.events).toEqual([]);
  });

  it("logs and drops malformed payloads, then keeps delivering", async () => {
    const logger = fakeLogger();
    const subscriber = await record(create(logger));
    await publishRaw("not json {");
    await publishRaw(JSON.stringify({ orgId: "org-a", type: "message.exploded", ids: {} }));
    await publishRaw(JSON.stringify({ orgId: "org-a", type: "message.created", ids: { messageId: 42 } }));
    await publishRaw(JSON.stringify(event("org-a", "m-ok")));
    await subscriber.waitFor(1);
    expect(subscriber.events.map((received) => received.ids.messageId)).toEqual(["m-ok"]);
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(logger.warn.mock.calls[0]?.[1]).toBe("dropped malformed live event");
  });

  it("rejects invalid and oversized events before sending them", async () => {
    const bus = create();
    await expect(bus.publish({ ...event("org-a"), type: "nope" as LiveEvent["type"] })).rejects.toThrow(/invalid live event/);
    const huge = { ...event("org-a"), ids: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`id${i}`, "x".repeat(150)])) };
    await expect(bus.publish(huge)).rejects.toThrow(/limit is 7999 .*Send ids only/);
  });

  it("refuses to publish or subscribe after close", async () => {
    const bus = create();
    await bus.close();
    await expect(bus.publish(event("org-a"))).rejects.toThrow(/closed/);
    await expect(bus.subscribe(() => {})).rejects.toThrow(/closed/);
  });
});

describe("postgres event bus listener", () => {
  it("reconnects after its connection is killed", async () => {
    const logger = fakeLogger();
    const publisher = track(createPostgresEventBus({ databaseUrl, channel, logger }));
    const subscriber = await record(track(createPostgresEventBus({ databaseUrl, channel, logger })));
    const { rowCount } = await rawPg.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = $1",
      [`LISTEN ${channel}`],
    );
    expect(rowCount).toBe(1);
    // Notifications sent while it reconnects are lost, so keep publishing until one arrives.
    await vi.waitFor(
      async () => {
        await publisher.publish(event("org-a", "after-reconnect"));
        expect(subscriber.events.length).toBeGreaterThan(0);
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(logger.warn).toHaveBeenCalledWith(expect.anything(), expect.stringMatching(/reconnecting/));
  });

  it("rejects a channel name that is not a plain identifier", () => {
    expect(() => createPostgresEventBus({ databaseUrl, channel: "x; DROP TABLE", logger: fakeLogger() })).toThrow(/channel/);
  });
});

describe("createEventBus", () => {
  it("uses Redis when a URL is given and Postgres otherwise", async () => {
    const viaRedis = await record(track(createRedisEventBus({ redisUrl, channel, logger: fakeLogger() })));
    const viaPostgres = await record(track(createPostgresEventBus({ databaseUrl, channel, logger: fakeLogger() })));
    await track(createEventBus({ redisUrl, databaseUrl, channel })).publish(event("org-r", "to-redis"));
    await track(createEventBus({ databaseUrl, channel })).publish(event("org-p", "to-postgres"));
    await viaRedis.waitFor(1);
    await viaPostgres.waitFor(1);
    expect(viaRedis.events.map((e) => e.orgId)).toEqual(["org-r"]);
    expect(viaPostgres.events.map((e) => e.orgId)).toEqual(["org-p"]);
  });
});
