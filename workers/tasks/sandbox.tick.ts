import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { deliverSandboxTick } from "~/modules/inbox/simulator.server";

const payloadSchema = z.object({ connectionId: z.uuid(), externalId: z.string().min(1), to: z.string().min(1), status: z.enum(["delivered", "read"]), reference: z.string().max(512).optional() });

/** The Sandbox's simulated phone reporting delivery or reading, fed back through the webhook pipeline. */
export const sandboxTick: Task = async (payload) => {
  await deliverSandboxTick(getDb(), payloadSchema.parse(payload));
};
