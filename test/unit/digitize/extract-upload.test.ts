import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { acceptUploadedObject } from '../../../functions/digitize/core/accept-upload.ts';
import { extractUpload } from '../../../functions/digitize/core/extract-upload.ts';
import { validateUpload } from '../../../functions/digitize/core/validate-upload.ts';
import { writeWorkingPage } from '../../../functions/digitize/core/working-pages.ts';
import { builtinTemplates } from '../../../functions/templates/core/builtin-templates.ts';
import { extractFields } from '../../../functions/templates/core/extract.ts';
import { reviewCalibration, reviewPage } from '../../../functions/templates/core/field-correctness.ts';
import type { RequestContext } from '../../../functions/platform/core/principal.ts';
import { ocrPage } from '../templates/ocr-page-fixture.ts';
import {
  citizen,
  citizenId,
  createTestVault,
  officer,
  uploadBytes,
  type TestVault,
} from '../../fakes/vault-test-deps.ts';

const template = builtinTemplates('2026-01-01T00:00:00.000Z').find((candidate) => candidate.key === 'xac-nhan-cu-tru')!;

/** A residence confirmation for the test citizen, as OCR would read it; `personalId`, name and date as printed. */
function residencePage(personalId = citizenId, person = { fullName: 'NGUYỄN THỊ HƯƠNG', birthDate: '15/03/2003' }) {
  return ocrPage([
    { y: 60, x: 60, text: 'CÔNG AN THÀNH PHỐ HÀ NỘI' },
    { y: 60, x: 640, text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' },
    { y: 100, x: 700, text: 'Độc lập - Tự do - Hạnh phúc' },
    { y: 150, x: 120, text: 'Số: 125/XN-CAP' },
    { y: 230, x: 260, text: 'GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ' },
    { y: 350, x: 60, text: `1. Họ, chữ đệm và tên: ${person.fullName}` },
    { y: 400, x: 60, text: `2. Ngày, tháng, năm sinh: ${person.birthDate}    3. Giới tính: Nữ` },
    { y: 450, x: 60, text: `4. Số định danh cá nhân: ${personalId}` },
    { y: 500, x: 60, text: '5. Nơi thường trú: Số 12 phố Hàng Bạc, phường Hàng Đào, quận Hoàn Kiếm' },
    { y: 800, x: 640, text: 'Hà Nội, ngày 15 tháng 01 năm 2024' },
  ]);
}

/** An upload at the Extract step, its one page read as `page`. */
async function atExtract(vault: TestVault, context: RequestContext, page = residencePage()) {
  await vault.templates.saveTemplate(template, undefined, []);
  const ticket = await uploadBytes(vault, context, context.principal.role === 'officer' ? { ownerId: citizenId } : {});
  await acceptUploadedObject(vault, { key: ticket.upload.blobKey, size: ticket.upload.declaredSize });
  await validateUpload(vault, { uploadId: ticket.upload.id });
  await writeWorkingPage(vault, ticket.upload.id, 1, page);
  const classified = {
    uploadId: ticket.upload.id,
    templateId: template.id,
    templateVersion: template.version,
    type: template.key,
    score: 1,
  };
  return extractUpload(vault, { classified, pageCount: 1 });
}

describe('extractUpload: the calibrated review decides', () => {
  test("an officer's page below the calibrated threshold waits for review, naming its weak fields", async () => {
    const vault = createTestVault();
    const extracted = await atExtract(vault, officer());
    const expected = reviewPage(template, extractFields(template, [residencePage()], { today: vault.clock.now() }));
    assert.equal(extracted.recognition.confidence, expected.score, 'the confidence recorded is the page score');
    assert.equal(extracted.needsReview, !expected.passes);
    // The calibrated reasons come first; the population database's own check may add its reason after them.
    assert.deepEqual(extracted.proposed.reasons.slice(0, expected.reasons.length), expected.reasons);
    if (!expected.passes) assert.match(extracted.proposed.reasons[0]!, /^field \w+: (score \d\.\d\d|not found)$/);
    assert.equal(extracted.recognition.type, 'xac-nhan-cu-tru', "an officer's upload keeps its type for the reviewer");
  });

  test('a required field that is missing sends the page to review whatever the threshold', async () => {
    const vault = createTestVault();
    const page = residencePage();
    page.lines = page.lines.filter((line) => !line.text.startsWith('4.'));
    page.words = page.words.filter((word) => word.box.y0 !== 450);
    const extracted = await atExtract(vault, officer(), page);
    assert.equal(extracted.needsReview, true);
    assert.ok(
      extracted.proposed.reasons.includes('field personalId: not found'),
      extracted.proposed.reasons.join('; '),
    );
    assert.equal(extracted.recognition.confidence, 0);
  });

  test("an officer's page naming the owner with misread marks takes the database's spelling, with no identity reason", async () => {
    const vault = createTestVault();
    // The population database holds the owner as Nguyễn Văn An, born 2003-02-14; OCR read Ấn.
    const page = residencePage(citizenId, { fullName: 'NGUYỄN VĂN ẤN', birthDate: '14/02/2003' });
    const extracted = await atExtract(vault, officer(), page);
    const read = extractFields(template, [page], { today: vault.clock.now() });
    assert.equal(read.fields.fullName, 'NGUYỄN VĂN ẤN');
    assert.equal(extracted.proposed.fields.fullName, 'NGUYỄN VĂN AN');
    assert.equal(extracted.recognition.fields.fullName, 'NGUYỄN VĂN AN');
    assert.equal(extracted.proposed.fields.personalId, citizenId, 'the other fields stay as read');
    // The reasons are the calibrated review's alone: the owner is confirmed.
    assert.deepEqual(extracted.proposed.reasons, reviewPage(template, read).reasons);
  });

  test("a citizen's own scan is filed anyway, with its type, and with its fields only when the page passes", async () => {
    const vault = createTestVault();
    const extracted = await atExtract(vault, citizen());
    const passes = reviewPage(
      template,
      extractFields(template, [residencePage()], { today: vault.clock.now() }),
    ).passes;
    assert.equal(extracted.needsReview, false);
    assert.equal(extracted.recognition.type, template.key);
    if (passes) assert.equal(extracted.recognition.fields.personalId, citizenId);
    else assert.deepEqual(extracted.recognition.fields, {});
    // Today's calibration has no threshold: nothing passes, so the citizen's scan keeps its type and text only.
    if (reviewCalibration().pageThreshold === null) assert.equal(passes, false);
  });
});
