import { BranchAborted } from './errors.ts';

/**
 * Time and chance, injectable so tests neither wait for Retry nor depend on randomness.
 * A "guard" is a promise that only ever rejects (timeout, abort); racing work against guards and
 * disposing them afterwards is how every wait in the interpreter stays interruptible.
 */
export interface Clock {
  now(): Date;
  random(): number;
  /** Resolves after ms, or rejects with BranchAborted as soon as the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  timer(ms: number): Timer;
}

export interface Timer {
  readonly promise: Promise<void>;
  cancel(): void;
}

export interface ClockOptions {
  sleep?(ms: number): Promise<void>;
  now?(): Date;
  random?(): number;
}

export function createClock(options: ClockOptions): Clock {
  const injectedSleep = options.sleep?.bind(options);
  const timer = (ms: number): Timer => {
    // An injected sleep cannot be cancelled; callers ignore a timer they have disposed of.
    if (injectedSleep) return { promise: injectedSleep(ms), cancel: () => {} };
    let handle: NodeJS.Timeout | undefined;
    const promise = new Promise<void>((resolve) => {
      handle = setTimeout(resolve, ms);
    });
    return { promise, cancel: () => clearTimeout(handle) };
  };
  return {
    now: () => (options.now ? options.now() : new Date()),
    random: () => (options.random ? options.random() : Math.random()),
    timer,
    async sleep(ms, signal) {
      const sleeping = timer(ms);
      const aborted = abortGuard(signal);
      try {
        await raceGuards(sleeping.promise, [aborted]);
      } finally {
        sleeping.cancel();
        aborted.dispose();
      }
    },
  };
}

export interface Guard {
  readonly promise: Promise<never>;
  dispose(): void;
}

function guard(arm: (reject: (error: unknown) => void) => () => void): Guard {
  let disposed = false;
  let disarm: () => void = () => {};
  const promise = new Promise<never>((_, reject) => {
    disarm = arm((error) => {
      if (!disposed) reject(error);
    });
  });
  // A guard that fires after its race is over must not become an unhandled rejection.
  promise.catch(() => {});
  return {
    promise,
    dispose() {
      disposed = true;
      disarm();
    },
  };
}

export function abortGuard(signal: AbortSignal): Guard {
  return guard((reject) => {
    const onAbort = () => reject(new BranchAborted());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  });
}

/** Rejects with makeError() after ms, unless disposed first. */
export function deadlineGuard(clock: Clock, ms: number, makeError: () => Error): Guard {
  return guard((reject) => {
    const timer = clock.timer(ms);
    void timer.promise.then(() => reject(makeError()));
    return () => timer.cancel();
  });
}

/** A guard whose deadline can be pushed back (task heartbeats). */
export function resettableDeadlineGuard(clock: Clock, ms: number, makeError: () => Error): Guard & { reset(): void } {
  let current: Timer | undefined;
  let disposed = false;
  let rejectNow: (error: unknown) => void = () => {};
  const arm = () => {
    if (disposed) return;
    current?.cancel();
    const timer = clock.timer(ms);
    current = timer;
    void timer.promise.then(() => {
      // Only the latest timer counts: an injected sleep cannot be cancelled when a heartbeat arrives.
      if (current === timer) rejectNow(makeError());
    });
  };
  const base = guard((reject) => {
    rejectNow = reject;
    arm();
    return () => {
      disposed = true;
      current?.cancel();
      current = undefined;
    };
  });
  return { promise: base.promise, dispose: base.dispose, reset: arm };
}

/** The work's result, unless a guard rejects first. The caller disposes of the guards. */
export async function raceGuards<T>(work: Promise<T>, guards: readonly Guard[]): Promise<T> {
  // The work may lose the race and fail later; that failure is nobody's business any more.
  work.catch(() => {});
  return Promise.race([work, ...guards.map((g) => g.promise)]);
}
