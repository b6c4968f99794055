export const E2E_PORT = 3100;
export const E2E_REALTIME_PORT = 3101;
