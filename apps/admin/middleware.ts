import { NextResponse, type NextRequest } from 'next/server';

/**
 * /trpc, /api and /media are the API server's, served through the admin's own origin: the
 * HttpOnly session cookie stays first-party and the browser's Origin header is the admin's, so
 * the server's CSRF check sees an allowed origin. A rewrite here (not in next.config, whose
 * rewrites are fixed at build time) reads COMMERCE_API_URL when the admin runs.
 */
export function middleware(request: NextRequest) {
  const target = new URL(request.nextUrl.pathname + request.nextUrl.search, apiUrl());
  return NextResponse.rewrite(target);
}

function apiUrl(): string {
  return process.env.COMMERCE_API_URL || 'http://127.0.0.1:3000';
}

export const config = {
  runtime: 'nodejs',
  matcher: ['/trpc/:path*', '/api/:path*', '/media/:path*'],
};
