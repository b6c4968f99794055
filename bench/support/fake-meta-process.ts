/**
 * The fake Graph API in its own process, so the benches' worker does not share its event loop and a
 * killed worker never takes the request log with it. Driven over IPC: start → ready { baseUrl },
 * stats → { requests, perRecipient }, reset, latency { ms }, webhooks { url, appSecret } (post a signed
 * "sent" status webhook for every accepted message, as Meta does; url null stops).
 */
import { startFakeMetaGraph, type FakeMetaGraph } from "../../tests/fakes/meta-graph.js";

type Command =
  | { type: "start"; accessToken: string; phoneNumberId: string; wabaId: string }
  | { type: "stats" }
  | { type: "reset" }
  | { type: "latency"; ms: number }
  | { type: "webhooks"; url: string | null; appSecret: string }
  | { type: "stop" };

let graph: FakeMetaGraph | undefined;
const reply = (message: unknown) => process.send?.(message);

process.on("message", (command: Command) => {
  void (async () => {
    if (command.type === "start") {
      graph = await startFakeMetaGraph({ accessToken: command.accessToken, phoneNumberId: command.phoneNumberId, wabaId: command.wabaId });
      reply({ type: "ready", baseUrl: graph.baseUrl });
    } else if (command.type === "stats") {
      const perRecipient: Record<string, number> = {};
      for (const message of graph?.sent ?? []) {
        const to = message.to.replace(/^\+/, "");
        perRecipient[to] = (perRecipient[to] ?? 0) + 1;
      }
      reply({ type: "stats", requests: graph?.sent.length ?? 0, perRecipient });
    } else if (command.type === "reset") {
      graph?.sent.splice(0);
      graph?.requests.splice(0);
      reply({ type: "reset" });
    } else if (command.type === "webhooks") {
      graph?.postStatusWebhooks(command.url ? { url: command.url, appSecret: command.appSecret } : null);
      reply({ type: "webhooks" });
    } else if (command.type === "latency") {
      graph?.setLatency(command.ms);
      reply({ type: "latency" });
    } else {
      await graph?.close();
      process.exit(0);
    }
  })();
});
// The request log is never needed past the bench, and memory stays flat on 20,000 sends.
setInterval(() => graph?.requests.splice(0), 1_000).unref();
