// Background work for the App. A push burst sends one `synchronize` per push; reviewing every
// intermediate head would post comments on commits nobody looks at any more. Per pull request,
// events are debounced and only the newest waiting head is reviewed; one review runs at a time
// per PR. GitHub also redelivers webhooks, so delivery ids already handled are remembered.
// A review that fails (after the client's own bounded retries) is tried again later, a few
// times; only then is the failure handed to onError, which shows it on the pull request.

export interface Keyed {
  key: string;
}

interface Slot<J> {
  pending?: J;
  timer?: NodeJS.Timeout;
  running: boolean;
  /** Failed runs of the job now pending again (0 for a fresh job). */
  failures: number;
}

export interface RetryPolicy {
  /** Runs after the first failure before giving up (0: no retry). */
  retries: number;
  /** Wait before each retry (doubled each time). */
  delayMs: number;
}

export class ReviewQueue<J extends Keyed> {
  private slots = new Map<string, Slot<J>>();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly run: (job: J) => Promise<void>,
    private readonly debounceMs: number,
    /** A job failed for good; `superseded` when a newer job for its key is already waiting. */
    private readonly onError: (job: J, err: unknown, superseded: boolean) => void | Promise<void>,
    private readonly retry: RetryPolicy = { retries: 0, delayMs: 0 },
  ) {}

  /** Queues a job; a later job for the same key replaces it while it waits. */
  push(job: J): void {
    const slot = this.slots.get(job.key) ?? { running: false, failures: 0 };
    this.slots.set(job.key, slot);
    slot.pending = job;
    slot.failures = 0;
    if (!slot.running) this.arm(job.key, slot);
  }

  /** Resolves when nothing is waiting or running (tests, graceful shutdown). */
  idle(): Promise<void> {
    if (this.slots.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private arm(key: string, slot: Slot<J>, delayMs = this.debounceMs): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => void this.start(key, slot), delayMs);
  }

  private async start(key: string, slot: Slot<J>): Promise<void> {
    slot.timer = undefined;
    const job = slot.pending;
    slot.pending = undefined;
    if (!job) return this.settle(key, slot);
    slot.running = true;
    const failures = slot.failures;
    try {
      await this.run(job);
    } catch (err) {
      if (!slot.pending && failures < this.retry.retries) {
        // Nothing newer is waiting: try this head again later.
        slot.pending = job;
        slot.failures = failures + 1;
        slot.running = false;
        this.arm(key, slot, this.retry.delayMs * 2 ** failures);
        return;
      }
      try {
        await this.onError(job, err, !!slot.pending);
      } catch {
        /* reporting the failure failed too; onError has logged what it could */
      }
    }
    slot.running = false;
    if (slot.pending) this.arm(key, slot);
    else this.settle(key, slot);
  }

  private settle(key: string, slot: Slot<J>): void {
    if (slot.running || slot.pending || slot.timer) return;
    this.slots.delete(key);
    if (this.slots.size === 0) for (const w of this.waiters.splice(0)) w();
  }
}

/** A bounded set of recent delivery ids (oldest forgotten first). */
export class RecentIds {
  private ids = new Set<string>();
  constructor(private readonly capacity = 10000) {}

  /** True when the id was seen before; records it otherwise. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return false;
  }

  /** Lets a redelivery through again (the first attempt failed). */
  forget(id: string): void {
    this.ids.delete(id);
  }
}
