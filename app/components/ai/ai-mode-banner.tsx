import { useT } from "~/lib/i18n";
import { Alert } from "../ui/card";

/** Says which AI is answering: a connected model, or the honest offline mode. */
export function AiModeBanner({ mode }: { mode: { kind: "openai"; chatModel: string } | { kind: "offline" } }) {
  const t = useT();
  return (
    <div data-testid="ai-mode" data-mode={mode.kind}>
      <Alert kind="info">{mode.kind === "openai" ? t("aiBot.mode.openai", { model: mode.chatModel }) : t("aiBot.mode.offline")}</Alert>
    </div>
  );
}
