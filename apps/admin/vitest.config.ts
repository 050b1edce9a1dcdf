import { defineConfig } from 'vitest/config';

// Unit tests of the admin's plain helpers; the browser specs in e2e/ run under Playwright.
export default defineConfig({
  test: { include: ['lib/**/*.test.ts'] },
});
