// Where the end-to-end stack listens: the real API server and the built admin, on ports of
// their own so they never meet a developer's `pnpm start`.
export const apiPort = Number(process.env.E2E_API_PORT || 3310);
export const adminPort = Number(process.env.E2E_ADMIN_PORT || 3311);
export const apiUrl = `http://127.0.0.1:${apiPort}`;
export const adminUrl = `http://127.0.0.1:${adminPort}`;

export const admin = { email: 'admin@example.test', password: 'e2e admin password' };
