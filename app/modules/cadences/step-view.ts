import type { StoredStep } from "./cadences.server";
import { waitAmount } from "./steps";

type Names = {
  connections: Array<{ id: string; name: string }>;
  tags: Array<{ id: string; name: string }>;
  stages: Array<{ id: string; name: string; pipelineName: string }>;
};

/** A stored step with the names it points at, for the pages (components never import domain modules). */
export function stepView(stored: Pick<StoredStep, "kind" | "step">, names: Names) {
  const { step } = stored;
  if (!step) return { kind: "invalid" as const, storedKind: stored.kind };
  switch (step.kind) {
    case "wait":
      return step.config.mode === "business_hours" ? { kind: "wait" as const, mode: "business_hours" as const } : { kind: "wait" as const, mode: "duration" as const, ...waitAmount(step.config.seconds) };
    case "send":
      return { kind: "send" as const, connectionId: step.config.connectionId, connectionName: names.connections.find((item) => item.id === step.config.connectionId)?.name ?? null, text: step.config.text };
    case "tag_add":
    case "tag_remove":
      return { kind: step.kind, tagId: step.config.tagId, tagName: names.tags.find((item) => item.id === step.config.tagId)?.name ?? null };
    case "move_stage": {
      const stage = names.stages.find((item) => item.id === step.config.stageId);
      return { kind: "move_stage" as const, stageId: step.config.stageId, stageName: stage ? `${stage.pipelineName} › ${stage.name}` : null };
    }
  }
}
