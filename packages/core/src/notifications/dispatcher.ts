import { randomUUID } from 'node:crypto';
import { outbox } from '@commerce/db';
import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Deps } from '../deps';

/** A claimed outbox row. `attempts` counts this one. */
export interface OutboxJob {
  id: number;
  eventId: string;
  type: string;
  payload: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
}

export interface JobHandler {
  run(job: OutboxJob): Promise<void>;
  /** Tries before the row is marked failed (default 10). */
  maxAttempts?: number;
  /** Seconds to wait after failed try number `attempt` (default: 30 s doubling, at most an hour). */
  backoffSeconds?(attempt: number): number;
  /** Called once the last try failed, to record it where people look (a webhook delivery's log). */
  onGiveUp?(job: OutboxJob, error: unknown): Promise<void>;
  /** The payload holds a secret (a password reset token): it is erased once the row is done. */
  sensitive?: boolean;
}

export type JobHandlers = Record<string, JobHandler>;

export interface DispatcherOptions {
  handlers: JobHandlers;
  /** Names this process in `locked_by` (default: a random id). */
  workerId?: string;
  /**
   * How long a claim holds before another process may take the row again. Longer than any
   * delivery takes (webhooks time out after 10 s): a lease that runs out while its holder still
   * works means a second delivery, which at-least-once allows but receivers would rather not see.
   */
  leaseSeconds?: number;
  /** Rows claimed at a time, delivered concurrently. */
  batchSize?: number;
  /** Runs before each batch is claimed (the daily digest schedules itself there). */
  beforeClaim?(): Promise<void>;
  onError?(error: unknown, job?: OutboxJob): void;
}

const defaultBackoff = (attempt: number) => Math.min(3600, 30 * 2 ** (attempt - 1));
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/**
 * Delivers outbox rows: claims due ones (FOR UPDATE SKIP LOCKED, so processes running side by
 * side never claim the same row) under a lease on the clock, runs each row's handler, then marks
 * it done, or due again later with backoff, or failed after its last try. A process killed mid-
 * delivery leaves its lease to run out; the row is then claimed again (at least once).
 */
export class Dispatcher {
  readonly workerId: string;
  private readonly leaseSeconds: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;
  private intervalMs = 1000;

  constructor(
    private readonly deps: Pick<Deps, 'db' | 'clock'>,
    private readonly options: DispatcherOptions,
  ) {
    this.workerId = options.workerId ?? randomUUID();
    this.leaseSeconds = options.leaseSeconds ?? 60;
    this.batchSize = options.batchSize ?? 10;
  }

  /** Claims due rows and marks them this worker's until the lease runs out. */
  async claim(limit = this.batchSize): Promise<OutboxJob[]> {
    const now = this.deps.clock.now();
    const leaseUntil = new Date(now.getTime() + this.leaseSeconds * 1000);
    const due = this.deps.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          isNull(outbox.completedAt),
          isNull(outbox.failedAt),
          lte(outbox.runAt, now),
          or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, now)),
        ),
      )
      .orderBy(outbox.runAt, outbox.id)
      .limit(limit)
      .for('update', { skipLocked: true });
    const rows = await this.deps.db
      .update(outbox)
      .set({ lockedUntil: leaseUntil, lockedBy: this.workerId, attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due))
      .returning({
        id: outbox.id,
        eventId: outbox.eventId,
        type: outbox.type,
        payload: outbox.payload,
        attempts: outbox.attempts,
        createdAt: outbox.createdAt,
      });
    return rows.sort((a, b) => a.id - b.id);
  }

  /** Claims one batch and delivers it; answers how many rows it took. */
  async runOnce(): Promise<number> {
    await this.options.beforeClaim?.();
    const jobs = await this.claim();
    const delivered = (await Promise.all(jobs.map(async (job) => ((await this.deliver(job)) ? [job] : [])))).flat();
    await this.settleDelivered(delivered);
    return jobs.length;
  }

  /** Delivers until nothing is due (tests, `cli`); answers how many rows it took. */
  async drain(): Promise<number> {
    let total = 0;
    for (let taken = await this.runOnce(); taken > 0; taken = await this.runOnce()) total += taken;
    return total;
  }

  /** Runs one job's handler; true when it succeeded (settled with its batch), else settles it now. */
  private async deliver(job: OutboxJob): Promise<boolean> {
    const handler = this.options.handlers[job.type];
    try {
      if (!handler) throw new Error(`no handler for outbox type ${job.type}`);
      await handler.run(job);
      return true;
    } catch (error) {
      this.options.onError?.(error, job);
      const now = this.deps.clock.now();
      const maxAttempts = handler?.maxAttempts ?? 10;
      const erase = handler?.sensitive ? { payload: {} } : {};
      if (job.attempts >= maxAttempts) {
        await handler?.onGiveUp?.(job, error).catch((e: unknown) => this.options.onError?.(e, job));
        await this.deps.db
          .update(outbox)
          .set({ failedAt: now, lockedUntil: null, lastError: errorText(error), ...erase })
          .where(this.held([job]));
      } else {
        const delay = (handler?.backoffSeconds ?? defaultBackoff)(job.attempts);
        await this.deps.db
          .update(outbox)
          .set({ runAt: new Date(now.getTime() + delay * 1000), lockedUntil: null, lastError: errorText(error) })
          .where(this.held([job]));
      }
      return false;
    }
  }

  /**
   * Only rows this worker still holds, at the try it made, are settled: if its lease ran out and
   * another worker (or this one, again) took a row, that claim settles it.
   */
  private held(jobs: readonly OutboxJob[]) {
    const claims = sql.join(jobs.map((job) => sql`(${job.id}::bigint, ${job.attempts}::int)`), sql`, `);
    return and(eq(outbox.lockedBy, this.workerId), sql`(${outbox.id}, ${outbox.attempts}) in (${claims})`);
  }

  /** Marks a batch's delivered rows done in one statement, erasing secret payloads. */
  private async settleDelivered(jobs: readonly OutboxJob[]): Promise<void> {
    if (!jobs.length) return;
    const sensitive = jobs.filter((job) => this.options.handlers[job.type]?.sensitive).map((job) => job.id);
    await this.deps.db
      .update(outbox)
      .set({
        completedAt: this.deps.clock.now(),
        lockedUntil: null,
        lastError: null,
        ...(sensitive.length && { payload: sql`case when ${inArray(outbox.id, sensitive)} then '{}'::jsonb else ${outbox.payload} end` }),
      })
      .where(this.held(jobs));
  }

  /** Polls every `intervalMs` (sooner while batches come back full) until `stop`. */
  start(intervalMs: number): void {
    this.intervalMs = intervalMs;
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    let full = false;
    try {
      full = (await (this.running = this.runOnce())) === this.batchSize;
    } catch (error) {
      this.options.onError?.(error);
    }
    this.running = undefined;
    if (!this.stopped) this.schedule(full ? 0 : this.intervalMs);
  }

  /** Stops polling and waits for the batch in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
