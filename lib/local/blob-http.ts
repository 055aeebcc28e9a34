import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { S3Event } from 'aws-lambda';
import {
  BLOB_PATH_PREFIX,
  type FsBlobStore,
  type StagedUpload,
  type UploadGrant,
} from '../../functions/platform/adapters/fs-blob-store.ts';

/**
 * Serves the filesystem store's presigned URLs the way S3 serves its own: POST uploads with
 * policy checks and S3-style XML errors, GET downloads, and an S3 ObjectCreated event per upload.
 */

export interface BlobHttpDeps {
  store: FsBlobStore;
  onObjectCreated(event: S3Event): Promise<void>;
  /** Written into events as awsRegion. */
  region?: string;
  log?: (message: string, error: unknown) => void;
}

interface Failure {
  status: number;
  code: string;
  message: string;
}

type UploadOutcome = { ok: true; grant: UploadGrant; size: number; eTag: string } | { ok: false; error: Failure };

/** The form before the file is only a handful of short fields; anything bigger is not ours. */
const FORM_LIMITS: busboy.Limits = {
  fieldNameSize: 100,
  fieldSize: 20 * 1024,
  fields: 20,
  files: 1,
  parts: 21,
  headerPairs: 20,
};

const malformed: Failure = {
  status: 400,
  code: 'MalformedPOSTRequest',
  message: 'The body of your POST request is not well-formed multipart/form-data.',
};
const invalid = (message: string): Failure => ({ status: 400, code: 'InvalidArgument', message });
const internal: Failure = {
  status: 500,
  code: 'InternalError',
  message: 'We encountered an internal error. Please try again.',
};

class TooLarge extends Error {}

export function createBlobHttpHandler(
  deps: BlobHttpDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { store } = deps;
  const log = deps.log ?? ((message: string, error: unknown) => console.error(message, error));
  const region = deps.region ?? 'us-east-1';
  let sequence = 0;

  async function handlePost(req: IncomingMessage, res: ServerResponse, bucket: string): Promise<void> {
    if (bucket !== store.bucket) {
      req.resume();
      return sendError(res, { status: 404, code: 'NoSuchBucket', message: 'The specified bucket does not exist' });
    }
    const outcome = await receiveUpload(req, store, bucket, log);
    if (!outcome.ok) return sendError(res, outcome.error);

    res.writeHead(204, { ETag: `"${outcome.eTag}"`, 'x-amz-request-id': requestId() });
    res.end();

    const time = store.now();
    const event = objectCreatedEvent({
      region,
      bucket,
      key: outcome.grant.key,
      size: outcome.size,
      eTag: outcome.eTag,
      time,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      sequencer:
        time.getTime().toString(16).toUpperCase().padStart(12, '0') +
        (sequence++).toString(16).toUpperCase().padStart(6, '0'),
    });
    try {
      await deps.onObjectCreated(event);
    } catch (error) {
      // The object is stored and the client has its 204; S3 would not take that back either.
      log(`onObjectCreated failed for ${outcome.grant.key}`, error);
    }
  }

  async function handleGet(req: IncomingMessage, res: ServerResponse, bucket: string, key: string, rawQuery: string) {
    req.resume();
    const verdict = store.verifyDownload({ bucket, key, query: new URLSearchParams(rawQuery) });
    if (!verdict.ok) return sendError(res, verdict.error);
    const object = await store.openRead(key);
    if (!object)
      return sendError(res, { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' });
    const grant = verdict.value;
    res.writeHead(200, {
      'Content-Type': grant.contentType ?? object.contentType ?? 'binary/octet-stream',
      'Content-Length': object.size,
      ...(grant.disposition ? { 'Content-Disposition': grant.disposition } : {}),
      // Uploaded scans must never be sniffed into something executable.
      'X-Content-Type-Options': 'nosniff',
      'x-amz-request-id': requestId(),
    });
    try {
      await pipeline(object.stream, res);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') log(`download of ${key} failed`, error);
    }
  }

  return async (req, res) => {
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    // The raw path, not a parsed URL: URL parsing would quietly resolve ../ before we see it.
    const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
    if (rawPath !== BLOB_PATH_PREFIX.slice(0, -1) && !rawPath.startsWith(BLOB_PATH_PREFIX)) return false;

    try {
      const rest = rawPath.slice(BLOB_PATH_PREFIX.length);
      const slashAt = rest.indexOf('/');
      const rawBucket = slashAt === -1 ? rest : rest.slice(0, slashAt);
      const rawKey = slashAt === -1 ? '' : rest.slice(slashAt + 1);
      let bucket: string;
      let key: string;
      try {
        bucket = decodeURIComponent(rawBucket);
        key = rawKey.split('/').map(decodeURIComponent).join('/');
      } catch {
        req.resume();
        sendError(res, { status: 400, code: 'InvalidURI', message: 'Couldn\u2019t parse the specified URI.' });
        return true;
      }

      if (req.method === 'POST' && rawKey === '' && bucket !== '') {
        await handlePost(req, res, bucket);
      } else if (req.method === 'GET' && rawKey !== '') {
        await handleGet(req, res, bucket, key, rawQuery);
      } else {
        req.resume();
        res.setHeader('Allow', rawKey === '' ? 'POST' : 'GET');
        sendError(res, {
          status: 405,
          code: 'MethodNotAllowed',
          message: 'The specified method is not allowed against this resource.',
        });
      }
    } catch (error) {
      log(`blob request ${req.method} ${rawPath} failed`, error);
      sendError(res, internal);
    }
    return true;
  };
}

/**
 * Reads the multipart form: fields first, then exactly one file, which is checked against the
 * signed policy before a byte is written and cut off as soon as it passes the size limit.
 * Nothing stays on disk unless the outcome is ok.
 */
function receiveUpload(
  req: IncomingMessage,
  store: FsBlobStore,
  bucket: string,
  log: (message: string, error: unknown) => void,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: FORM_LIMITS });
    } catch {
      req.resume();
      resolve({ ok: false, error: malformed });
      return;
    }

    const fields = new Map<string, string>();
    let fileSeen = false;
    let fileStream: Readable | undefined;
    let staged: StagedUpload | undefined;
    let writing: Promise<{ grant: UploadGrant; size: number; eTag: string }> | undefined;
    let settled = false;

    const fail = (error: Failure) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // Read and drop the rest of the body, so the client gets to read our answer.
      req.resume();
      fileStream?.destroy();
      parser.destroy();
      void (async () => {
        // Wait for the writer to let go of the temp file, or it could be recreated after we delete it.
        await writing?.catch(() => undefined);
        await staged?.discard().catch((cause: unknown) => log('could not delete a rejected upload', cause));
        resolve({ ok: false, error });
      })();
    };

    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (fileSeen) return fail(invalid('The file must be the last field in the form.'));
      if (info.nameTruncated || info.valueTruncated) return fail(invalid(`Form field ${name} is too long.`));
      const lower = name.toLowerCase();
      if (fields.has(lower)) return fail(invalid(`Form field ${name} appears more than once.`));
      fields.set(lower, value);
    });

    parser.on('file', (name, stream) => {
      if (settled || fileSeen) {
        stream.resume();
        return fail(invalid('POST requires exactly one file upload per request.'));
      }
      fileSeen = true;
      fileStream = stream;
      if (name.toLowerCase() !== 'file') {
        stream.resume();
        return fail(invalid("The file must be sent in a form field named 'file'."));
      }
      const verdict = store.verifyUpload({ bucket, fields });
      if (!verdict.ok) {
        stream.resume();
        return fail(verdict.error);
      }
      const grant = verdict.value;
      let sourceFailed = false;
      stream.once('error', () => {
        sourceFailed = true;
      });
      writing = (async () => {
        staged = await store.stageUpload(grant);
        if (settled) throw new Error('upload abandoned');
        const md5 = createHash('md5');
        let size = 0;
        const meter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            size += chunk.length;
            if (size > grant.maxBytes) return callback(new TooLarge());
            md5.update(chunk);
            callback(null, chunk);
          },
        });
        await pipeline(stream, meter, createWriteStream(staged.tempPath, { flags: 'wx' }));
        return { grant, size, eTag: md5.digest('hex') };
      })();
      writing.catch((error: unknown) => {
        if (error instanceof TooLarge) {
          fail({
            status: 400,
            code: 'EntityTooLarge',
            message: `Your proposed upload exceeds the maximum allowed size of ${grant.maxBytes} bytes.`,
          });
        } else if (sourceFailed) {
          fail(malformed);
        } else {
          if (!settled) log('storing an upload failed', error);
          fail(internal);
        }
      });
    });

    const tooMany = () =>
      fail(invalid('POST requires exactly one file upload per request, after at most a few fields.'));
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('partsLimit', tooMany);
    parser.on('error', () => fail(malformed));

    parser.on('close', () => {
      if (settled) return;
      if (!writing) return fail(invalid('POST requires exactly one file upload per request.'));
      writing.then(
        async (result) => {
          if (settled) return;
          if (result.size < result.grant.minBytes) {
            return fail({
              status: 400,
              code: 'EntityTooSmall',
              message: `Your proposed upload is smaller than the minimum allowed size of ${result.grant.minBytes} bytes.`,
            });
          }
          settled = true;
          try {
            await staged!.commit();
          } catch (error) {
            log(`could not store ${result.grant.key}`, error);
            await staged!.discard().catch(() => undefined);
            return resolve({ ok: false, error: internal });
          }
          resolve({ ok: true, ...result });
        },
        () => undefined, // already answered by the catch above
      );
    });

    req.on('error', () => fail(malformed));
    req.on('close', () => {
      if (!req.complete) fail(malformed);
    });
    req.pipe(parser);
  });
}

function objectCreatedEvent(input: {
  region: string;
  bucket: string;
  key: string;
  size: number;
  eTag: string;
  time: Date;
  sourceIp: string;
  sequencer: string;
}): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: input.region,
        eventTime: input.time.toISOString(),
        eventName: 'ObjectCreated:Post',
        userIdentity: { principalId: 'khoso-local' },
        requestParameters: { sourceIPAddress: input.sourceIp },
        responseElements: { 'x-amz-request-id': requestId(), 'x-amz-id-2': randomBytes(24).toString('base64') },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'khoso-local',
          bucket: {
            name: input.bucket,
            ownerIdentity: { principalId: 'khoso-local' },
            arn: `arn:aws:s3:::${input.bucket}`,
          },
          object: { key: s3EventKey(input.key), size: input.size, eTag: input.eTag, sequencer: input.sequencer },
        },
      },
    ],
  };
}

/** Keys in S3 events are form-URL-encoded ('+' for space) with '/' left alone. */
export function s3EventKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9._\-*/]/.test(char)) out += char;
    else if (char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function sendError(res: ServerResponse, error: Failure): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const id = requestId();
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message><RequestId>${id}</RequestId></Error>`;
  res.writeHead(error.status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amz-request-id': id,
  });
  res.end(body);
}

function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}
