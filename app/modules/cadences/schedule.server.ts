import type { Database } from "#db/index.js";
import { enqueueJobs, type JobSpec } from "../inbox/jobs.server";

export const CADENCE_STEP_TASK = "cadence.step";

/**
 * One keyed job per enrollment: a later schedule replaces an earlier one still waiting, so an
 * enrollment never has two pending steps. The payload names the step it expects to run; a job that
 * arrives for a step already passed finds a different position and does nothing.
 */
export function stepJob(enrollment: { id: string; position: number; runAt: Date }): JobSpec {
  return {
    identifier: CADENCE_STEP_TASK,
    payload: { enrollmentId: enrollment.id, position: enrollment.position },
    runAt: enrollment.runAt,
    jobKey: `cadenceEnrollment:${enrollment.id}`,
    maxAttempts: 10,
  };
}

export function scheduleSteps(db: Database, enrollments: Array<{ id: string; position: number; runAt: Date }>): Promise<void> {
  return enqueueJobs(db, enrollments.map(stepJob));
}
