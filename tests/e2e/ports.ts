// Overridable so two e2e runs can share a machine.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_REALTIME_PORT = Number(process.env.E2E_REALTIME_PORT ?? 3101);
export const E2E_DATABASE = process.env.E2E_DATABASE ?? "masteria_e2e";
