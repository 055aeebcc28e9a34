import { awsVaultDeps } from '../adapters/aws/aws-deps.ts';
import { awsOcrEngine } from '../adapters/aws/aws-ocr-engine.ts';
import { lazyHandler } from '../api/lazy-handler.ts';
import { createWorkflowSteps } from './steps.ts';

/** The RecognizePage function: the one workflow step that carries an OCR engine. */
export const handler = lazyHandler(() => createWorkflowSteps(awsVaultDeps(), awsOcrEngine).recognize);
