import type { Database } from "../../db/index.js";
import { createCadence, editSteps, setCadenceStatus } from "../../app/modules/cadences/cadences.server.js";
import type { CadenceStep } from "../../app/modules/cadences/steps.js";

/** An active cadence with these steps (version 1 empty, version 2 with the steps). */
export async function createActiveCadence(
  db: Database,
  orgId: string,
  steps: CadenceStep[],
  options: { name?: string; triggerTagId?: string; triggerStageId?: string; exitOnReply?: boolean; status?: "active" | "paused" } = {},
) {
  const cadenceId = await createCadence(db, { orgId, name: options.name ?? "Boas-vindas", actor: { type: "system" } });
  for (const step of steps) {
    const result = await editSteps(db, { orgId, cadenceId, edit: { op: "add", step }, userId: null });
    if (!result.ok) throw new Error(`step not added: ${result.reason}`);
  }
  await db
    .updateTable("cadences")
    .set({ trigger_tag_id: options.triggerTagId ?? null, trigger_stage_id: options.triggerStageId ?? null, exit_on_reply: options.exitOnReply ?? true })
    .where("id", "=", cadenceId)
    .execute();
  if ((options.status ?? "active") === "active") await setCadenceStatus(db, { orgId, cadenceId, status: "active", actor: { type: "system" } });
  return cadenceId;
}

export const sendStep = (connectionId: string, text: string): CadenceStep => ({ kind: "send", config: { connectionId, text } });
export const waitSeconds = (seconds: number): CadenceStep => ({ kind: "wait", config: { mode: "duration", seconds } });

export function enrollmentsOf(db: Database, cadenceId: string) {
  return db.selectFrom("cadence_enrollments").selectAll().where("cadence_id", "=", cadenceId).orderBy("created_at").execute();
}

export function stepRunsOf(db: Database, enrollmentId: string) {
  return db.selectFrom("cadence_step_runs").select(["position", "kind", "status", "detail", "message_id", "ran_at"]).where("enrollment_id", "=", enrollmentId).orderBy("position").execute();
}
