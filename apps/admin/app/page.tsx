// Placeholder home page: the dashboard itself comes later. It shows whether the API server
// answers, checked on every request (never at build time).
export const dynamic = 'force-dynamic';

const apiUrl = process.env.COMMERCE_API_URL ?? 'http://127.0.0.1:3000';

type ServerHealth = { reachable: true; status: string } | { reachable: false; status: string };

async function serverHealth(): Promise<ServerHealth> {
  try {
    const res = await fetch(`${apiUrl}/health`, { cache: 'no-store', signal: AbortSignal.timeout(3000) });
    if (!res.ok) return { reachable: true, status: `HTTP ${res.status}` };
    const body: unknown = await res.json().catch(() => null);
    const status =
      body && typeof body === 'object' && 'status' in body && typeof body.status === 'string' ? body.status : 'ok';
    return { reachable: true, status };
  } catch {
    return { reachable: false, status: 'server unreachable' };
  }
}

export default async function HomePage() {
  const health = await serverHealth();
  return (
    <main>
      <h1>Commerce admin</h1>
      <p>
        API server: <strong data-testid="server-status">{health.status}</strong>
      </p>
    </main>
  );
}
