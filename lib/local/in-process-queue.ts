/**
 * An SQS-like queue in the embedded runtime's process, with the semantics the sync function relies
 * on: a received message is invisible for the visibility timeout, comes back if not deleted, counts
 * its receives, moves to the dead-letter queue after `maxReceiveCount`, and its consumer can set
 * when it is seen again (backoff) and cut those waits short (`releaseRetries`, which SQS lacks).
 * Messages live in memory: the outbox records, not the queue, are what survives a restart (the
 * dispatcher re-queues whatever is pending).
 */
export interface QueuedMessage<T> {
  id: string;
  body: T;
  /** 1 on the first delivery. */
  receiveCount: number;
}

/** What the consumer did: delete it, or show it again after this many seconds. */
export type ConsumerVerdict = { delete: true } | { retryAfterSeconds: number };

export interface InProcessQueueOptions {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  /** Messages handled at once. */
  concurrency: number;
  /** How often an idle consumer looks again. */
  pollMs?: number;
  /** Scales every wait (tests and the bench run minutes of backoff in seconds). */
  secondsToMs?: number;
}

interface Entry<T> {
  message: QueuedMessage<T>;
  visibleAt: number;
  /** Waiting out the delay its consumer asked for (a retry's backoff), which `releaseRetries` may cut short. */
  retrying?: true;
}

export class InProcessQueue<T> {
  private readonly waiting: Entry<T>[] = [];
  private readonly deadLetters: QueuedMessage<T>[] = [];
  private inFlight = 0;
  /** Deliveries running now, so that stopping can wait for them. */
  private readonly deliveries = new Set<Promise<void>>();
  private nextId = 0;
  private timer: NodeJS.Timeout | undefined;
  private consumer: ((message: QueuedMessage<T>) => Promise<ConsumerVerdict>) | undefined;
  private readonly secondsToMs: number;

  constructor(private readonly options: InProcessQueueOptions) {
    this.secondsToMs = options.secondsToMs ?? 1000;
  }

  send(body: T, delaySeconds = 0): void {
    const message = { id: String((this.nextId += 1)), body, receiveCount: 0 };
    this.waiting.push({ message, visibleAt: Date.now() + delaySeconds * this.secondsToMs });
    this.pump();
  }

  /** Starts delivering to `handle`; a throw leaves the message to reappear after the visibility timeout. */
  consume(handle: (message: QueuedMessage<T>) => Promise<ConsumerVerdict>): void {
    this.consumer = handle;
    this.timer = setInterval(() => this.pump(), this.options.pollMs ?? 50);
    this.timer.unref();
    this.pump();
  }

  /** Stops delivering, and waits for the deliveries already running (they may still write). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.consumer = undefined;
    await Promise.all(this.deliveries);
  }

  /** Messages not yet deleted (waiting or in flight), and those in the dead-letter queue. */
  depth(): { queued: number; inFlight: number; deadLetters: number } {
    return { queued: this.waiting.length, inFlight: this.inFlight, deadLetters: this.deadLetters.length };
  }

  /**
   * Makes every message waiting out a retry's backoff visible now (the consumer saw what failed it
   * recover); new messages' delays and crashed deliveries' visibility timeouts are kept.
   */
  releaseRetries(): number {
    const now = Date.now();
    let released = 0;
    for (const entry of this.waiting) {
      if (entry.retrying && entry.visibleAt > now) {
        entry.visibleAt = now;
        released += 1;
      }
    }
    this.pump();
    return released;
  }

  /** Moves every dead letter back to the queue, receive count reset, as SQS's redrive does. */
  redriveDeadLetters(): number {
    const moved = this.deadLetters.splice(0);
    for (const message of moved) this.send(message.body);
    return moved.length;
  }

  private pump(): void {
    const consumer = this.consumer;
    if (!consumer) return;
    const now = Date.now();
    while (this.inFlight < this.options.concurrency) {
      const index = this.waiting.findIndex((entry) => entry.visibleAt <= now);
      if (index < 0) return;
      const [entry] = this.waiting.splice(index, 1);
      if (!entry) return;
      entry.message.receiveCount += 1;
      if (entry.message.receiveCount > this.options.maxReceiveCount) {
        this.deadLetters.push(entry.message);
        continue;
      }
      this.inFlight += 1;
      const delivery = this.deliver(consumer, entry).finally(() => this.deliveries.delete(delivery));
      this.deliveries.add(delivery);
    }
  }

  private async deliver(consumer: (message: QueuedMessage<T>) => Promise<ConsumerVerdict>, entry: Entry<T>) {
    let verdict: ConsumerVerdict | undefined;
    try {
      verdict = await consumer({ ...entry.message });
    } catch {
      verdict = undefined;
    }
    this.inFlight -= 1;
    if (!verdict) {
      const visibleAt = Date.now() + this.options.visibilityTimeoutSeconds * this.secondsToMs;
      this.waiting.push({ message: entry.message, visibleAt });
    } else if (!('delete' in verdict)) {
      const visibleAt = Date.now() + verdict.retryAfterSeconds * this.secondsToMs;
      this.waiting.push({ message: entry.message, visibleAt, retrying: true });
    }
    this.pump();
  }
}
