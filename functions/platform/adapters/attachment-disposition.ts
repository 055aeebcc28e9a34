/**
 * `attachment` with an ASCII fallback name and an RFC 5987 `filename*` carrying the real
 * (often Vietnamese) name, so every browser saves the file under a sensible name. Shared
 * by the S3 and the filesystem stores so both download the same way.
 */
export function attachmentDisposition(fileName: string): string {
  const name =
    fileName
      .normalize('NFC')
      .replace(/[\\/\u0000-\u001f\u007f]/g, '_')
      .trim() || 'download';
  const ascii =
    name
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\%;]/g, '_') || 'download';
  const extended = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${extended}`;
}
