// pipelines messages: pt-BR is the source of keys; English must have every one.
export const pipelinesPtBR = {
  "pipelines.title": "Funis",
} as const;

export const pipelinesEn: Record<keyof typeof pipelinesPtBR, string> = {
  "pipelines.title": "Pipelines",
};
