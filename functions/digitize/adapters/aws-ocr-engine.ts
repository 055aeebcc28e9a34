import type { OcrEngine } from '../core/ocr-engine.ts';
import { loadLambdaConfig } from '../../platform/config.ts';
import { createTesseractOcrEngine } from './ocr/tesseract-ocr-engine.ts';
import { textractClient } from '../../platform/adapters/aws-clients.ts';
import { createTextractOcrEngine } from './textract-ocr-engine.ts';

let engine: OcrEngine | undefined;

/**
 * The deployment's OCR engine (OCR_ENGINE), created on first use and kept warm for the life
 * of the container. Only the functions that read scans import this module, so only their
 * bundles carry an engine and its model.
 */
export function awsOcrEngine(): OcrEngine {
  engine ??= loadLambdaConfig().OCR_ENGINE === 'textract'
    ? createTextractOcrEngine({ textract: textractClient() })
    : createTesseractOcrEngine();
  return engine;
}
