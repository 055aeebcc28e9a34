/**
 * `npm run bench:sign`: the agency seal on scanned PDFs of 1 and 50 pages, through the
 * workflow's own Seal step (`sealUpload`) with the embedded runtime's key. Counts the calls
 * to the seal key, which is where KMS Sign is called in AWS. Prints one JSON document.
 */
import { cpus, totalmem } from 'node:os';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { createLocalSealKey } from '../../functions/signing/adapters/local-seal-key.ts';
import type { Upload } from '../../functions/digitize/core/upload-model.ts';
import { assembleSigning } from '../../functions/signing/core/built-in-providers.ts';
import { toPem } from '../../functions/pdf-pki/certificates.ts';
import { createRootCa, issueCertificate } from '../../functions/pdf-pki/development-ca.ts';
import type { SealKey } from '../../functions/signing/core/seal-key.ts';
import { sealUpload } from '../../functions/digitize/core/seal-upload.ts';
import { createTestVault } from '../fakes/vault-test-deps.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 20);

/** Scanned pages: each its own 150-dpi grey A4 image with speckle (a JPEG), plus a line of text. */
async function scannedPdf(pages: number): Promise<Uint8Array> {
  const width = 1240;
  const height = 1754;
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (let page = 0; page < pages; page += 1) {
    const pixels = Buffer.alloc(width * height);
    for (let i = 0; i < pixels.length; i += 1) pixels[i] = 225 + (((i + page * 7919) * 2654435761) % 31);
    const image = await document.embedJpg(
      await sharp(pixels, { raw: { width, height, channels: 1 } })
        .jpeg({ quality: 70 })
        .toBuffer(),
    );
    const added = document.addPage([595, 842]);
    added.drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
    added.drawText(`Page ${page + 1}`, { x: 40, y: 800, size: 12, font });
  }
  return document.save();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main() {
  const deps = createTestVault();
  const root = await createRootCa({ commonName: 'khoso bench root' });
  const seal = await issueCertificate({ issuer: root, commonName: 'Cơ quan cấp kết quả (bench)' });
  const key = createLocalSealKey(seal.privateKeyPkcs8);
  let signCalls = 0;
  const countingKey: SealKey = {
    publicKey: () => key.publicKey(),
    signDigest: (digest) => {
      signCalls += 1;
      return key.signDigest(digest);
    },
  };
  deps.signing.providers = assembleSigning({ settings: deps.signing.settings, sealKey: countingKey }).providers;
  await deps.signing.settings.saveSealCertificates(toPem(seal.certificate) + toPem(root.certificate), []);

  const results = [];
  for (const pages of [1, 50]) {
    const pdf = await scannedPdf(pages);
    const upload = {
      id: `bench-${pages}`,
      ownerId: '079203001234',
      blobKey: `incoming/bench-${pages}`,
      contentType: 'application/pdf',
      fileName: 'scan.pdf',
    } as Upload;
    await deps.blobs.write(upload.blobKey, pdf, 'application/pdf');
    await sealUpload(deps, upload); // warm-up: module and JIT
    const times: number[] = [];
    const callsBefore = signCalls;
    let sealedSize = 0;
    for (let round = 0; round < rounds; round += 1) {
      const started = performance.now();
      const sealed = await sealUpload(deps, upload);
      times.push(performance.now() - started);
      sealedSize = sealed.size;
    }
    times.sort((a, b) => a - b);
    results.push({
      pages,
      inputBytes: pdf.byteLength,
      sealedBytes: sealedSize,
      rounds,
      p50Ms: Number(percentile(times, 50).toFixed(1)),
      p95Ms: Number(percentile(times, 95).toFixed(1)),
      keySignCallsPerSignature: (signCalls - callsBefore) / rounds,
    });
  }
  console.log(
    JSON.stringify(
      {
        benchmark: 'agency seal (PAdES) through the Seal step',
        machine: {
          cpus: cpus().length,
          model: cpus()[0]?.model,
          memoryGiB: Math.round(totalmem() / 1024 ** 3),
          node: process.version,
        },
        date: new Date().toISOString(),
        results,
      },
      null,
      2,
    ),
  );
}

await main();
