import type { Task } from "graphile-worker";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { runCadenceStep } from "~/modules/cadences/engine.server";

const payloadSchema = z.object({ enrollmentId: z.uuid(), position: z.number().int().min(0) });

/** One step of one cadence enrollment; it schedules the next step itself. */
export const cadenceStep: Task = async (payload) => {
  const job = payloadSchema.parse(payload);
  await runCadenceStep(getDb(), job);
};
