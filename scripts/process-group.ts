import { type ChildProcess, spawn } from "node:child_process";
import readline from "node:readline";

const COLORS = { web: 36, worker: 35, realtime: 33 } as Record<string, number>;
const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

/** Pino's JSON lines made readable for a terminal; anything else passes through untouched. */
export function formatLogLine(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const { level, time: _time, msg, process: _process, pid: _pid, hostname: _hostname, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
    return `${LEVELS[Number(level)] ?? level} ${String(msg ?? "")}${extra}`;
  } catch {
    return line;
  }
}

export type ProcessSpec = { name: string; command: string; args: string[] };

/** Runs several processes in one terminal with prefixed output; stopping one stops them all. */
export function runProcessGroup(specs: ProcessSpec[], env: NodeJS.ProcessEnv, onAllExited: (code: number) => void) {
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  let exitCode = 0;

  const prefix = (name: string) => `\x1b[${COLORS[name] ?? 37}m[${name.padEnd(8)}]\x1b[0m`;
  const pipe = (name: string, stream: NodeJS.ReadableStream | null) => {
    if (!stream) return;
    readline.createInterface({ input: stream }).on("line", (line) => process.stdout.write(`${prefix(name)} ${formatLogLine(line)}\n`));
  };

  function stopAll(code: number) {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    for (const child of children.values()) child.kill("SIGTERM");
    setTimeout(() => {
      for (const child of children.values()) child.kill("SIGKILL");
    }, 10_000).unref();
  }

  for (const spec of specs) {
    const child = spawn(spec.command, spec.args, { env: { ...env, MASTERIA_PROCESS: spec.name }, stdio: ["ignore", "pipe", "pipe"] });
    children.set(spec.name, child);
    pipe(spec.name, child.stdout);
    pipe(spec.name, child.stderr);
    child.on("exit", (code, signal) => {
      children.delete(spec.name);
      if (!stopping) {
        process.stdout.write(`${prefix(spec.name)} exited (${signal ?? code}); stopping the others\n`);
        stopAll(code || 1);
      }
      if (children.size === 0) onAllExited(exitCode);
    });
  }
  return { stopAll };
}
