/**
 * Child process of ocr-bench.ts: the embedded vault (API, digitize workflow, one Tesseract
 * worker) in a process of its own, so that its logs stay off the bench's stdout and its peak
 * RSS is that of the OCR runtime, not of the corpus renderer. Talks to the parent over IPC:
 *   → {kind: 'ready', url}
 *   ← {kind: 'seed-citizens', citizens}  → {kind: 'seeded', simulated}  (the population database's simulator)
 *   ← {kind: 'recognize-times'}  → {kind: 'recognize-times', times: {uploadId: ms}}
 *   ← {kind: 'close'}            → {kind: 'closed', maxRssKiB}
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalVault } from '../../lib/local/vault-server.ts';
import type { SimulatedCitizen } from '../simulators/population-database-simulator.ts';

export type ParentMessage =
  { kind: 'seed-citizens'; citizens: SimulatedCitizen[] } | { kind: 'recognize-times' } | { kind: 'close' };
export type ChildMessage =
  | { kind: 'ready'; url: string }
  /** False when a configured population database, not the simulator, answers (it cannot be seeded). */
  | { kind: 'seeded'; simulated: boolean }
  | { kind: 'recognize-times'; times: Record<string, number> }
  | { kind: 'closed'; maxRssKiB: number };

const send = (message: ChildMessage) => process.send?.(message);

const dataDir = await mkdtemp(join(tmpdir(), 'khoso-ocr-bench-'));
const vault = await startLocalVault({ dataDir, port: 0 });

/**
 * Milliseconds each upload's pages spent in the RecognizePage task (read, preprocess, OCR,
 * store the result), from the executions' history: the OCR time inside the real workflow.
 */
function recognizeTimes(): Record<string, number> {
  const { stepFunctions } = vault.workflow;
  const times: Record<string, number> = {};
  for (const execution of stepFunctions.listExecutions('digitize')) {
    let entered: number | undefined;
    let total = 0;
    for (const event of stepFunctions.getExecutionHistory(execution.executionArn)) {
      if (event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === 'RecognizePage')
        entered = event.timestamp.getTime();
      if (
        event.type === 'TaskStateExited' &&
        event.stateExitedEventDetails?.name === 'RecognizePage' &&
        entered !== undefined
      ) {
        total += event.timestamp.getTime() - entered;
        entered = undefined;
      }
    }
    times[execution.name] = total;
  }
  return times;
}

process.on('message', (message: ParentMessage) => {
  if (message.kind === 'seed-citizens') {
    const { simulator } = vault.populationDatabase;
    simulator?.seed(message.citizens);
    send({ kind: 'seeded', simulated: simulator !== undefined });
  }
  if (message.kind === 'recognize-times') send({ kind: 'recognize-times', times: recognizeTimes() });
  if (message.kind === 'close') {
    void (async () => {
      await vault.close();
      await rm(dataDir, { recursive: true, force: true });
      send({ kind: 'closed', maxRssKiB: process.resourceUsage().maxRSS });
      process.disconnect();
    })();
  }
});

// A bench that dies mid-run leaves no vault running and no data behind.
process.once('disconnect', () => {
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});

send({ kind: 'ready', url: vault.url });
