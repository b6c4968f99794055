import type { TaskList } from "graphile-worker";
import { sessionsPrune } from "./sessions.prune";

/** One file per task, named `entity.action`; payloads carry ids only. */
export const taskList: TaskList = {
  "sessions.prune": sessionsPrune,
};
