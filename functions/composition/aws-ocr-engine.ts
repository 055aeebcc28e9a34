import type { OcrEngine } from '../digitize/core/ocr-engine.ts';
import { createTesseractOcrEngine } from '../digitize/adapters/ocr/tesseract-ocr-engine.ts';
import { createTextractOcrEngine } from '../digitize/adapters/textract-ocr-engine.ts';
import { textractClient } from '../platform/adapters/aws-clients.ts';
import { loadLambdaConfig } from './config.ts';

let engine: OcrEngine | undefined;

/**
 * The deployment's OCR engine (OCR_ENGINE), created on first use and kept warm for the life
 * of the container. Only the functions that read scans (digitize's RecognizePage, the
 * templates API) import this module, so only their bundles carry an
 * engine and its model.
 */
export function awsOcrEngine(): OcrEngine {
  engine ??=
    loadLambdaConfig().OCR_ENGINE === 'textract'
      ? createTextractOcrEngine({ textract: textractClient() })
      : createTesseractOcrEngine();
  return engine;
}
