import middy from '@middy/core';
import { z } from 'zod';
import { awsVaultDeps } from '../adapters/aws/aws-deps.ts';
import { lazyHandler } from '../api/lazy-handler.ts';
import { failUpload, fileUpload, validateUpload } from '../core/filing.ts';
import type { VaultDeps } from '../core/vault-deps.ts';

/**
 * Task handlers of digitize.asl.json. Each takes the state's input, checks it, and calls
 * one core step. New states (OCR, classify, review, sign) add a handler here and a state
 * in the ASL file; the core steps stay independent of Step Functions.
 */
const uploadInput = z.object({ uploadId: z.string().uuid() });
const validatedInput = uploadInput.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().positive(), pageCount: z.number().int().positive() });
const failureInput = uploadInput.extend({ error: z.object({ Error: z.string(), Cause: z.string().optional() }) });

export function createWorkflowSteps(deps: VaultDeps) {
  return {
    validate: middy<unknown, unknown>().handler((event) => validateUpload(deps, uploadInput.parse(event))),
    file: middy<unknown, unknown>().handler((event) => fileUpload(deps, validatedInput.parse(event))),
    fail: middy<unknown, unknown>().handler(async (event) => {
      const { uploadId, error } = failureInput.parse(event);
      await failUpload(deps, { uploadId, error: error.Error, ...(error.Cause ? { cause: error.Cause } : {}) });
      return { uploadId, status: 'FAILED' };
    }),
  };
}

let steps: ReturnType<typeof createWorkflowSteps> | undefined;
const awsSteps = () => (steps ??= createWorkflowSteps(awsVaultDeps()));

export const validateHandler = lazyHandler(() => awsSteps().validate);
export const fileHandler = lazyHandler(() => awsSteps().file);
export const failHandler = lazyHandler(() => awsSteps().fail);
