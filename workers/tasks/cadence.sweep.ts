import type { Task } from "graphile-worker";
import { getDb } from "~/lib/db.server";
import { sweepCadenceEnrollments } from "~/modules/cadences/recovery.server";

/** Every minute: enrollments whose step job died with its worker get a new one. */
export const cadenceSweep: Task = async () => {
  await sweepCadenceEnrollments(getDb());
};
