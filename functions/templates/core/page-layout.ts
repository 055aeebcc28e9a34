import type { OcrPage } from '../../digitize/core/ocr-engine.ts';
import { joinSpans, type TextLine, type TextSpan } from './ocr-lines.ts';
import { foldForSearch } from './text-folding.ts';

/**
 * The zones of an administrative page (Decree 30/2020/NĐ-CP, appendix I: the layout every
 * form of the built-in types follows): the agency lines top left (parent body, then the
 * issuing body), the national motto top right, the place-and-date line, and the signature
 * block. A value read after a label never runs into one of them.
 */
export type LineZone = 'agency' | 'motto' | 'place-date' | 'signature' | 'body';

/** The header (agency and motto) begins in the top fifth of the page. */
const headerDepth = 0.2;

const mottoLines = ['cong hoa xa hoi chu nghia viet nam', 'doc lap tu do hanh phuc'];
/** 'Sóc Trăng, ngày 11 tháng 01 năm 2025': a place ('Quận 1' has a number), a comma, the date in words. */
const placeAndDate = /^[^,\d]{2,40}\d{0,2},\s*ngay\s*\S{1,4}\s*thang\s*\S{1,4}\s*nam\s*\S{1,6}\s*$/;
/** 'KT.', 'TM.', 'TL.', 'TUQ.' sign on behalf of the head; 'Nơi nhận' lists the recipients. */
const signatureStart = /^(?:(?:kt|tm|tl|tuq)\.\s|noi nhan\b)/;
/** Signers' titles, printed in capitals; read with their marks, as 'TRƯỜNG' (a school) folds like 'TRƯỞNG'. */
const signerTitle = /^(?:phó\s)?(?:trưởng|giám đốc|chủ tịch|thủ trưởng|cục trưởng|chánh văn phòng)(?![\p{L}])/u;

function lettersOnly(text: string): string {
  return foldForSearch(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function isUpperCase(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length >= 3 && letters === letters.toLocaleUpperCase('vi');
}

export class PageLayout {
  private readonly zones = new Map<TextLine, LineZone>();
  private readonly agencyLines = new Map<number, TextLine[]>();

  constructor(pages: OcrPage[], lines: TextLine[]) {
    for (const line of lines) this.zones.set(line, zoneOf(line));
    for (const page of pages) {
      const header = agencyBlock(
        page,
        lines.filter((line) => line.pageNumber === page.pageNumber),
      );
      for (const line of header) this.zones.set(line, 'agency');
      this.agencyLines.set(page.pageNumber, header);
    }
  }

  zone(line: TextLine): LineZone {
    return this.zones.get(line) ?? 'body';
  }

  /**
   * The issuing body: the agency lines under the first one (its parent body), or the only one
   * when the agency has no parent. Null on a page without boxes, where the header is not known.
   */
  issuingAgency(pageNumber: number): TextSpan | null {
    const header = this.agencyLines.get(pageNumber) ?? [];
    if (header.length === 0) return null;
    return joinSpans(header.length === 1 ? header : header.slice(1));
  }
}

function zoneOf(line: TextLine): LineZone {
  const folded = lettersOnly(line.text);
  if (mottoLines.some((motto) => folded === motto)) return 'motto';
  if (placeAndDate.test(foldForSearch(line.text))) return 'place-date';
  const signs =
    signatureStart.test(foldForSearch(line.text)) ||
    (signerTitle.test(line.text.normalize('NFC').toLocaleLowerCase('vi')) && isUpperCase(line.text));
  return signs ? 'signature' : 'body';
}

/**
 * The agency lines, top to bottom: capitals, no label ('Số:') and no date, in the left part of
 * the page, the first in the top of the page and each other at most 1.5 line heights under the
 * one before (the title further down, also in capitals, is not one of them). Only the first is
 * bound to the top: on a page cropped short, or scanned with a wide margin, the block runs lower.
 */
function agencyBlock(page: OcrPage, lines: TextLine[]): TextLine[] {
  const candidates = lines
    .filter((line) => line.box !== null && line.box.x1 <= page.width * 0.55)
    .sort((a, b) => (a.box?.y0 ?? 0) - (b.box?.y0 ?? 0));
  const block: TextLine[] = [];
  for (const line of candidates) {
    const previous = block.at(-1)?.box;
    const box = line.box;
    if (!box || !isUpperCase(line.text) || /[:：]/.test(line.text) || zoneOf(line) !== 'body') break;
    if (previous ? box.y0 - previous.y1 > 1.5 * (previous.y1 - previous.y0) : box.y1 >= page.height * headerDepth) {
      break;
    }
    block.push(line);
  }
  return block;
}
