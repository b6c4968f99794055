import { useT } from "~/lib/i18n";
import { cn } from "../ui/cn";

export type AiModeView = { kind: "offline" } | { kind: "openai"; baseURL: string | null; chatModel: string; keySource: string };

/** Which AI is active, said plainly: offline, or which OpenAI-compatible server and model. */
export function AiModeBadge({ mode, detailed = false }: { mode: AiModeView; detailed?: boolean }) {
  const t = useT();
  const offline = mode.kind === "offline";
  return (
    <div className="space-y-1" data-testid="ai-mode" data-mode={mode.kind}>
      <span className={cn("inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1", offline ? "bg-amber-50 text-amber-900 ring-amber-200" : "bg-emerald-50 text-emerald-900 ring-emerald-200")}>
        <span aria-hidden="true" className={cn("h-1.5 w-1.5 rounded-full", offline ? "bg-amber-500" : "bg-emerald-500")} />
        {offline ? t("ai.mode.offline") : t("ai.mode.openai")}
      </span>
      {detailed ? (
        <p className="text-sm text-slate-600">
          {mode.kind === "offline"
            ? t("ai.mode.offlineHint")
            : t("ai.mode.openaiHint", { baseUrl: mode.baseURL ?? t("ai.mode.defaultBaseUrl"), model: mode.chatModel })}
          {mode.kind === "openai" && mode.keySource === "environment" ? ` ${t("ai.mode.keyFromEnv")}` : null}
        </p>
      ) : null}
    </div>
  );
}

export function toModeView(mode: { kind: "offline" } | { kind: "openai"; baseURL?: string; chatModel: string; keySource: string }): AiModeView {
  return mode.kind === "offline" ? { kind: "offline" } : { kind: "openai", baseURL: mode.baseURL ?? null, chatModel: mode.chatModel, keySource: mode.keySource };
}
