import { createTextractOcrEngine } from '../adapters/aws/textract-ocr-engine.ts';
import { awsVaultDeps } from '../adapters/aws/aws-deps.ts';
import { textractClient } from '../adapters/aws/clients.ts';
import { createTesseractOcrEngine } from '../adapters/ocr/tesseract-ocr-engine.ts';
import { lazyHandler } from '../api/lazy-handler.ts';
import type { OcrEngine } from '../core/ocr-engine.ts';
import { loadLambdaConfig } from '../config.ts';
import { createWorkflowSteps } from './steps.ts';

/**
 * The RecognizePage function: the one step that carries an OCR engine (and, for Tesseract,
 * its Vietnamese model), kept warm across pages and invocations of the container.
 */
let engine: OcrEngine | undefined;

function ocrEngine(): OcrEngine {
  engine ??= loadLambdaConfig().OCR_ENGINE === 'textract'
    ? createTextractOcrEngine({ textract: textractClient() })
    : createTesseractOcrEngine();
  return engine;
}

export const handler = lazyHandler(() => createWorkflowSteps(awsVaultDeps(), ocrEngine).recognize);
