import { awsVaultDeps } from '../../composition/aws-deps.ts';
import { awsOcrEngine } from '../../composition/aws-ocr-engine.ts';
import { lazyHandler } from '../../platform/lazy-handler.ts';
import { createWorkflowSteps } from './steps.ts';

/** The RecognizePage function: the one workflow step that carries an OCR engine. */
export const handler = lazyHandler(() => createWorkflowSteps(awsVaultDeps(), awsOcrEngine).recognize, {
  correlationIdPath: 'uploadId',
});
