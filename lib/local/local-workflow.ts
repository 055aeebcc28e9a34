import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OcrEngine } from '../../functions/digitize/core/ocr-engine.ts';
import type { VaultDeps } from '../../functions/vault/core/vault-deps.ts';
import { ReviewNotPendingError, type DigitizeWorkflow } from '../../functions/digitize/core/digitize-workflow.ts';
import { workflowErrors } from '../../functions/digitize/core/workflow-errors.ts';
import { createWorkflowSteps } from '../../functions/digitize/handlers/steps.ts';
import { logger } from '../../functions/platform/observability.ts';
import { LocalStepFunctions } from './asl/index.ts';

const stateMachineName = 'digitize';
const aslFile = new URL('../../functions/digitize/digitize.asl.json', import.meta.url);

/** Lambda names the ASL's DefinitionSubstitutions resolve to in process. */
const substitutions = {
  ValidateFunctionArn: 'local:validate',
  RecognizeFunctionArn: 'local:recognize',
  ClassifyFunctionArn: 'local:classify',
  ExtractFunctionArn: 'local:extract',
  ReviewFunctionArn: 'local:review',
  SealFunctionArn: 'local:seal',
  FileFunctionArn: 'local:file',
  FailFunctionArn: 'local:fail',
};

export interface LocalWorkflow {
  digitize: DigitizeWorkflow;
  stepFunctions: LocalStepFunctions;
  /** Resolves when every execution started so far has finished (tests and shutdown). */
  idle(): Promise<void>;
}

/**
 * Runs functions/digitize/digitize.asl.json in process, its tasks calling the same step
 * handlers the Lambdas export. Executions still running at shutdown are journalled and
 * started again on the next start; the steps are idempotent, so a resumed run is safe.
 */
export async function startLocalWorkflow(
  deps: VaultDeps,
  ocr: () => OcrEngine,
  journalFile: string,
): Promise<LocalWorkflow> {
  const steps = createWorkflowSteps(deps, ocr);
  const handlers: Record<string, (event: unknown) => Promise<unknown>> = Object.fromEntries(
    Object.entries(steps).map(([name, step]) => [`local:${name}`, (event: unknown) => step(event, {} as never)]),
  );
  const stepFunctions = new LocalStepFunctions({
    invokeFunction: async ({ functionName, payload }) => {
      const handler = handlers[functionName];
      if (!handler) throw new Error(`no local function ${functionName}`);
      return handler(payload);
    },
  });
  stepFunctions.createStateMachine(stateMachineName, await readFile(aslFile, 'utf8'), substitutions);

  const running = new Map<string, Promise<unknown>>();
  let journal = Promise.resolve();
  const saveJournal = () => {
    journal = journal.then(async () => {
      await mkdir(dirname(journalFile), { recursive: true });
      await writeFile(journalFile, JSON.stringify([...running.keys()]));
    });
    return journal;
  };

  const start = async (uploadId: string): Promise<{ alreadyStarted: boolean }> => {
    const { executionArn, alreadyStarted } = stepFunctions.startExecution(stateMachineName, {
      name: uploadId,
      input: { uploadId },
    });
    if (!alreadyStarted) {
      const done = stepFunctions
        .waitForExecution(executionArn)
        .then((result) => {
          if (result.status !== 'SUCCEEDED')
            logger.warn('digitize execution ended', { uploadId, status: result.status, error: result.error });
        })
        .finally(() => {
          running.delete(uploadId);
          void saveJournal();
        });
      running.set(uploadId, done);
      await saveJournal();
    }
    return { alreadyStarted };
  };

  let pending: string[] = [];
  try {
    pending = JSON.parse(await readFile(journalFile, 'utf8')) as string[];
  } catch {
    // no journal: nothing was running
  }
  for (const uploadId of pending) await start(uploadId);

  return {
    digitize: {
      startDigitization: ({ uploadId }) => start(uploadId),
      resumeAfterReview: async (taskToken, decision) => {
        try {
          if (decision.approved) stepFunctions.sendTaskSuccess(taskToken, decision);
          else stepFunctions.sendTaskFailure(taskToken, workflowErrors.reviewRejected, decision.reason);
        } catch (error) {
          if (error instanceof Error && error.name === 'TaskDoesNotExist') throw new ReviewNotPendingError();
          throw error;
        }
      },
    },
    stepFunctions,
    idle: async () => {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
      await journal;
    },
  };
}
